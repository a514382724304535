// The reply of an ask that only confirms receipt. Mirrors Flink's Acknowledge
// singleton; a plain `true` clones across threads and compares with ===.

export type Acknowledge = true;
export const Acknowledge: Acknowledge = true;
