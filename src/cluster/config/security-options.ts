// Flink's SecurityOptions for SSL, with PEM files in place of Flink's keystores:
// security.ssl.internal.* (mutual TLS between the cluster's processes, read by
// src/rpc/remote-options.ts) and security.ssl.rest.* (the REST endpoint).

import { booleanOption, stringOption, type ConfigOption } from '../../runtime/configuration/config-option.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import type { SecurityConfig } from '../../rpc/remote-options.js';

function pemOption(key: string, description: string): ConfigOption<string> {
  return stringOption(key, { defaultValue: '', description: `${description}, a PEM file; no default.` });
}

export const SecurityOptions = {
  SSL_INTERNAL_ENABLED: booleanOption('security.ssl.internal.enabled', {
    defaultValue: false,
    description: "Mutual TLS on the cluster's internal connections (RPC, blobs).",
  }),
  SSL_INTERNAL_KEY: pemOption('security.ssl.internal.key', "This process's private key"),
  SSL_INTERNAL_CERT: pemOption('security.ssl.internal.cert', "This process's certificate (chain)"),
  SSL_INTERNAL_TRUST_CERT: pemOption('security.ssl.internal.trust-cert', "The cluster's CA certificate"),
  SSL_VERIFY_HOSTNAME: booleanOption('security.ssl.verify-hostname', {
    defaultValue: true,
    description: "A server's certificate must name the host that was dialed.",
  }),
  SSL_REST_ENABLED: booleanOption('security.ssl.rest.enabled', {
    defaultValue: false,
    description: 'HTTPS on the REST endpoint.',
  }),
  SSL_REST_KEY: pemOption('security.ssl.rest.key', "The REST endpoint's private key"),
  SSL_REST_CERT: pemOption('security.ssl.rest.cert', "The REST endpoint's certificate (chain)"),
  SSL_REST_TRUST_CERT: pemOption('security.ssl.rest.trust-cert', 'The CA certificate REST clients trust'),
} as const;

/** The security.ssl.internal.* keys that are set, as RemoteOptions.security takes them. */
export function internalSecurityConfigOf(conf: Configuration): SecurityConfig {
  const { SSL_INTERNAL_ENABLED, SSL_INTERNAL_KEY, SSL_INTERNAL_CERT, SSL_INTERNAL_TRUST_CERT } =
    SecurityOptions;
  const enabled = conf.getOptional(SSL_INTERNAL_ENABLED);
  const key = conf.getOptional(SSL_INTERNAL_KEY);
  const cert = conf.getOptional(SSL_INTERNAL_CERT);
  const trustCert = conf.getOptional(SSL_INTERNAL_TRUST_CERT);
  const verifyHostname = conf.getOptional(SecurityOptions.SSL_VERIFY_HOSTNAME);
  return {
    ...(enabled === undefined ? {} : { 'security.ssl.internal.enabled': enabled }),
    ...(key === undefined ? {} : { 'security.ssl.internal.key': key }),
    ...(cert === undefined ? {} : { 'security.ssl.internal.cert': cert }),
    ...(trustCert === undefined ? {} : { 'security.ssl.internal.trust-cert': trustCert }),
    ...(verifyHostname === undefined ? {} : { 'security.ssl.verify-hostname': verifyHostname }),
  };
}
