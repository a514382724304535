// Where the cluster's shared services live, sent to a TaskExecutor on successful
// registration. Mirrors Flink's ClusterInformation (only the blob server today).

export interface ClusterInformation {
  readonly blobServerHostname: string;
  readonly blobServerPort: number;
}
