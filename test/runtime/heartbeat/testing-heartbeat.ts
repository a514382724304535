// Recording test doubles for heartbeat tests, after Flink's TestingHeartbeatListener
// and TestingHeartbeatTarget: every call is recorded, and the answers can be scripted.

import type { HeartbeatListener } from '../../../src/runtime/heartbeat/heartbeat-listener.js';
import type { HeartbeatTarget } from '../../../src/runtime/heartbeat/heartbeat-target.js';

export class RecordingHeartbeatListener<I, O> implements HeartbeatListener<I, O> {
  readonly timeouts: string[] = [];
  readonly unreachable: string[] = [];
  readonly reported: Array<[string, I]> = [];
  readonly retrieved: string[] = [];

  constructor(private readonly payloadFor: (resourceId: string) => O) {}

  notifyHeartbeatTimeout(resourceId: string): void {
    this.timeouts.push(resourceId);
  }
  notifyTargetUnreachable(resourceId: string): void {
    this.unreachable.push(resourceId);
  }
  reportPayload(resourceId: string, payload: I): void {
    this.reported.push([resourceId, payload]);
  }
  retrievePayload(resourceId: string): O {
    this.retrieved.push(resourceId);
    return this.payloadFor(resourceId);
  }
}

type Reply = () => Promise<void>;
const kOk: Reply = () => Promise.resolve();

export class RecordingHeartbeatTarget<T> implements HeartbeatTarget<T> {
  readonly received: Array<[string, T]> = [];
  readonly requested: Array<[string, T]> = [];

  constructor(
    private readonly receiveReply: Reply = kOk,
    private readonly requestReply: Reply = kOk,
  ) {}

  receiveHeartbeat(origin: string, payload: T): Promise<void> {
    this.received.push([origin, payload]);
    return this.receiveReply();
  }
  requestHeartbeat(origin: string, payload: T): Promise<void> {
    this.requested.push([origin, payload]);
    return this.requestReply();
  }
}

/** Replies in turn from `replies`, then succeeds. */
export function scriptedReplies(replies: Array<'ok' | Error>): Reply {
  return () => {
    const next = replies.shift() ?? 'ok';
    return next === 'ok' ? Promise.resolve() : Promise.reject(next);
  };
}

/** Lets promise callbacks (the outcome of heartbeat RPCs) run. */
export function flushPromises(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
