// With security.ssl.rest.* the REST endpoint speaks HTTPS only, with the
// configured certificate; a client that trusts the cluster's CA
// (RestClusterClient, as `threadlink list --rest` uses it) reads it, and one that
// does not is refused. Certificates come from the project's cert tool.

import { expect } from 'chai';
import { request as httpRequest } from 'node:http';

import { RestClusterClient } from '../../../src/cluster/client/rest-cluster-client.js';
import { restServerConfigurationOf } from '../../../src/cluster/config/rest-server-options.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import type { DispatcherGateway } from '../../../src/runtime/gateways/dispatcher-gateway.js';
import type { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import { WebMonitorEndpoint } from '../../../src/runtime/rest/web-monitor-endpoint.js';
import { testCerts } from '../../support/test-certs.js';

describe('The REST API over HTTPS (security.ssl.rest.*)', () => {
  let endpoint: WebMonitorEndpoint | undefined;
  let config: Record<string, string | boolean | number>;

  before(async () => {
    const { files } = await testCerts();
    config = {
      'rest.port': 0,
      'security.ssl.rest.enabled': true,
      'security.ssl.rest.key': files.key,
      'security.ssl.rest.cert': files.cert,
      'security.ssl.rest.trust-cert': files.ca,
    };
    const dispatcher = { requestMultipleJobDetails: async () => [] } as unknown as DispatcherGateway;
    endpoint = await WebMonitorEndpoint.start(
      {
        dispatcher: async () => dispatcher,
        resourceManager: () => Promise.reject(new Error('not used')) as Promise<ResourceManagerGateway>,
        configuration: {},
        timeoutMs: 1_000,
      },
      restServerConfigurationOf(new Configuration(config)),
    );
  });

  after(async () => {
    await endpoint?.closeAsync();
  });

  it('serves https only, to a client that trusts the cluster CA', async () => {
    const base = endpoint!.getRestBaseUrl();
    expect(base).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(base).port);
    const client = new RestClusterClient({ host: '127.0.0.1', port }, new Configuration(config));
    expect(await client.listJobs()).to.deep.equal([]);

    const untrusting = new RestClusterClient(
      { host: '127.0.0.1', port },
      new Configuration({ ...config, 'security.ssl.rest.trust-cert': '' }),
    );
    await untrusting.listJobs().then(
      () => expect.fail('a client without the CA must be refused'),
      (error: Error) => expect(error.message).to.match(/certificate/i),
    );

    // Plain HTTP to the TLS port gets no answer that parses as HTTP.
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/overview', agent: false }, (res) =>
        resolve(String(res.statusCode)),
      );
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
    expect(plain).to.not.equal('200');
  });

  it('says which port it could not listen on when the port is taken', async () => {
    const port = Number(new URL(endpoint!.getRestBaseUrl()).port);
    const gateways = {
      dispatcher: () => Promise.reject(new Error('unused')),
      resourceManager: () => Promise.reject(new Error('unused')),
      configuration: {},
      timeoutMs: 1_000,
    };
    await WebMonitorEndpoint.start(gateways, { bindAddress: '127.0.0.1', port }).then(
      () => expect.fail('the port is taken'),
      (error: Error & { code?: string }) => {
        expect(error.code).to.equal('ERR_REST_SERVER');
        expect(error.message).to.match(
          new RegExp(`could not listen on 127\\.0\\.0\\.1:${port} .*EADDRINUSE`),
        );
      },
    );
  });

  it('refuses to start when TLS is on without a key and certificate', () => {
    expect(() =>
      restServerConfigurationOf(new Configuration({ 'security.ssl.rest.enabled': true })),
    ).to.throw(/security\.ssl\.rest\.key/);
  });
});
