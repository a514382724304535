// ConnectionCache: one handshake per address, shared by every user (the
// Dispatcher's jobs, with their clients and TaskExecutors); a failed
// connection is tried again, and one whose thread is gone is dropped.

import { expect } from 'chai';

import { JobListenerEndpoint } from '../../src/cluster/client/job-listener-endpoint.js';
import { JobClient } from '../../src/cluster/job-client.js';
import { JobFollowers } from '../../src/runtime/dispatcher/job-followers.js';
import { ConnectionCache } from '../../src/rpc/connection-cache.js';
import { JobListenerGateway } from '../../src/runtime/gateways/job-listener-gateway.js';
import { JobID } from '../../src/runtime/types/ids.js';
import { JobStatus } from '../../src/runtime/types/job-status.js';
import { EchoGateway } from '../fixtures/echo.js';
import { eventually } from '../support/eventually.js';
import { useRpcService } from '../support/paths.js';

describe('ConnectionCache', () => {
  const service = useRpcService();

  it('connects once per client for all the jobs it follows, and every job reaches the client', async () => {
    const listener = new JobListenerEndpoint(service.rpc);
    listener.start();
    const connections = new ConnectionCache(service.rpc, JobListenerGateway);
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
    const connections = new ConnectionCache(service.rpc, JobListenerGateway);
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

  it('drops a connection once the thread behind it is gone', async () => {
    const handle = await service.rpc.spawnWorker(new URL('../fixtures/echo.js', import.meta.url));
    const [address] = handle.result as string[];
    const connections = new ConnectionCache(service.rpc, EchoGateway);
    const asksBefore = service.rpc.metrics().asksOut;
    const gateway = await connections.connect(address!);
    expect(await connections.connect(address!)).to.equal(gateway);
    expect(service.rpc.metrics().asksOut - asksBefore, 'one handshake').to.equal(1);

    await handle.kill();
    await eventually(() => connections.size === 0, 'the death watch to drop the connection');

    const error = await connections.connect(address!).catch((e: unknown) => e);
    expect((error as { code?: string }).code, 'a new handshake, failing').to.equal('ERR_RPC_CONNECTION');
    connections.close();
  });

  it('drops the least recently used connection beyond its limit, and keeps none once closed', async () => {
    const listeners = [0, 1, 2].map(() => new JobListenerEndpoint(service.rpc));
    for (const listener of listeners) listener.start();
    const [a, b, c] = listeners.map((listener) => listener.getAddress()) as [string, string, string];
    const connections = new ConnectionCache(service.rpc, JobListenerGateway, 2);
    await connections.connect(a);
    await connections.connect(b);
    await connections.connect(a); // a is now the most recently used
    await connections.connect(c); // b goes
    const asksBefore = service.rpc.metrics().asksOut;

    await connections.connect(a);
    expect(service.rpc.metrics().asksOut - asksBefore, 'a kept').to.equal(0);
    await connections.connect(b);
    expect(service.rpc.metrics().asksOut - asksBefore, 'b connected again').to.equal(1);

    connections.close();
    await connections.connect(c);
    expect(connections.size).to.equal(0);
    for (const listener of listeners) await listener.closeAsync();
  });
});
