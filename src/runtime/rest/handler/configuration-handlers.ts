// GET /config and /jobmanager/config. Mirrors Flink's DashboardConfigHandler
// and ClusterConfigHandler.

import type {
  ClusterConfigurationInfo,
  DashboardConfiguration,
} from '../messages/dashboard-configuration.js';
import type { RestGateways } from '../rest-gateways.js';
import { kRestVersion } from './rest-version.js';

/** How often the dashboard polls, in ms (Flink's web.refresh-interval, default 3 s; ours is livelier). */
export const kDashboardRefreshIntervalMs = 1000;

export function handleDashboardConfiguration(): DashboardConfiguration {
  const timezoneName = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    'refresh-interval': kDashboardRefreshIntervalMs,
    'timezone-name': timezoneName,
    'timezone-offset': -new Date().getTimezoneOffset() * 60_000,
    'flink-version': kRestVersion,
    'flink-revision': '',
    features: { 'web-submit': false, 'web-cancel': true },
  };
}

/** Keys whose values are secrets are shown masked, as Flink's GlobalConfiguration.isSensitive does. */
const kSensitive = /password|secret|token|\.key$/i;

export function handleClusterConfiguration(gateways: RestGateways): ClusterConfigurationInfo {
  return Object.entries(gateways.configuration)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value: kSensitive.test(key) ? '******' : String(value) }));
}
