// The Dispatcher's connections to job listeners: one handshake per client,
// shared by all the jobs it follows; a failed connection is tried again for the
// next job.

import { expect } from 'chai';

import { JobListenerEndpoint } from '../../../src/cluster/client/job-listener-endpoint.js';
import { JobClient } from '../../../src/cluster/job-client.js';
import { JobFollowers } from '../../../src/runtime/dispatcher/job-followers.js';
import { JobListenerConnections } from '../../../src/runtime/dispatcher/job-listener-connections.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { JobStatus } from '../../../src/runtime/types/job-status.js';
import { useRpcService } from '../../support/paths.js';

describe('JobListenerConnections', () => {
  const service = useRpcService();

  it('connects once per client for all the jobs it follows, and every job reaches the client', async () => {
    const listener = new JobListenerEndpoint(service.rpc);
    listener.start();
    const connections = new JobListenerConnections(service.rpc);
    const asksBefore = service.rpc.metrics().asksOut;

    for (const value of [1, 2, 3]) {
      const jobId = JobID.generate();
      const client = new JobClient(jobId, `job ${value}`, 1, async () => {});
      listener.follow(client);
      const followers = new JobFollowers(jobId, service.rpc, connections);
      followers.add(listener.getAddress(), (task) => queueMicrotask(task));
      followers.publish({
        kind: 'result',
        seq: 1,
        result: { jobId, status: JobStatus.FINISHED, results: [value] },
      });
      followers.close();
      expect(await client.result).to.deep.equal([value]);
    }

    // One handshake (an ask); the events are tells.
    expect(service.rpc.metrics().asksOut - asksBefore).to.equal(1);
    connections.close();
    await listener.closeAsync();
  });

  it('keeps no failed connection: the next job tries again', async () => {
    const connections = new JobListenerConnections(service.rpc);
    const listener = new JobListenerEndpoint(service.rpc);
    listener.start();
    const address = listener.getAddress();
    await listener.closeAsync();
    const asksBefore = service.rpc.metrics().asksOut;

    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await connections.connect(address).catch((e: unknown) => e);
      expect((error as { code?: string }).code).to.equal('ERR_RPC_CONNECTION');
    }

    expect(service.rpc.metrics().asksOut - asksBefore, 'a handshake each time').to.equal(2);
    connections.close();
  });
});
