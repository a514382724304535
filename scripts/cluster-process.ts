// Runs `threadlink <command>` (the built CLI, dist/src/cluster/cli.js) as a real
// child process on 127.0.0.1, keeps what it writes, and waits for a line of it.
// Shared by the tests (test/support/cluster-process.ts adds the leak check) and
// the benches. Whoever starts a process kills it by its pid; a process still
// alive when this one exits is SIGKILLed then, so none outlives its starter.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const kCli = fileURLToPath(new URL('../src/cluster/cli.js', import.meta.url));

export interface ClusterProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Every process started here and not yet exited, so that none outlives this one. */
const liveProcesses = new Set<ClusterProcess>();
process.on('exit', () => {
  for (const started of liveProcesses) started.killNow();
});

export class ClusterProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutText = '';
  private stderrText = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly args: readonly string[],
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.wake();
      }),
    );
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdoutText += text;
      this.wake();
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderrText += text;
      this.wake();
    });
  }

  /** Starts `threadlink ...args` with Node's own binary. */
  static start(args: readonly string[], options: ClusterProcessOptions = {}): ClusterProcess {
    const child = spawn(process.execPath, [kCli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const started = new ClusterProcess(child, args);
    liveProcesses.add(started);
    void started.exited.then(() => liveProcesses.delete(started));
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves with the first match of `pattern` in stdout (or stderr), once it
   * appears; rejects, with all the process wrote, if it exits or `timeoutMs` passes first.
   */
  waitFor(
    pattern: RegExp,
    timeoutMs = 30_000,
    stream: 'stdout' | 'stderr' = 'stdout',
  ): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = (stream === 'stdout' ? this.stdoutText : this.stderrText).match(pattern);
        if (match) {
          done();
          resolve(match);
          return true;
        }
        if (!this.isRunning) {
          done();
          reject(this.failure(`exited before ${stream} matched ${pattern}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(this.failure(`did not write ${pattern} to ${stream} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = () => void check();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Sends `signal` to the process by its pid (SIGKILL by default) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.isRunning) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // Already gone.
      }
    }
    await this.exited;
  }

  /** Synchronous last resort, for process exit: SIGKILL by pid. */
  killNow(): void {
    if (!this.isRunning) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Sends `signal` without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (this.isRunning) process.kill(this.pid, signal);
  }

  private failure(what: string): Error {
    return new Error(
      `threadlink ${this.args.join(' ')} ${what}.\n--- stdout ---\n${this.stdoutText}\n--- stderr ---\n${this.stderrText}`,
    );
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
