// Ports Flink's unreachable-target cases of HeartbeatManagerTest (FLINK-23209):
// only consecutive RecipientUnreachable failures of heartbeat RPCs count.

import { expect } from 'chai';
import { RecipientUnreachableError, RpcTimeoutError } from '../../../src/rpc/errors.js';
import { HeartbeatManagerImpl } from '../../../src/runtime/heartbeat/heartbeat-manager-impl.js';
import { HeartbeatManagerSenderImpl } from '../../../src/runtime/heartbeat/heartbeat-manager-sender-impl.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import {
  RecordingHeartbeatListener,
  RecordingHeartbeatTarget,
  flushPromises,
  scriptedReplies,
} from './testing-heartbeat.js';

const kTimeout = 10_000;

function unreachable(): RecipientUnreachableError {
  return new RecipientUnreachableError('Could not send message to recipient: could not receive heartbeat');
}

function receiver(
  executor: ManualExecutor,
  listener: RecordingHeartbeatListener<null, null>,
  threshold: number,
) {
  return new HeartbeatManagerImpl<null, null>(kTimeout, threshold, 'own', listener, executor, executor);
}

describe('heartbeat RPC failure detection', () => {
  it('marks a target unreachable after exactly the threshold of unreachable replies', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 5);
    const target = new RecordingHeartbeatTarget<null>(() => Promise.reject(unreachable()));
    manager.monitorTarget('target', target);

    for (let i = 0; i < 4; i++) {
      await manager.requestHeartbeat('target', null);
      await flushPromises();
      expect(listener.unreachable, `after ${i + 1} failures`).to.deep.equal([]);
    }
    await manager.requestHeartbeat('target', null);
    await flushPromises();
    expect(listener.unreachable).to.deep.equal(['target']);
    manager.stop();
  });

  it('reports an unreachable target once and cancels its timeout', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 1);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(() => Promise.reject(unreachable())));

    await manager.requestHeartbeat('target', null);
    await manager.requestHeartbeat('target', null);
    await flushPromises();
    executor.advance(2 * kTimeout);
    expect(listener.unreachable).to.deep.equal(['target']);
    expect(listener.timeouts).to.deep.equal([]);
    manager.stop();
  });

  it('marks a target unreachable from the sender side when heartbeat requests find no recipient', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = new HeartbeatManagerSenderImpl<null, null>(
      20,
      kTimeout,
      1,
      'own',
      listener,
      executor,
      executor,
    );
    manager.monitorTarget(
      'target',
      new RecordingHeartbeatTarget<null>(undefined, () => Promise.reject(unreachable())),
    );

    executor.triggerAll();
    await flushPromises();
    expect(listener.unreachable).to.deep.equal(['target']);
    manager.stop();
  });

  it('ignores unreachable replies when detection is disabled with -1', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, -1);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(() => Promise.reject(unreachable())));

    for (let i = 0; i < 10; i++) await manager.requestHeartbeat('target', null);
    await flushPromises();
    expect(listener.unreachable).to.deep.equal([]);
    manager.stop();
  });

  it('resets the failure count when a heartbeat RPC succeeds', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 3);
    const replies = scriptedReplies([unreachable(), unreachable(), 'ok', unreachable(), unreachable()]);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(replies));

    for (let i = 0; i < 5; i++) {
      await manager.requestHeartbeat('target', null);
      await flushPromises();
    }
    expect(listener.unreachable).to.deep.equal([]);

    await manager.requestHeartbeat('target', null);
    await flushPromises();
    expect(listener.unreachable, 'succeeds: the script has run out').to.deep.equal([]);
    manager.stop();
  });

  it('does not count failures other than RecipientUnreachable, such as timeouts', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 1);
    const replies = scriptedReplies([new RpcTimeoutError('timed out'), new Error('boom')]);
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(replies));

    await manager.requestHeartbeat('target', null);
    await manager.requestHeartbeat('target', null);
    await flushPromises();
    expect(listener.unreachable).to.deep.equal([]);
    manager.stop();
  });

  it('counts a target that throws synchronously like any other failed RPC', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 1);
    manager.monitorTarget('target', {
      receiveHeartbeat: () => {
        throw unreachable();
      },
      requestHeartbeat: () => Promise.resolve(),
    });

    await manager.requestHeartbeat('target', null);
    await flushPromises();
    expect(listener.unreachable).to.deep.equal(['target']);
    manager.stop();
  });

  it('drops the outcome of an RPC whose target was unmonitored and monitored again meanwhile', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 1);
    let fail: (error: Error) => void = () => undefined;
    const pending = new Promise<void>((_resolve, reject) => (fail = reject));
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(() => pending));

    await manager.requestHeartbeat('target', null);
    manager.unmonitorTarget('target');
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>());
    fail(unreachable());
    await flushPromises();
    expect(listener.unreachable).to.deep.equal([]);
    manager.stop();
  });

  it('drops the outcome of an RPC that settles after stop()', async () => {
    const executor = new ManualExecutor();
    const listener = new RecordingHeartbeatListener<null, null>(() => null);
    const manager = receiver(executor, listener, 1);
    let fail: (error: Error) => void = () => undefined;
    const pending = new Promise<void>((_resolve, reject) => (fail = reject));
    manager.monitorTarget('target', new RecordingHeartbeatTarget<null>(() => pending));

    await manager.requestHeartbeat('target', null);
    manager.stop();
    fail(unreachable());
    await flushPromises();
    expect(listener.unreachable).to.deep.equal([]);
  });
});
