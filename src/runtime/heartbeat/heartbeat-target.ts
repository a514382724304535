// The two calls a heartbeat peer offers, mirroring Flink's HeartbeatTarget. A
// ResourceManager or JobMaster gateway method is adapted to this shape when it
// starts monitoring a peer; ids are plain strings (a ResourceID's value).

export interface HeartbeatTarget<I> {
  /** `origin` sends a heartbeat, answering an earlier request or on its own. */
  receiveHeartbeat(origin: string, payload: I): Promise<void>;
  /** `origin` asks for a heartbeat; the target answers with `receiveHeartbeat`. */
  requestHeartbeat(origin: string, payload: I): Promise<void>;
}
