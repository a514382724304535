// The REST API and dashboard, after Flink's webmonitor and rest packages: the
// server (WebMonitorEndpoint), the routes (createRestApp), the leader gateway
// retrievers they read through, and the response bodies with Flink's field names.

export { WebMonitorEndpoint } from './web-monitor-endpoint.js';
export type { RestServerEndpointConfiguration } from './web-monitor-endpoint.js';
export { RestEndpointServices } from './rest-endpoint-services.js';
export type { RestEndpointServicesOptions } from './rest-endpoint-services.js';
export { createRestApp } from './rest-routes.js';
export type { RestGateways } from './rest-gateways.js';
export { LeaderGatewayRetriever } from './leader-gateway-retriever.js';
export { BadRequestError, RestHandlerError, RestServerError } from './rest-errors.js';
export type { ClusterOverviewWithVersion } from './messages/cluster-overview.js';
export type {
  TaskManagerInfoBody,
  TaskManagerMetricsInfo,
  TaskManagersInfo,
} from './messages/task-managers-info.js';
export type {
  ExceptionInfo,
  JobDetailsBody,
  JobDetailsInfo,
  JobExceptionsInfoWithHistory,
  JobIdsWithStatusOverview,
  MultipleJobsDetails,
  SubtaskExecutionAttemptDetailsInfo,
} from './messages/job-messages.js';
export type { ClusterConfigurationInfo, DashboardConfiguration } from './messages/dashboard-configuration.js';
