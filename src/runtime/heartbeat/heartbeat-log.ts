// The little a heartbeat manager logs. A tslog Logger fits this shape; the
// default is silent so that tests and embedded use stay quiet.

export interface HeartbeatLog {
  debug(...args: unknown[]): unknown;
  warn(...args: unknown[]): unknown;
}

export const kSilentHeartbeatLog: HeartbeatLog = {
  debug: () => undefined,
  warn: () => undefined,
};
