// The owner's side of a heartbeat manager, mirroring Flink's HeartbeatListener:
// it hears about timeouts and unreachable peers, consumes incoming payloads and
// supplies the outgoing payload for each peer.

export interface HeartbeatListener<I, O> {
  /** No heartbeat from `resourceId` arrived within the heartbeat timeout. */
  notifyHeartbeatTimeout(resourceId: string): void;
  /** `failedRpcRequestsUntilUnreachable` consecutive heartbeat RPCs to `resourceId` found no recipient. */
  notifyTargetUnreachable(resourceId: string): void;
  /** A heartbeat from `resourceId` carried `payload` (never called with null or undefined). */
  reportPayload(resourceId: string, payload: I): void;
  /** The payload to send to `resourceId` with the next heartbeat. */
  retrievePayload(resourceId: string): O;
}
