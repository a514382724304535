// The REST server: the routes of rest-routes.ts on a node:http (or node:https)
// server, through @hono/node-server. Mirrors Flink's WebMonitorEndpoint
// (RestServerEndpoint): it binds to rest.bind-address (loopback unless
// configured), on rest.port (0 picks a free one), with TLS from
// security.ssl.rest.* when it is on.

import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { getLogger } from '../../actor/logger.js';
import { RestServerError } from './rest-errors.js';
import type { RestGateways } from './rest-gateways.js';
import { createRestApp } from './rest-routes.js';

const log = getLogger('WebMonitorEndpoint');

/** Where and how the server listens. Mirrors Flink's RestServerEndpointConfiguration. */
export interface RestServerEndpointConfiguration {
  /** The address it listens on. */
  readonly bindAddress: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The host clients reach it at; default: bindAddress. */
  readonly advertisedAddress?: string;
  /** PEM files of the key and certificate: HTTPS when set. */
  readonly ssl?: { readonly keyFile: string; readonly certFile: string };
}

export class WebMonitorEndpoint {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly configuration: RestServerEndpointConfiguration,
  ) {}

  static async start(
    gateways: RestGateways,
    configuration: RestServerEndpointConfiguration,
  ): Promise<WebMonitorEndpoint> {
    const app = createRestApp(gateways);
    const server = (
      configuration.ssl
        ? createAdaptorServer({
            fetch: app.fetch,
            createServer: createHttpsServer,
            serverOptions: {
              key: await readFile(configuration.ssl.keyFile),
              cert: await readFile(configuration.ssl.certFile),
            },
          })
        : createAdaptorServer({ fetch: app.fetch })
    ) as Server;
    await new Promise<void>((resolve, reject) => {
      const failed = (cause: Error) =>
        reject(
          new RestServerError(
            `The REST endpoint could not listen on ${configuration.bindAddress}:${configuration.port} ` +
              `(rest.bind-address, rest.port): ${cause.message}`,
            { cause },
          ),
        );
      server.once('error', failed);
      server.listen(configuration.port, configuration.bindAddress, () => {
        server.off('error', failed);
        resolve();
      });
    });
    const endpoint = new WebMonitorEndpoint(server, configuration);
    log.info(`The REST endpoint listens at ${endpoint.getRestBaseUrl()}.`);
    return endpoint;
  }

  getPort(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http(s)://host:port`, what a browser or `threadlink list --rest` is given. Mirrors getRestBaseUrl. */
  getRestBaseUrl(): string {
    const host = this.configuration.advertisedAddress || this.configuration.bindAddress;
    const hostText = host.includes(':') ? `[${host}]` : host;
    return `${this.configuration.ssl ? 'https' : 'http'}://${hostText}:${this.getPort()}`;
  }

  /** Stops listening and ends open connections (a browser keeps one alive). */
  closeAsync(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }
}
