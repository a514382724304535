// Ports Flink's HeartbeatManagerTest cases for HeartbeatManagerSenderImpl and the
// sender/receiver interplay (testHeartbeatCluster), on a ManualExecutor.

import { expect } from 'chai';
import { HeartbeatManagerImpl } from '../../../src/runtime/heartbeat/heartbeat-manager-impl.js';
import { HeartbeatManagerSenderImpl } from '../../../src/runtime/heartbeat/heartbeat-manager-sender-impl.js';
import { kFailedRpcDetectionDisabled } from '../../../src/runtime/heartbeat/heartbeat-constants.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingHeartbeatListener, RecordingHeartbeatTarget, flushPromises } from './testing-heartbeat.js';

const kInterval = 50;
const kTimeout = 200;

function sender<I, O>(
  executor: ManualExecutor,
  listener: RecordingHeartbeatListener<I, O>,
  interval = kInterval,
) {
  return new HeartbeatManagerSenderImpl<I, O>(
    interval,
    kTimeout,
    kFailedRpcDetectionDisabled,
    'sender',
    listener,
    executor,
    executor,
  );
}

describe('HeartbeatManagerSenderImpl (the requesting side)', () => {
  it('requests heartbeats at 0 ms and then once every interval', () => {
    const executor = new ManualExecutor();
    const manager = sender(executor, new RecordingHeartbeatListener<string, string>(() => 'ping'));
    const target = new RecordingHeartbeatTarget<string>();
    manager.monitorTarget('target', target);

    executor.triggerAll();
    expect(target.requested).to.deep.equal([['sender', 'ping']]);
    executor.advance(kInterval - 1);
    expect(target.requested).to.have.length(1);
    executor.advance(1);
    expect(target.requested).to.have.length(2);
    executor.advance(3 * kInterval);
    expect(target.requested).to.have.length(5);
    manager.stop();
  });

  it('passes each target id to retrievePayload, so each target gets its own payload', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<number, number>((id) => (id === 'special' ? 1 : 0));
    const manager = sender(executor, listener, 2000);
    const some = new RecordingHeartbeatTarget<number>();
    const special = new RecordingHeartbeatTarget<number>();
    manager.monitorTarget('some', some);
    manager.monitorTarget('special', special);

    executor.triggerAll();
    expect(some.requested).to.deep.equal([['sender', 0]]);
    expect(special.requested).to.deep.equal([['sender', 1]]);
    manager.stop();
  });

  it('keeps requesting from the other targets when the payload of one cannot be retrieved', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<number, number>((id) => {
      if (id === 'broken') throw new Error('no payload');
      return 7;
    });
    const manager = sender(executor, listener);
    const broken = new RecordingHeartbeatTarget<number>();
    const healthy = new RecordingHeartbeatTarget<number>();
    manager.monitorTarget('broken', broken);
    manager.monitorTarget('healthy', healthy);

    executor.triggerAll();
    executor.advance(kInterval);
    expect(healthy.requested).to.have.length(2);
    expect(broken.requested).to.have.length(0);
    manager.stop();
  });

  it('cancels its next round on stop(), leaving no timer and sending nothing more', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'ping');
    const manager = sender(executor, listener);
    const target = new RecordingHeartbeatTarget<string>();
    manager.monitorTarget('target', target);
    executor.triggerAll();

    manager.stop();
    expect(executor.pendingCount).to.equal(0);
    executor.advance(10 * kTimeout);
    expect(target.requested).to.have.length(1);
    expect(listener.timeouts).to.deep.equal([]);
  });

  it('times out a target that never answers its requests', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'ping');
    const manager = sender(executor, listener);
    manager.monitorTarget('silent', new RecordingHeartbeatTarget<string>());

    executor.advance(kTimeout);
    expect(listener.timeouts).to.deep.equal(['silent']);
    manager.stop();
  });
});

describe('a heartbeat sender and receiver monitoring each other', () => {
  it('exchange payloads every interval, and the sender times out the receiver once it stops', async () => {
    const executor = new ManualExecutor();
    const targetListener = new RecordingHeartbeatListener<string, number>(() => 42);
    const senderListener = new RecordingHeartbeatListener<number, string>(() => '1337');
    const target = new HeartbeatManagerImpl<string, number>(
      kTimeout,
      kFailedRpcDetectionDisabled,
      'target',
      targetListener,
      executor,
      executor,
    );
    const source = sender(executor, senderListener);
    target.monitorTarget('sender', source);
    source.monitorTarget('target', target);

    // Step through two timeouts one interval at a time, letting replies land in between.
    for (let t = 0; t < 2 * kTimeout; t += kInterval) {
      executor.advance(kInterval);
      await flushPromises();
    }
    expect(senderListener.timeouts).to.deep.equal([]);
    expect(targetListener.timeouts).to.deep.equal([]);
    const rounds = (2 * kTimeout) / kInterval;
    expect(targetListener.reported.length).to.be.at.least(rounds);
    expect(senderListener.reported.length).to.be.at.least(rounds);
    expect(targetListener.reported[0]).to.deep.equal(['sender', '1337']);
    expect(senderListener.reported[0]).to.deep.equal(['target', 42]);

    target.stop();
    executor.advance(kTimeout);
    await flushPromises();
    expect(senderListener.timeouts).to.deep.equal(['target']);
    source.stop();
    expect(executor.pendingCount).to.equal(0);
  });
});
