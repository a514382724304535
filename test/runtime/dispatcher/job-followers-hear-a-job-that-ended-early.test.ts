// The Dispatcher's JobFollowers: a job that ends before its client's connection
// is made still reaches that client, result included. Found by a one-task job in
// bench:jobs that finished in 6 ms at the Dispatcher while its JobClient never
// heard of it: close() dropped followers that were still connecting.

import { expect } from 'chai';

import { JobListenerEndpoint } from '../../../src/cluster/client/job-listener-endpoint.js';
import { JobClient } from '../../../src/cluster/job-client.js';
import { JobFollowers } from '../../../src/runtime/dispatcher/job-followers.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { JobStatus } from '../../../src/runtime/types/job-status.js';
import { eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';

describe('JobFollowers', () => {
  const service = useRpcService();

  it('delivers the events of a job that ended while its follower was still connecting, then forgets it', async () => {
    const listener = new JobListenerEndpoint(service.rpc);
    listener.start();
    const jobId = JobID.generate();
    const client = new JobClient(jobId, 'early', 1, async () => {});
    listener.follow(client);

    const followers = new JobFollowers(jobId, service.rpc);
    followers.add(listener.getAddress(), (task) => queueMicrotask(task));
    // The job ends in the same turn: nothing is connected yet.
    followers.publish({
      kind: 'result',
      seq: 1,
      result: { jobId, status: JobStatus.FINISHED, results: [42] },
    });
    followers.close();

    await eventually(() => client.isSettled, 'the client hearing the result');
    expect(await client.result).to.deep.equal([42]);
    expect(followers.size).to.equal(0);
    await listener.closeAsync();
  });
});
