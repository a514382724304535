// DefaultHeartbeatMonitor's state machine: RUNNING leaves at most once, to TIMEOUT,
// UNREACHABLE or CANCELED, and a late callback after that does nothing.

import { expect } from 'chai';
import { DefaultHeartbeatMonitor } from '../../../src/runtime/heartbeat/default-heartbeat-monitor.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingHeartbeatListener, RecordingHeartbeatTarget } from './testing-heartbeat.js';

function monitor(
  executor: ManualExecutor,
  listener: RecordingHeartbeatListener<unknown, unknown>,
  threshold = 2,
) {
  return new DefaultHeartbeatMonitor<unknown>(
    'peer',
    new RecordingHeartbeatTarget<unknown>(),
    executor,
    executor,
    listener,
    100,
    threshold,
  );
}

describe('DefaultHeartbeatMonitor', () => {
  it('arms its timeout at construction and reports the timeout once', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const m = monitor(executor, listener);
    expect(executor.pendingDelays()).to.deep.equal([100]);

    executor.advance(100);
    expect(m.getState()).to.equal('TIMEOUT');
    m.reportHeartbeat();
    executor.advance(500);
    expect(listener.timeouts).to.deep.equal(['peer']);
  });

  it('records the clock time of each heartbeat and pushes the timeout back', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const m = monitor(executor, listener);
    expect(m.getLastHeartbeat()).to.equal(0);

    executor.advance(90);
    m.reportHeartbeat();
    expect(m.getLastHeartbeat()).to.equal(90);
    executor.advance(99);
    expect(listener.timeouts).to.deep.equal([]);
    executor.advance(1);
    expect(listener.timeouts).to.deep.equal(['peer']);
  });

  it('turns UNREACHABLE after the threshold of consecutive RPC failures and then never times out', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const m = monitor(executor, listener, 2);

    m.reportHeartbeatRpcFailure();
    expect(m.getState()).to.equal('RUNNING');
    m.reportHeartbeatRpcFailure();
    m.reportHeartbeatRpcFailure();
    expect(m.getState()).to.equal('UNREACHABLE');
    expect(listener.unreachable).to.deep.equal(['peer']);
    expect(executor.pendingCount).to.equal(0);
    executor.advance(1000);
    expect(listener.timeouts).to.deep.equal([]);
  });

  it('does nothing once canceled: no timeout, no unreachable, no new timer', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const m = monitor(executor, listener, 1);

    m.cancel();
    expect(m.getState()).to.equal('CANCELED');
    expect(executor.pendingCount).to.equal(0);
    m.reportHeartbeat();
    m.reportHeartbeatRpcFailure();
    executor.advance(1000);
    expect(executor.pendingCount).to.equal(0);
    expect(listener.timeouts).to.deep.equal([]);
    expect(listener.unreachable).to.deep.equal([]);
  });

  it('cannot be canceled after it timed out: the first transition wins', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const m = monitor(executor, listener, 1);

    executor.advance(100);
    m.cancel();
    m.reportHeartbeatRpcFailure();
    expect(m.getState()).to.equal('TIMEOUT');
    expect(listener.unreachable).to.deep.equal([]);
  });

  it('rejects a non-positive timeout and a threshold that is neither positive nor -1', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    const target = new RecordingHeartbeatTarget<unknown>();
    expect(() => new DefaultHeartbeatMonitor('p', target, executor, executor, listener, 0, 1)).to.throw(
      RangeError,
    );
    expect(() => new DefaultHeartbeatMonitor('p', target, executor, executor, listener, 10, 0)).to.throw(
      RangeError,
    );
    expect(() => new DefaultHeartbeatMonitor('p', target, executor, executor, listener, 10, -2)).to.throw(
      RangeError,
    );
    expect(executor.pendingCount).to.equal(0);
  });
});
