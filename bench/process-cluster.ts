// The cluster of real processes that bench:standalone and bench:failover run
// against: a temporary directory with a flat config file, `threadlink jobmanager`
// and `threadlink taskmanager` children on 127.0.0.1 (scripts/cluster-process.ts),
// and a close that kills every child by its pid and removes the directory —
// after the bench, on an error, or on Ctrl-C (bench/interrupt.ts).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterProcess } from '../scripts/cluster-process.js';
import type { ClusterClient } from '../src/cluster/client/cluster-client.js';
import type { ConfigValue } from '../src/runtime/configuration/config-option.js';
import { cleanUpOnInterrupt } from './interrupt.js';

export interface StartedTaskManager {
  readonly process: ClusterProcess;
  readonly resourceIds: readonly string[];
}

export class ProcessCluster {
  readonly processes: ClusterProcess[] = [];
  private readonly unregister: () => void;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly configFile: string,
  ) {
    this.unregister = cleanUpOnInterrupt(() => this.closeAsync());
  }

  /**
   * A directory and a config file (flat YAML of `config`) for the cluster's
   * processes; `config` may be made from the directory, to keep its paths there.
   */
  static async create(
    config: Readonly<Record<string, ConfigValue>> | ((dir: string) => Record<string, ConfigValue>) = {},
  ): Promise<ProcessCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'threadlink-bench-cluster-'));
    const configFile = join(dir, 'config.yaml');
    const keys = typeof config === 'function' ? config(dir) : config;
    const yaml = Object.entries({ 'blob.storage.directory': join(dir, 'blobs'), ...keys })
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join('\n');
    await writeFile(configFile, `${yaml}\n`);
    return new ProcessCluster(dir, configFile);
  }

  /**
   * Starts `threadlink jobmanager` (port 0: a free one) and resolves with its address once it listens.
   * Its REST API takes a free port too: two jobmanagers (bench:failover) would clash on 8081.
   */
  async startJobManager(port = 0): Promise<{ process: ClusterProcess; address: string }> {
    const jm = this.start(['jobmanager', '--host', '127.0.0.1', '--port', String(port), '--rest-port', '0']);
    const [, address] = (await jm.waitFor(/listening at (\S+:\d+)/)) as RegExpMatchArray;
    return { process: jm, address: address! };
  }

  /**
   * Starts `threadlink taskmanager` with `taskExecutors` × `slots` and resolves with
   * its ResourceIDs once it says it is registering (not yet registered). Without
   * `jobManager`, it finds the leader through the config file (ZooKeeper HA).
   */
  async startTaskManager(
    taskExecutors: number,
    slots: number,
    jobManager?: string,
  ): Promise<StartedTaskManager> {
    const tm = this.start([
      'taskmanager',
      ...(jobManager ? ['--jobmanager', jobManager] : []),
      '--task-executors',
      String(taskExecutors),
      '--slots',
      String(slots),
    ]);
    const [, ids] = (await tm.waitFor(/TaskExecutors (.+) registering/)) as RegExpMatchArray;
    return { process: tm, resourceIds: ids!.split(', ') };
  }

  /** Kills every process by its pid and removes the directory; once. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled(this.processes.map((started) => started.kill()));
      await rm(this.dir, { recursive: true, force: true });
      this.unregister();
    })();
    return this.closing;
  }

  private start(args: readonly string[]): ClusterProcess {
    const started = ClusterProcess.start([...args, '--config', this.configFile], { cwd: this.dir });
    this.processes.push(started);
    return started;
  }
}

/**
 * Polls the ResourceManager (through `client`) until `done` holds for the set of
 * registered ResourceIDs; resolves with the time of the answer that satisfied it.
 * A failed call (no leader yet, a leader gone) counts as an empty set.
 */
export async function pollTaskExecutors(
  client: ClusterClient,
  done: (registered: ReadonlySet<string>) => boolean,
  what: string,
  { deadlineMs = 30_000, intervalMs = 2 }: { deadlineMs?: number; intervalMs?: number } = {},
): Promise<number> {
  const deadline = performance.now() + deadlineMs;
  let seen: string[] = [];
  for (;;) {
    const listed = await client.listTaskManagers().catch(() => []);
    const answeredAt = performance.now();
    seen = listed.map((info) => info.resourceId);
    if (done(new Set(seen))) return answeredAt;
    if (answeredAt > deadline) {
      throw new Error(
        `Timed out after ${deadlineMs} ms waiting for ${what} (registered: [${seen.join(', ')}]).`,
      );
    }
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
  }
}
