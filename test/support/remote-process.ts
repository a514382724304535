// Starts a child process that hosts fixture endpoints behind TCP (see
// fixtures/remote-host.ts), and ends it by its pid. Every child started here is
// killed by the afterEach of useRpcService, or by whoever started it, and the
// leak check fails the run if one is left.

import { fork, type ChildProcess } from 'node:child_process';
import type { RemoteHostConfig, RemoteHostReport } from '../fixtures/remote-host.js';

const kHostEntry = new URL('../fixtures/remote-host.js', import.meta.url);
interface LiveChild {
  kill(): Promise<void>;
}

const live = new Set<LiveChild>();

export function liveChildCount(): number {
  return live.size;
}

/** Counts `child` as alive until `exited` settles, for the leak check and killAllChildren. */
export function trackChild(child: LiveChild, exited: Promise<unknown>): void {
  live.add(child);
  void exited.then(() => live.delete(child));
}

export class RemoteProcess {
  readonly exited: Promise<void>;
  private constructor(
    private readonly child: ChildProcess,
    readonly host: string,
    readonly result: unknown,
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(config: RemoteHostConfig): Promise<RemoteProcess> {
    const child = fork(kHostEntry, [JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const tracker = { kill: () => killChild(child, exited) } as unknown as RemoteProcess;
    live.add(tracker);
    void exited.then(() => live.delete(tracker));
    const report = await new Promise<RemoteHostReport>((resolve) => {
      child.once('message', (message) => resolve(message as RemoteHostReport));
      void exited.then(() => resolve({ ok: false, error: 'the child process exited before it reported' }));
    });
    if (!report.ok) {
      await killChild(child, exited);
      throw new Error(`The remote host failed to start: ${report.error}`);
    }
    const remote = new RemoteProcess(child, report.host, report.result, exited);
    live.delete(tracker);
    live.add(remote);
    void exited.then(() => live.delete(remote));
    return remote;
  }

  /** Kills the process by its pid (SIGKILL unless told otherwise) and waits for it to exit. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return killChild(this.child, this.exited, signal);
  }
}

async function killChild(
  child: ChildProcess,
  exited: Promise<void>,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    try {
      process.kill(child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  await exited;
}

/** Kills every child still running; for afterEach hooks. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.kill()));
}
