// The fixed leader session id of non-HA setups, Flink's
// HighAvailabilityServices.DEFAULT_LEADER_ID (new UUID(0, 0)).

export const DEFAULT_LEADER_ID = '00000000-0000-0000-0000-000000000000';
