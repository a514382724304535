// The endpoint through which a ClusterClient follows its jobs: the Dispatcher
// tells it each job's events, and it hands them to the job's JobClient. One
// per ClusterClient, on the client's RpcService. threadlink's own (Flink's
// clients poll the REST API).

import { nanoid } from 'nanoid/non-secure';
import type { RpcService } from '../../rpc/rpc-service.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import { JobListenerGateway } from '../../runtime/gateways/job-listener-gateway.js';
import type { JobID } from '../../runtime/types/ids.js';
import type { JobEvent } from '../../runtime/types/job-events.js';
import type { JobClient } from '../job-client.js';

export class JobListenerEndpoint
  extends RpcEndpoint
  implements Omit<JobListenerGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [JobListenerGateway];

  private readonly clients = new Map<JobID, JobClient>();

  constructor(rpcService: RpcService) {
    super(rpcService, `job_listener_${nanoid(10)}`);
  }

  /** `client` hears its job's events from now on, until its result settles. */
  follow(client: JobClient): void {
    this.clients.set(client.jobId, client);
  }

  forget(jobId: JobID): void {
    this.clients.delete(jobId);
  }

  /** The clients whose jobs have not ended yet. */
  following(): JobClient[] {
    return [...this.clients.values()];
  }

  jobEvents(jobId: JobID, events: readonly JobEvent[]): void {
    const client = this.clients.get(jobId);
    if (!client) return;
    client.applyEvents(events);
    if (client.isSettled) this.clients.delete(jobId);
  }
}
