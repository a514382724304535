// Ports Flink's HeartbeatManagerTest cases for the receiving HeartbeatManagerImpl,
// with time driven by a ManualExecutor (interval 50 ms, timeout 200 ms as in Flink).

import { expect } from 'chai';
import { HeartbeatManagerImpl } from '../../../src/runtime/heartbeat/heartbeat-manager-impl.js';
import { kFailedRpcDetectionDisabled } from '../../../src/runtime/heartbeat/heartbeat-constants.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingHeartbeatListener, RecordingHeartbeatTarget, flushPromises } from './testing-heartbeat.js';

const kInterval = 50;
const kTimeout = 200;

function receiver<I, O>(
  executor: ManualExecutor,
  listener: RecordingHeartbeatListener<I, O>,
  timeout = kTimeout,
) {
  return new HeartbeatManagerImpl<I, O>(
    timeout,
    kFailedRpcDetectionDisabled,
    'own',
    listener,
    executor,
    executor,
  );
}

describe('HeartbeatManagerImpl (the receiving side)', () => {
  it('reports the request payload and replies with the payload retrieved for the requester', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, number>(() => 42);
    const manager = receiver(executor, listener, 1000);
    const target = new RecordingHeartbeatTarget<number>();
    manager.monitorTarget('target', target);

    await manager.requestHeartbeat('target', 'foobar');
    expect(listener.reported).to.deep.equal([['target', 'foobar']]);
    expect(target.received).to.deep.equal([['own', 42]]);

    await manager.receiveHeartbeat('target', 'barfoo');
    expect(listener.reported).to.deep.equal([
      ['target', 'foobar'],
      ['target', 'barfoo'],
    ]);
    manager.stop();
  });

  it('does not report a null or undefined payload, but still resets the monitor', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string | null, number>(() => 1);
    const manager = receiver(executor, listener);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<number>());

    executor.advance(150);
    await manager.receiveHeartbeat('target', null);
    executor.advance(150);
    expect(listener.reported).to.deep.equal([]);
    expect(listener.timeouts).to.deep.equal([]);
    manager.stop();
  });

  it('re-arms the timeout when a heartbeat arrives, cancelling the one it replaces', async () => {
    const executor = new ManualExecutor();
    const manager = receiver(executor, new RecordingHeartbeatListener<unknown, unknown>(() => 'x'), 1000);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<unknown>());
    expect(executor.pendingDelays()).to.deep.equal([1000]);

    executor.advance(400);
    await manager.receiveHeartbeat('target', 'payload');
    // Only the new timeout is left, a full timeout from now.
    expect(executor.pendingDelays()).to.deep.equal([1000]);
    manager.stop();
  });

  it('keeps a target alive while heartbeats arrive and times it out once they stop', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<number, number>(() => 42);
    const manager = receiver(executor, listener);
    manager.monitorTarget('barfoo', new RecordingHeartbeatTarget<number>());

    for (let i = 0; i < 6; i++) {
      await manager.receiveHeartbeat('barfoo', 42);
      executor.advance(kInterval);
    }
    expect(listener.timeouts).to.deep.equal([]);

    executor.advance(kTimeout - kInterval - 1);
    expect(listener.timeouts).to.deep.equal([]);
    executor.advance(1);
    expect(listener.timeouts).to.deep.equal(['barfoo']);
    manager.stop();
  });

  it('reports a timeout only once, even if heartbeats keep arriving after it', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<number, number>(() => 42);
    const manager = receiver(executor, listener);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<number>());

    executor.advance(kTimeout);
    await manager.receiveHeartbeat('target', 1);
    executor.advance(10 * kTimeout);
    expect(listener.timeouts).to.deep.equal(['target']);
    expect(executor.pendingCount).to.equal(0);
    manager.stop();
  });

  it('does not time out a target after it has been unmonitored', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<number, number>(() => 42);
    const manager = receiver(executor, listener, 50);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<number>());

    manager.unmonitorTarget('target');
    executor.advance(2 * 50);
    expect(listener.timeouts).to.deep.equal([]);
    expect(executor.pendingCount).to.equal(0);
    manager.stop();
  });

  it('ignores a second monitorTarget for the same id and keeps the first target', async () => {
    const executor = new ManualExecutor();
    const manager = receiver(executor, new RecordingHeartbeatListener<string, string>(() => 'reply'));
    const first = new RecordingHeartbeatTarget<string>();
    const second = new RecordingHeartbeatTarget<string>();
    manager.monitorTarget('target', first);
    manager.monitorTarget('target', second);
    expect(executor.pendingCount).to.equal(1);

    await manager.requestHeartbeat('target', 'hi');
    expect(first.received).to.have.length(1);
    expect(second.received).to.have.length(0);
    manager.stop();
  });

  it('ignores heartbeats and heartbeat requests from origins it does not monitor', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'reply');
    const manager = receiver(executor, listener);

    await manager.receiveHeartbeat('stranger', 'a');
    await manager.requestHeartbeat('stranger', 'b');
    expect(listener.reported).to.deep.equal([]);
    expect(listener.retrieved).to.deep.equal([]);
    manager.stop();
  });

  it('returns -1 as the last heartbeat of a target it does not monitor', () => {
    const executor = new ManualExecutor();
    const manager = receiver(executor, new RecordingHeartbeatListener<unknown, unknown>(() => null));
    expect(manager.getLastHeartbeatFrom('unknown')).to.equal(-1);
    manager.stop();
  });

  it('returns 0 before the first heartbeat and the clock time of the latest one after it', async () => {
    const executor = new ManualExecutor();
    const manager = receiver(executor, new RecordingHeartbeatListener<unknown, unknown>(() => null));
    manager.monitorTarget('target', new RecordingHeartbeatTarget<unknown>());
    expect(manager.getLastHeartbeatFrom('target')).to.equal(0);

    executor.advance(123);
    await manager.receiveHeartbeat('target', null);
    expect(manager.getLastHeartbeatFrom('target')).to.equal(123);
    manager.stop();
  });

  it('passes the requesting target id to retrievePayload, so each target gets its own payload', async () => {
    const executor = new ManualExecutor();
    const payloads = new Map([
      ['some', 0],
      ['special', 1],
    ]);
    const listener = new RecordingHeartbeatListener<null, number>((id) => payloads.get(id) ?? -1);
    const manager = receiver(executor, listener);
    const some = new RecordingHeartbeatTarget<number>();
    const special = new RecordingHeartbeatTarget<number>();
    manager.monitorTarget('some', some);
    manager.monitorTarget('special', special);

    await manager.requestHeartbeat('some', null);
    await manager.requestHeartbeat('special', null);
    expect(some.received).to.deep.equal([['own', 0]]);
    expect(special.received).to.deep.equal([['own', 1]]);
    manager.stop();
  });

  it('fires no callback and leaves no timer after stop()', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<string, string>(() => 'reply');
    const manager = receiver(executor, listener);
    const target = new RecordingHeartbeatTarget<string>();
    manager.monitorTarget('a', target);
    manager.monitorTarget('b', target);

    manager.stop();
    expect(executor.pendingCount).to.equal(0);
    await manager.receiveHeartbeat('a', 'late');
    await manager.requestHeartbeat('b', 'late');
    manager.monitorTarget('c', target);
    executor.advance(10 * kTimeout);
    await flushPromises();

    expect(listener.timeouts).to.deep.equal([]);
    expect(listener.reported).to.deep.equal([]);
    expect(target.received).to.deep.equal([]);
    expect(manager.getLastHeartbeatFrom('a')).to.equal(-1);
    expect(executor.pendingCount).to.equal(0);
  });

  it('rejects a heartbeat timeout that is not positive', () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<unknown, unknown>(() => null);
    expect(() => receiver(executor, listener, 0)).to.throw(RangeError, /larger than 0/);
  });
});
