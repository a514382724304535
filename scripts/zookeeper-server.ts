// Runs a real standalone ZooKeeper server (Debian's `zookeeper` package, or an
// Apache tarball) as a child process on 127.0.0.1, for tests, benches and `npm run zookeeper`.
// It can be stopped and started again on the same port and data directory, which is
// how tests take ZooKeeper away for a while; the child is always killed by pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where the server's jars and the JVM were found. */
export interface ZooKeeperInstallation {
  readonly java: string;
  readonly classpath: string;
  /** Where the jars came from, for messages. */
  readonly source: string;
}

export interface ZooKeeperServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** A directory to keep the data in; a fresh temporary one (removed on close) when absent. */
  readonly dataDir?: string;
  /** How long to wait for `ruok` to answer `imok`. */
  readonly startTimeoutMs?: number;
}

const kMainClass = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
const kDebianJar = '/usr/share/java/zookeeper.jar';
// The Debian jar's manifest names its dependencies; slf4j-simple only makes its logs readable.
const kDebianLogBinding = '/usr/share/java/slf4j-simple.jar';
// Short JVM start-up (about 0.6 s instead of 1.2 s on 2 cores) and a small heap.
const kJvmOptions = [
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.net.preferIPv4Stack=true',
];
const kStopGraceMs = 5000;

/**
 * Finds a JVM and the ZooKeeper jars: THREADLINK_ZOOKEEPER_CLASSPATH, then an Apache
 * tarball under ZOOKEEPER_HOME, then Debian's package. Undefined when either is missing.
 */
export function findZooKeeperInstallation(
  env: NodeJS.ProcessEnv = process.env,
): ZooKeeperInstallation | undefined {
  const java = findJava(env);
  if (!java) return undefined;
  if (env.THREADLINK_ZOOKEEPER_CLASSPATH) {
    return { java, classpath: env.THREADLINK_ZOOKEEPER_CLASSPATH, source: 'THREADLINK_ZOOKEEPER_CLASSPATH' };
  }
  if (env.ZOOKEEPER_HOME) {
    const lib = join(env.ZOOKEEPER_HOME, 'lib');
    if (existsSync(lib)) {
      const jars = readdirSync(lib)
        .filter((name) => name.endsWith('.jar'))
        .map((name) => join(lib, name));
      if (jars.some((jar) => /zookeeper-\d/.test(jar))) {
        return { java, classpath: jars.join(delimiter), source: `ZOOKEEPER_HOME (${env.ZOOKEEPER_HOME})` };
      }
    }
  }
  if (existsSync(kDebianJar)) {
    const classpath = [kDebianJar, ...(existsSync(kDebianLogBinding) ? [kDebianLogBinding] : [])];
    return { java, classpath: classpath.join(delimiter), source: `Debian package (${kDebianJar})` };
  }
  return undefined;
}

/** What to tell someone who has no ZooKeeper. */
export const kZooKeeperInstallHint =
  "install Debian's package (apt-get install -y zookeeper, which brings a Java runtime), " +
  'or set ZOOKEEPER_HOME to an Apache ZooKeeper 3.8 directory, or THREADLINK_ZOOKEEPER_CLASSPATH to its jars';

function findJava(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = [
    ...(env.JAVA_HOME ? [join(env.JAVA_HOME, 'bin', 'java')] : []),
    ...(env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'java')),
  ];
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every server this process started, so that none outlives it. */
const liveServers = new Set<ZooKeeperServer>();
process.on('exit', () => {
  for (const server of liveServers) server.killNow();
});

export class ZooKeeperServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly installation: ZooKeeperInstallation,
    readonly port: number,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly startTimeoutMs: number,
  ) {}

  /** Starts a server and resolves once it answers `ruok`. */
  static async start(
    installation: ZooKeeperInstallation,
    options: ZooKeeperServerOptions = {},
  ): Promise<ZooKeeperServer> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'threadlink-zookeeper-')));
    const port = options.port || (await findFreePort());
    const server = new ZooKeeperServer(
      installation,
      port,
      dataDir,
      ownsDataDir,
      options.startTimeoutMs ?? 30_000,
    );
    try {
      await server.restart();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== null;
  }

  get logFile(): string {
    return join(this.dataDir, 'zookeeper.log');
  }

  /** Starts the server again on the same port with the same data (or for the first time). */
  async restart(): Promise<void> {
    if (this.child) return;
    const config = join(this.dataDir, 'zoo.cfg');
    await mkdir(join(this.dataDir, 'data'), { recursive: true });
    await writeFile(config, this.configText());
    const log = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        this.installation.java,
        [
          ...kJvmOptions,
          '-Dzookeeper.admin.enableServer=false',
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
          '-cp',
          this.installation.classpath,
          kMainClass,
          config,
        ],
        { stdio: ['ignore', log, log] },
      );
    } finally {
      closeSync(log);
    }
    this.child = child;
    liveServers.add(this);
    this.exited = new Promise<void>((resolve) => {
      const done = (): void => {
        if (this.child === child) this.child = null;
        if (!this.child) liveServers.delete(this);
        resolve();
      };
      child.once('exit', done);
      child.once('error', done);
    });
    try {
      await this.waitUntilServing();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** SIGTERM, then SIGKILL if the JVM has not exited after a grace period; resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    signal(child.pid, 'SIGTERM');
    const grace = new Promise<'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), kStopGraceMs);
      void this.exited.then(() => clearTimeout(timer));
    });
    if ((await Promise.race([this.exited, grace])) === 'timeout') signal(child.pid, 'SIGKILL');
    await this.exited;
  }

  /** Stops the server and removes a data directory it created. */
  async close(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** Synchronous last resort for process exit. */
  killNow(): void {
    signal(this.child?.pid, 'SIGKILL');
  }

  /** The last lines of the server's log, for failure messages. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private configText(): string {
    return [
      // A short tick so that tests may ask for 1-2 s sessions; expiry is checked once a tick.
      'tickTime=500',
      'minSessionTimeout=1000',
      'maxSessionTimeout=60000',
      `dataDir=${join(this.dataDir, 'data')}`,
      `clientPort=${this.port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,srvr,stat,cons,mntr',
      'maxClientCnxns=0',
      // A server for tests and development: no fsync per write, small preallocated logs.
      'forceSync=no',
      'preAllocSize=1024',
      '',
    ].join('\n');
  }

  private async waitUntilServing(): Promise<void> {
    const deadline = performance.now() + this.startTimeoutMs;
    while (performance.now() < deadline) {
      if (!this.child) {
        throw new Error(`ZooKeeper exited during start-up on port ${this.port}:\n${this.logTail()}`);
      }
      if ((await fourLetterWord(this.port, 'ruok').catch(() => '')) === 'imok') return;
      await new Promise<void>((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `ZooKeeper did not answer 'ruok' on port ${this.port} within ${this.startTimeoutMs} ms:\n${this.logTail()}`,
    );
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Sends a four-letter word (ruok, srvr, ...) and resolves with the whole answer. */
export function fourLetterWord(port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`'${word}' timed out`)));
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
