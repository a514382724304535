// Where a JobManager's REST endpoint listens, from its configuration: Flink's
// RestServerEndpointConfiguration.fromConfiguration. It binds to
// rest.bind-address, else rest.address, else the JobManager's host (127.0.0.1
// unless configured), on rest.port (0 picks a free one), with HTTPS when
// security.ssl.rest.enabled is on.

import type { Configuration } from '../../runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../runtime/configuration/illegal-configuration-error.js';
import type { RestServerEndpointConfiguration } from '../../runtime/rest/web-monitor-endpoint.js';
import { JobManagerOptions, RestOptions } from './entrypoint-options.js';
import { SecurityOptions } from './security-options.js';

export function restServerConfigurationOf(conf: Configuration): RestServerEndpointConfiguration {
  const jobManagerHost = conf.get(JobManagerOptions.ADDRESS);
  const address = conf.get(RestOptions.ADDRESS) || jobManagerHost;
  const bindAddress = conf.get(RestOptions.BIND_ADDRESS) || address;
  return {
    bindAddress,
    port: conf.get(RestOptions.PORT),
    advertisedAddress: address,
    ...(conf.get(SecurityOptions.SSL_REST_ENABLED) ? { ssl: restSslOf(conf) } : {}),
  };
}

function restSslOf(conf: Configuration): { keyFile: string; certFile: string } {
  const keyFile = conf.get(SecurityOptions.SSL_REST_KEY);
  const certFile = conf.get(SecurityOptions.SSL_REST_CERT);
  if (!keyFile || !certFile) {
    throw new IllegalConfigurationError(
      `${SecurityOptions.SSL_REST_ENABLED.key} is on, but ${SecurityOptions.SSL_REST_KEY.key} and ` +
        `${SecurityOptions.SSL_REST_CERT.key} do not both name a PEM file.`,
    );
  }
  return { keyFile, certFile };
}
