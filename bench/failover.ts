// bench:failover: how long a cluster with ZooKeeper HA is without a usable
// ResourceManager when its leading jobmanager dies.
// It starts its own ZooKeeper (scripts/zookeeper-server.ts: free loopback port,
// temporary data dir), two `threadlink jobmanager` processes with
// high-availability.type: zookeeper and a 2 s session timeout, and one
// `threadlink taskmanager` of 2 TaskExecutors; every other key keeps its default.
// Per round: SIGKILL the leading jobmanager, then poll (every 5 ms, through a
// client that finds the leader in ZooKeeper) until the ResourceManager of a
// leader other than the killed one lists every TaskExecutor. The killed one is
// started again as the new standby before the next round. Also printed: when
// this process saw the new leader in ZooKeeper. Median and min–max; goal: under
// 2 × the session timeout. The last line is one JSON object.

import { join } from 'node:path';
import {
  findZooKeeperInstallation,
  kZooKeeperInstallHint,
  ZooKeeperServer,
} from '../scripts/zookeeper-server.js';
import { parseAddress } from '../src/actor/address.js';
import type { ClusterClient } from '../src/cluster/client/cluster-client.js';
import { connectToCluster } from '../src/cluster/client/connect-to-cluster.js';
import type { ClusterProcess } from '../scripts/cluster-process.js';
import { Configuration } from '../src/runtime/configuration/configuration.js';
import type { LeaderRetrievalService } from '../src/runtime/highavailability/leader-retrieval.js';
import { ZooKeeperHaServices } from '../src/runtime/highavailability/zookeeper/zookeeper-ha-services.js';
import { cleanUpOnInterrupt } from './interrupt.js';
import { pollTaskExecutors, ProcessCluster } from './process-cluster.js';
import { median, medianAndSpread, minMax, round } from './stats.js';

const kQuick = process.argv.includes('--quick');
const kRounds = Number(process.env.BENCH_ROUNDS ?? (kQuick ? 2 : 7));
const kSessionTimeoutMs = 2000;
const kGoalMs = 2 * kSessionTimeoutMs;
const kTaskExecutors = 2;
const kSlots = 1;

/** The port of a leader's RPC address, which names its jobmanager process. */
function portOf(address: string): number {
  return Number(/:(\d+)$/.exec(parseAddress(address).host)![1]);
}

/** Follows the ResourceManager leader in ZooKeeper, and when this process learnt of each. */
class LeaderWatch {
  private leader: { port: number; seenAt: number } | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly ha: ZooKeeperHaServices;
  private readonly retriever: LeaderRetrievalService;

  constructor(configuration: Configuration) {
    this.ha = ZooKeeperHaServices.fromConfiguration(configuration);
    this.retriever = this.ha.getResourceManagerLeaderRetriever();
    this.retriever.start({
      notifyLeaderAddress: (address) => {
        if (address) this.leader = { port: portOf(address), seenAt: performance.now() };
        for (const waiter of [...this.waiters]) waiter();
      },
      handleError: (error) => console.error(`Leader retrieval failed: ${error.message}`),
    });
  }

  /** The first leader other than `not` (any leader without it), once ZooKeeper names one. */
  next(not?: number, timeoutMs = 30_000): Promise<{ port: number; seenAt: number }> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.leader && this.leader.port !== not) {
          done();
          resolve(this.leader);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`ZooKeeper named no new ResourceManager leader within ${timeoutMs} ms.`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async closeAsync(): Promise<void> {
    this.retriever.stop();
    await this.ha.closeAsync();
  }
}

interface Failover {
  /** SIGKILL to every TaskExecutor registered at the new leader's ResourceManager. */
  readonly failoverMs: number;
  /** SIGKILL to this process learning the new leader from ZooKeeper. */
  readonly newLeaderMs: number;
}

async function main(): Promise<void> {
  const installation = findZooKeeperInstallation();
  if (!installation) throw new Error(`bench:failover needs ZooKeeper: ${kZooKeeperInstallHint}.`);
  const zooKeeper = await ZooKeeperServer.start(installation);
  const unregisterZooKeeper = cleanUpOnInterrupt(() => zooKeeper.close());
  let cluster: ProcessCluster | undefined;
  let client: ClusterClient | undefined;
  let watch: LeaderWatch | undefined;
  try {
    const ha = {
      'high-availability.type': 'zookeeper',
      'high-availability.zookeeper.quorum': zooKeeper.connectString,
      'high-availability.cluster-id': `/bench-failover-${process.pid}`,
      'high-availability.zookeeper.client.session-timeout': `${kSessionTimeoutMs} ms`,
    };
    cluster = await ProcessCluster.create((dir) => ({
      ...ha,
      'high-availability.storageDir': join(dir, 'ha'),
    }));
    const configuration = Configuration.fromMap({
      ...ha,
      'high-availability.storageDir': join(cluster.dir, 'ha'),
    });
    watch = new LeaderWatch(configuration);
    client = await connectToCluster({ configuration });
    const started = cluster;

    const jobManagers = new Map<number, ClusterProcess>();
    const startJobManager = async (): Promise<void> => {
      const { process, address } = await started.startJobManager();
      jobManagers.set(Number(address.split(':').pop()), process);
    };
    await startJobManager();
    await startJobManager();
    const tm = await cluster.startTaskManager(kTaskExecutors, kSlots);
    const ids = tm.resourceIds;
    const allRegistered = (registered: ReadonlySet<string>): boolean => ids.every((id) => registered.has(id));
    await pollTaskExecutors(client, allRegistered, 'the TaskExecutors to register');

    const failovers: Failover[] = [];
    for (let i = 0; i < kRounds; i++) {
      const leader = await watch.next();
      const victim = jobManagers.get(leader.port);
      if (!victim) throw new Error(`The leader on port ${leader.port} is none of this bench's jobmanagers.`);
      // Both jobmanagers in the election and the TaskExecutors at the leader: a steady cluster.
      await pollTaskExecutors(client, allRegistered, 'the TaskExecutors at the leader');
      const killedAt = performance.now();
      const newLeader = watch.next(leader.port);
      // Once it has exited, the killed one cannot answer: whoever lists the TaskExecutors is the new leader.
      await victim.kill('SIGKILL');
      const registeredAt = await pollTaskExecutors(
        client,
        allRegistered,
        'the TaskExecutors at the new leader',
        {
          intervalMs: 5,
        },
      );
      const { seenAt } = await newLeader;
      failovers.push({ failoverMs: registeredAt - killedAt, newLeaderMs: seenAt - killedAt });
      console.log(
        `failover ${i + 1}: port ${leader.port} killed; new leader seen after ${round(seenAt - killedAt, 0)} ms, ` +
          `TaskExecutors registered there after ${round(registeredAt - killedAt, 0)} ms`,
      );
      jobManagers.delete(leader.port);
      await startJobManager();
    }

    const failoverMs = failovers.map((f) => f.failoverMs);
    const newLeaderMs = failovers.map((f) => f.newLeaderMs);
    const met = median(failoverMs) < kGoalMs;
    console.log(
      `\nSIGKILL of the leading jobmanager → all ${kTaskExecutors} TaskExecutors registered at the new leader, ` +
        `${kRounds} failovers, session timeout ${kSessionTimeoutMs} ms; median (min–max)`,
    );
    console.log(`  failover:           ${medianAndSpread(failoverMs, 0)} ms`);
    console.log(`  new leader seen:    ${medianAndSpread(newLeaderMs, 0)} ms`);
    console.log(`  goal < ${kGoalMs} ms (2 × the session timeout): ${met ? 'met' : 'NOT met'}`);
    const spread = minMax(failoverMs);
    console.log(
      JSON.stringify({
        bench: 'failover',
        failover_ms: round(median(failoverMs), 0),
        failover_range_ms: [round(spread.min, 0), round(spread.max, 0)],
        new_leader_seen_ms: round(median(newLeaderMs), 0),
        session_timeout_ms: kSessionTimeoutMs,
        goal_ms: kGoalMs,
        goal_met: met,
        rounds: kRounds,
        failovers_ms: failoverMs.map((ms) => round(ms, 0)),
        task_executors: kTaskExecutors,
        quick: kQuick,
        node: process.version,
      }),
    );
  } finally {
    await client?.closeAsync().catch(() => {});
    await watch?.closeAsync().catch(() => {});
    await cluster?.closeAsync();
    await zooKeeper.close();
    unregisterZooKeeper();
  }
}

await main();
