// A cluster with ZooKeeper HA, of real processes on 127.0.0.1 and a real
// ZooKeeper: two jobmanagers (a leader and a standby) and taskmanagers. When the
// leader is SIGKILLed, the standby takes over, every TaskExecutor registers
// with it, and it runs the unfinished job again from the JobGraphStore, so the
// waiting client still gets the results; a job that finished before does not
// run twice, and its result is still there. ZooKeeper down for 3 s is survived;
// ZooKeeper unreachable at start is retried, and said so once.

import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAddress } from '../../../src/actor/address.js';
import { ZooKeeperHaServices } from '../../../src/runtime/highavailability/zookeeper/zookeeper-ha-services.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import type { ClusterProcess } from '../../support/cluster-process.js';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { ZooKeeperServer } from '../../../scripts/zookeeper-server.js';
import { useZooKeeperServer } from '../../support/zookeeper-tests.js';
import { freePort, kClusterTasks, TestingCluster } from './testing-cluster.js';

interface SquareResult {
  readonly i: number;
  readonly square: number;
}

/** The port of the jobmanager whose ResourceManager leads, as ZooKeeper says. */
async function leaderPort(config: Record<string, string | number>, after?: number): Promise<number> {
  const ha = ZooKeeperHaServices.fromConfiguration(new Configuration(config));
  const retriever = ha.getResourceManagerLeaderRetriever();
  try {
    return await new Promise<number>((resolve, reject) => {
      retriever.start({
        notifyLeaderAddress: (address) => {
          if (!address) return;
          const port = Number(/:(\d+)$/.exec(parseAddress(address).host)![1]);
          if (port !== after) resolve(port);
        },
        handleError: reject,
      });
    });
  } finally {
    retriever.stop();
    await ha.closeAsync();
  }
}

describe('a cluster with ZooKeeper HA', function () {
  this.timeout(90_000);
  const zk = useZooKeeperServer();
  let cluster: TestingCluster;
  let storageDir: string;
  let config: Record<string, string | number>;

  beforeEach(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'threadlink-ha-storage-'));
    config = {
      'high-availability.type': 'zookeeper',
      'high-availability.zookeeper.quorum': zk.server.connectString,
      'high-availability.storageDir': storageDir,
      'high-availability.cluster-id': `/cluster-${Date.now()}`,
      'high-availability.zookeeper.client.session-timeout': '2 s',
      'cluster.registration.error-delay': '200 ms',
    };
    cluster = await TestingCluster.create(config);
  });

  afterEach(async () => {
    await cluster.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  /** Two jobmanagers on free ports; resolves with them by port. */
  async function twoJobManagers(): Promise<Map<number, ClusterProcess>> {
    const ports = [await freePort(), await freePort()];
    const processes = await Promise.all(ports.map((port) => cluster.startJobManager(port)));
    return new Map(ports.map((port, i) => [port, processes[i]!]));
  }

  it('fails over when the leading jobmanager is SIGKILLed: TaskExecutors re-register, the job runs again, the client gets its results', async () => {
    const jobManagers = await twoJobManagers();
    const [tm1, tm2] = await Promise.all([cluster.startTaskManager(1, 2), cluster.startTaskManager(1, 2)]);
    const client = await cluster.client(config);
    const resourceIds = [...tm1.resourceIds, ...tm2.resourceIds];
    await cluster.awaitTaskExecutors(client, resourceIds);

    const finished = client.submitJob({
      name: 'before the failover',
      tasks: [0, 1, 2].map((i) => ({ module: kClusterTasks, export: 'square', args: [i] })),
    });
    await finished.result;
    const job = client.submitJob({
      name: 'across the failover',
      tasks: Array.from({ length: 8 }, (_, i) => ({
        module: kClusterTasks,
        export: 'slowSquare',
        args: [i, 500],
      })),
    });
    await eventuallyAsync(() => job.progress().running > 0, 'a task to run');

    const oldLeader = await leaderPort(config);
    await jobManagers.get(oldLeader)!.kill('SIGKILL');
    const newLeader = await leaderPort(config, oldLeader);
    expect(jobManagers.has(newLeader)).to.equal(true);
    await cluster.awaitTaskExecutors(client, resourceIds, 30_000);

    const squares = (await job.result) as SquareResult[];
    expect(squares.map(({ i, square }) => [i, square])).to.deep.equal(
      Array.from({ length: 8 }, (_, i) => [i, i * i]),
    );
    // The job that ended before the failover keeps its result, and is not run again.
    const result = await client.requestJobResult(finished.jobId);
    expect(result.status).to.equal('FINISHED');
    expect((result.results as SquareResult[]).map(({ square }) => square)).to.deep.equal([0, 1, 4]);
    const listed = await client.listJobs();
    expect(
      listed.filter(({ jobId }) => jobId === finished.jobId).map(({ jobState }) => jobState),
    ).to.deep.equal(['FINISHED']);
    for (const process of [...jobManagers.values(), tm1.process, tm2.process]) {
      if (process !== jobManagers.get(oldLeader)) expect(process.isRunning).to.equal(true);
    }
  });

  it('finishes a job while ZooKeeper is down for 3 s, and no process exits', async () => {
    await twoJobManagers();
    const tm = await cluster.startTaskManager(2, 1);
    const client = await cluster.client(config);
    await cluster.awaitTaskExecutors(client, tm.resourceIds);
    const job = client.submitJob({
      name: 'through a ZooKeeper outage',
      tasks: Array.from({ length: 6 }, (_, i) => ({
        module: kClusterTasks,
        export: 'slowSquare',
        args: [i, 700],
      })),
    });
    await eventuallyAsync(() => job.progress().running > 0, 'a task to run');
    await zk.server.stop();
    const down = performance.now();
    // ZooKeeper is away for 3 s of real time: the test waits on the clock, not on an event.
    await new Promise<void>((resolve) => setTimeout(resolve, 3000 - (performance.now() - down)));
    await zk.server.restart();
    const squares = (await job.result) as SquareResult[];
    expect(squares.map(({ square }) => square)).to.deep.equal([0, 1, 4, 9, 16, 25]);
    for (const process of cluster.processes) expect(process.isRunning, process.args.join(' ')).to.equal(true);
  });

  it('retries when ZooKeeper is unreachable at start, says so in one line, and leads once it is there', async () => {
    const port = await freePort();
    const offlineConfig = {
      ...config,
      'high-availability.zookeeper.quorum': `127.0.0.1:${port}`,
      'high-availability.zookeeper.client.connection-timeout': '1 s',
    };
    const offline = await TestingCluster.create(offlineConfig);
    let late: ZooKeeperServer | undefined;
    try {
      const jm = await offline.startJobManager(0, { THREADLINK_LOG: 'warn' });
      await jm.waitFor(
        /Could not connect to ZooKeeper quorum 127\.0\.0\.1:\d+ .*still trying/,
        30_000,
        'stderr',
      );
      late = await ZooKeeperServer.start(zk.installation, { port });
      const jobManagerPort = Number(offline.jobManagerAddress.split(':')[1]);
      expect(await leaderPort(offlineConfig)).to.equal(jobManagerPort);
      expect(jm.isRunning).to.equal(true);
      expect(jm.stderr.split('\n').filter((line) => /ZooKeeper/.test(line))).to.have.length(1);
    } finally {
      await offline.close();
      await late?.close();
    }
  });
});
