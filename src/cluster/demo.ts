// `npm start`: the control plane at work on an embedded MiniCluster. One
// TaskExecutor per core starts in its own worker thread; each finds the
// ResourceManager leader, registers and reports its slots. The tour then
// kills one TaskExecutor's worker (the ResourceManager drops it at once),
// moves leadership to a new session (everyone re-registers under a new
// fencing token), and shuts down cleanly.

import { availableParallelism } from 'node:os';

import { MiniCluster } from './mini-cluster.js';
import type { ResourceManagerGateway } from '../runtime/resourcemanager/resource-manager-gateway.js';
import type { TaskManagerInfo } from '../runtime/types/task-manager-info.js';

const kTaskExecutors = Math.max(2, availableParallelism());
const kSlots = 2;
const step = (text: string) => console.log(`\n▸ ${text}`);
const ms = (since: number) => `${(performance.now() - since).toFixed(1)} ms`;

/** Prints each TaskExecutor the first time the ResourceManager lists it, until `count` are there. */
async function watchRegistrations(cluster: MiniCluster, count: number, since: number): Promise<void> {
  const seen = new Set<string>();
  while (seen.size < count) {
    const rm = cluster.getResourceManager() ? await cluster.resourceManagerGateway() : undefined;
    const infos = rm ? await rm.requestTaskManagerInfo(1000) : [];
    for (const info of infos) {
      if (seen.has(info.resourceId)) continue;
      seen.add(info.resourceId);
      console.log(`  ${ms(since).padStart(9)}  ${info.resourceId} registered with ${info.numberSlots} slots`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

function printTable(infos: TaskManagerInfo[], rm: ResourceManagerGateway): void {
  console.table(
    infos
      .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
      .map((info) => ({
        TaskExecutor: info.resourceId,
        address: info.address,
        slots: info.numberSlots,
        free: info.numberAvailableSlots,
        'last heartbeat': info.lastHeartbeat === 0 ? 'none yet' : `${ms(info.lastHeartbeat)} ago`,
      })),
  );
  console.log(`  ResourceManager ${rm.getAddress()}, fencing token ${rm.getFencingToken().slice(0, 8)}…`);
}

async function main(): Promise<void> {
  step(`Starting a MiniCluster: ${kTaskExecutors} TaskExecutors × ${kSlots} slots, one worker thread each`);
  const started = performance.now();
  await using cluster = await MiniCluster.start({
    taskExecutors: kTaskExecutors,
    slotsPerTaskExecutor: kSlots,
    config: { 'heartbeat.interval': '200 ms', 'heartbeat.timeout': '5 s' },
  });
  await watchRegistrations(cluster, kTaskExecutors, started);
  await cluster.waitUntilTaskExecutorsRegistered(kTaskExecutors);
  console.log(`  all registered with their slot reports after ${ms(started)}`);

  step('The ResourceManager’s view, after a few heartbeats');
  await new Promise<void>((resolve) => setTimeout(resolve, 500));
  let rm = await cluster.resourceManagerGateway();
  printTable(await rm.requestTaskManagerInfo(1000), rm);
  console.log('  overview:', await rm.requestResourceOverview(1000));

  step('Killing one TaskExecutor’s worker, as a crash would');
  const [victim] = cluster.getTaskExecutors();
  const killedAt = performance.now();
  await cluster.terminateTaskExecutor(victim!.resourceId);
  while ((await rm.getNumberOfRegisteredTaskManagers()) !== kTaskExecutors - 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  console.log(`  the ResourceManager dropped ${victim!.resourceId} ${ms(killedAt)} after the kill`);
  console.log('  (Flink would wait for the 50 s heartbeat timeout)');

  step('A new leader session: a new ResourceManager, a new fencing token, and everyone re-registers');
  const before = rm.getFencingToken();
  const revokedAt = performance.now();
  await cluster.revokeResourceManagerLeadership();
  await cluster.grantResourceManagerLeadership();
  while (cluster.getResourceManager()?.getFencingToken() === before || !cluster.getResourceManager()) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await cluster.waitUntilTaskExecutorsRegistered(kTaskExecutors - 1);
  rm = await cluster.resourceManagerGateway();
  console.log(`  ${kTaskExecutors - 1} TaskExecutors re-registered ${ms(revokedAt)} after the revoke`);
  printTable(await rm.requestTaskManagerInfo(1000), rm);

  step('Shutting down: TaskExecutors, ResourceManager, RPC, HA');
}

await main();
console.log('  done; no threads left running.');
