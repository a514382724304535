// A standalone cluster of real processes for the tests: `threadlink jobmanager`
// and `threadlink taskmanager` children on 127.0.0.1, a config file they share,
// and a ClusterClient in the test's process to watch them. Every process is
// killed by its pid in cleanup, and the client closed.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterClient } from '../../../src/cluster/client/cluster-client.js';
import { connectToCluster } from '../../../src/cluster/client/connect-to-cluster.js';
import type { ConfigValue } from '../../../src/runtime/configuration/config-option.js';
import { startClusterProcess, type ClusterProcess } from '../../support/cluster-process.js';
import { eventuallyAsync } from '../../support/eventually-async.js';

export const kClusterTasks = new URL('../../fixtures/tasks/cluster-tasks.js', import.meta.url).href;

/** A port that was free a moment ago, for a jobmanager that must come back on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class TestingCluster {
  readonly processes: ClusterProcess[] = [];
  private clients: ClusterClient[] = [];
  jobManagerAddress = '';
  /** The REST API of the jobmanager started last. */
  restUrl = '';

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly config: Readonly<Record<string, ConfigValue>>,
  ) {}

  /** A directory and a config file (flat YAML of `config`) for the cluster's processes. */
  static async create(config: Readonly<Record<string, ConfigValue>> = {}): Promise<TestingCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'threadlink-cluster-'));
    const configFile = join(dir, 'config.yaml');
    const yaml = Object.entries({ 'blob.storage.directory': join(dir, 'blobs'), ...config })
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join('\n');
    await writeFile(configFile, `${yaml}\n`);
    return new TestingCluster(dir, configFile, config);
  }

  /**
   * Starts `threadlink jobmanager` and waits for its address; port 0 picks a free
   * one. Its REST port is a free one too, so that jobmanagers side by side (HA)
   * do not clash on rest.port's default 8081.
   */
  async startJobManager(port = 0, env: NodeJS.ProcessEnv = {}): Promise<ClusterProcess> {
    const jm = this.start(
      [
        'jobmanager',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--rest-port',
        '0',
        '--config',
        this.configFile,
      ],
      env,
    );
    const [, address, restUrl] = (await jm.waitFor(
      /listening at (\S+:\d+), dashboard at (\S+) /,
    )) as RegExpMatchArray;
    this.jobManagerAddress = address!;
    this.restUrl = restUrl!;
    return jm;
  }

  /** Starts `threadlink taskmanager` with `taskExecutors` × `slots`, and waits for its line. */
  async startTaskManager(
    taskExecutors = 2,
    slots = 2,
    options: { configFile?: string; env?: NodeJS.ProcessEnv; jobManager?: string } = {},
  ): Promise<{ process: ClusterProcess; resourceIds: string[] }> {
    const tm = this.start(
      [
        'taskmanager',
        '--jobmanager',
        options.jobManager ?? this.jobManagerAddress,
        '--task-executors',
        String(taskExecutors),
        '--slots',
        String(slots),
        '--config',
        options.configFile ?? this.configFile,
      ],
      options.env ?? {},
    );
    const [, ids] = (await tm.waitFor(/TaskExecutors (.+) registering/)) as RegExpMatchArray;
    return { process: tm, resourceIds: ids!.split(', ') };
  }

  /** Runs `threadlink ...args` to its end; resolves with its exit code and output. */
  async runCli(
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const cli = this.start(args, env);
    const { code } = await cli.exited;
    return { code, stdout: cli.stdout, stderr: cli.stderr };
  }

  /** A client of the cluster in the test's process; closed with the cluster. */
  async client(config: Readonly<Record<string, ConfigValue>> = this.config): Promise<ClusterClient> {
    const client = await connectToCluster({ jobManager: this.jobManagerAddress, configuration: config });
    this.clients.push(client);
    return client;
  }

  /** Resolves once exactly these TaskExecutors are registered at the ResourceManager. */
  async awaitTaskExecutors(
    client: ClusterClient,
    resourceIds: readonly string[],
    deadlineMs = 20_000,
  ): Promise<void> {
    const wanted = [...resourceIds].sort().join(',');
    let seen = '';
    await eventuallyAsync(
      async () => {
        seen = (await client.listTaskManagers().catch(() => []))
          .map((tm) => tm.resourceId)
          .sort()
          .join(',');
        return seen === wanted;
      },
      `the TaskExecutors [${wanted}] (registered: [${seen}])`,
      deadlineMs,
    );
  }

  /** Closes the clients, kills every process by its pid, and removes the directory. */
  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((client) => client.closeAsync()));
    await Promise.allSettled(this.processes.map((process) => process.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private start(args: readonly string[], env: NodeJS.ProcessEnv): ClusterProcess {
    const started = startClusterProcess(args, { env, cwd: this.dir });
    this.processes.push(started);
    return started;
  }
}
