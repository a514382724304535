// A client of a cluster's REST API, for `threadlink list` and `cancel` with
// --rest HOST:PORT. Mirrors Flink's RestClusterClient (listJobs, cancel):
// GET /jobs/overview and PATCH /jobs/:id?mode=cancel, over HTTPS with the
// security.ssl.rest.* trust certificate when REST TLS is on.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { registerErrorClasses } from '../../actor/error-codec.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import { FlinkError } from '../../runtime/flink-error.js';
import type { MultipleJobsDetails } from '../../runtime/rest/messages/job-messages.js';
import { SecurityOptions } from '../config/security-options.js';
import { formatHostPort, type HostPort } from '../config/network-address.js';

/** The REST API answered with an error status, or could not be reached. */
export class RestClientError extends FlinkError {
  static override readonly code = 'ERR_REST_CLIENT';
}
registerErrorClasses(RestClientError);

export interface RestJobStatus {
  readonly jobId: string;
  readonly jobName: string;
  readonly jobState: string;
  readonly startTime: number;
}

export class RestClusterClient {
  private readonly baseUrl: URL;
  private readonly trustCert: Buffer | undefined;

  constructor(
    address: HostPort,
    configuration: Configuration,
    private readonly timeoutMs = 10_000,
  ) {
    const tls = configuration.get(SecurityOptions.SSL_REST_ENABLED);
    this.baseUrl = new URL(`${tls ? 'https' : 'http'}://${formatHostPort(address)}/`);
    const trustCertFile = configuration.get(SecurityOptions.SSL_REST_TRUST_CERT);
    this.trustCert = tls && trustCertFile ? readFileSync(trustCertFile) : undefined;
  }

  /** Every job of the cluster, newest first. */
  async listJobs(): Promise<RestJobStatus[]> {
    const body = (await this.send('GET', 'jobs/overview')) as MultipleJobsDetails;
    return body.jobs.map((job) => ({
      jobId: job.jid,
      jobName: job.name,
      jobState: job.state,
      startTime: job['start-time'],
    }));
  }

  async cancelJob(jobId: string): Promise<void> {
    await this.send('PATCH', `jobs/${encodeURIComponent(jobId)}?mode=cancel`);
  }

  private send(method: string, path: string): Promise<unknown> {
    const url = new URL(path, this.baseUrl);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        // agent: false, one connection per call: a CLI makes one or two, and keeps none alive.
        { method, timeout: this.timeoutMs, agent: false, ...(this.trustCert ? { ca: this.trustCert } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text === '' ? {} : JSON.parse(text);
            } catch {
              body = { errors: [text] };
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            const errors = (body as { errors?: unknown }).errors;
            const why = Array.isArray(errors) ? errors.join('; ') : text;
            reject(new RestClientError(`${method} ${url.pathname} answered ${status}: ${why}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new RestClientError(`${method} ${url.href} timed out.`)));
      req.on('error', (cause) =>
        reject(
          cause instanceof RestClientError
            ? cause
            : new RestClientError(`Could not reach the REST API at ${url.origin}: ${cause.message}`, {
                cause,
              }),
        ),
      );
      req.end();
    });
  }
}
