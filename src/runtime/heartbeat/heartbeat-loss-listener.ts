// A HeartbeatListener for owners that treat a heartbeat timeout and an
// unreachable peer alike: the connection to that peer is lost. Every component
// watches its peers this way (Flink's TaskManagerHeartbeatListener,
// ResourceManagerHeartbeatListener, JobManagerHeartbeatListener, ...), and
// only the names in the messages and what to do next differ.

import type { HeartbeatListener } from './heartbeat-listener.js';

/** Why a peer counts as lost. */
export type HeartbeatLoss = 'timeout' | 'unreachable';

export interface HeartbeatLossHandler<I, O> {
  /** The peer's kind in messages, e.g. `ResourceManager`. */
  readonly peer: string;
  /** The message of a timeout. Default: `The heartbeat of <peer> with id <id> timed out.` */
  readonly timeoutMessage?: (resourceId: string) => string;
  /** `resourceId` is lost; `message` says why, for the error its owner raises. */
  lost(resourceId: string, message: string, loss: HeartbeatLoss): void;
  reportPayload?(resourceId: string, payload: I): void;
  retrievePayload?(resourceId: string): O;
}

export function heartbeatLossListener<I, O>(handler: HeartbeatLossHandler<I, O>): HeartbeatListener<I, O> {
  const timeoutMessage =
    handler.timeoutMessage ?? ((id: string) => `The heartbeat of ${handler.peer} with id ${id} timed out.`);
  return {
    notifyHeartbeatTimeout: (resourceId) => handler.lost(resourceId, timeoutMessage(resourceId), 'timeout'),
    notifyTargetUnreachable: (resourceId) =>
      handler.lost(
        resourceId,
        `${handler.peer} with id ${resourceId} is no longer reachable.`,
        'unreachable',
      ),
    reportPayload: (resourceId, payload) => handler.reportPayload?.(resourceId, payload),
    retrievePayload: (resourceId) => handler.retrievePayload?.(resourceId) as O,
  };
}
