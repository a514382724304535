// HeartbeatServices: Flink's defaults, its validation of interval, timeout and the
// RPC failure threshold, and managers created with those settings.

import { expect } from 'chai';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingHeartbeatListener, RecordingHeartbeatTarget } from './testing-heartbeat.js';

function expectIllegalConfiguration(build: () => unknown, message: RegExp): void {
  try {
    build();
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    expect((error as { code?: unknown }).code).to.equal('ERR_ILLEGAL_CONFIGURATION');
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail('expected an ERR_ILLEGAL_CONFIGURATION error');
}

describe('HeartbeatServices', () => {
  it("uses Flink's defaults: 10 s interval, 50 s timeout, 2 failed RPCs", () => {
    const services = new HeartbeatServices();
    expect([services.interval, services.timeout, services.failedRpcRequestsUntilUnreachable]).to.deep.equal([
      10_000, 50_000, 2,
    ]);
  });

  it('rejects a non-positive interval, a timeout below the interval and a bad threshold', () => {
    expectIllegalConfiguration(() => new HeartbeatServices(0, 10), /interval must be larger than 0/);
    expectIllegalConfiguration(
      () => new HeartbeatServices(100, 99),
      /larger or equal than the heartbeat interval/,
    );
    expectIllegalConfiguration(() => new HeartbeatServices(10, 10, 0), /larger than 0 or -1/);
    expectIllegalConfiguration(() => new HeartbeatServices(10, 10, -2), /larger than 0 or -1/);
    expect(() => new HeartbeatServices(10, 10, -1)).not.to.throw();
  });

  it('creates a receiver that times out after the configured timeout', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'x');
    const manager = new HeartbeatServices(10, 30, 2, executor).createHeartbeatManager(
      'own',
      listener,
      executor,
    );
    manager.monitorTarget('peer', new RecordingHeartbeatTarget<string>());

    executor.advance(29);
    expect(listener.timeouts).to.deep.equal([]);
    executor.advance(1);
    expect(listener.timeouts).to.deep.equal(['peer']);
    manager.stop();
  });

  it('creates a sender that requests at the configured interval', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'x');
    const manager = new HeartbeatServices(10, 30, 2, executor).createHeartbeatManagerSender(
      'own',
      listener,
      executor,
    );
    const target = new RecordingHeartbeatTarget<string>();
    manager.monitorTarget('peer', target);

    executor.advance(25);
    expect(target.requested).to.have.length(3);
    manager.stop();
    expect(executor.pendingCount).to.equal(0);
  });
});
