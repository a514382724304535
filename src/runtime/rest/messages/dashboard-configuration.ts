// GET /config and /jobmanager/config. Mirrors Flink's DashboardConfiguration
// (what the web UI needs to know) and ClusterConfigurationInfo (key and value
// of each configured option).

export interface DashboardConfiguration {
  readonly 'refresh-interval': number;
  readonly 'timezone-name': string;
  readonly 'timezone-offset': number;
  readonly 'flink-version': string;
  readonly 'flink-revision': string;
  readonly features: { readonly 'web-submit': boolean; readonly 'web-cancel': boolean };
}

export type ClusterConfigurationInfo = readonly { readonly key: string; readonly value: string }[];
