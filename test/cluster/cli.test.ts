// `threadlink` as a user runs it: a child process, its stdout, stderr and exit
// code. The usage cases start no cluster; the `run` cases are end to end (a
// MiniCluster in the child, with worker threads), so they take a second each.
// Flink's counterpart is CliFrontendRunTest.

import { expect } from 'chai';

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The build's root (dist/ or .build/<name>/), where bench/tasks/tiny.js lives too. */
const kBuildRoot = fileURLToPath(new URL('../../', import.meta.url));
const kCli = fileURLToPath(new URL('../../src/cluster/cli.js', import.meta.url));

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function threadlink(...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [kCli, ...args],
      { cwd: kBuildRoot, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

describe('threadlink CLI', function () {
  this.timeout(30_000);

  describe('usage', () => {
    it('prints the usage on stdout with --help and exits 0', async () => {
      const { code, stdout, stderr } = await threadlink('--help');
      expect(code).to.equal(0);
      expect(stdout).to.match(/^Usage: threadlink run <module>/);
      expect(stdout).to.include('--task-executors');
      expect(stderr).to.equal('');
    });

    it('exits 2 with one line on stderr for an unknown option', async () => {
      const { code, stdout, stderr } = await threadlink('run', 'bench/tasks/tiny.js', '--parallelism', '4');
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.equal("threadlink: Unknown option '--parallelism'. (see threadlink --help)\n");
    });

    it('exits 2 when the module file does not exist', async () => {
      const { code, stderr } = await threadlink('run', 'no/such/tasks.js');
      expect(code).to.equal(2);
      expect(stderr).to.equal("threadlink: <module> 'no/such/tasks.js' not found. (see threadlink --help)\n");
    });

    it('exits 2 when a count is not a whole number', async () => {
      const { code, stderr } = await threadlink('run', 'bench/tasks/tiny.js', '--tasks', 'many');
      expect(code).to.equal(2);
      expect(stderr).to.match(/^threadlink: --tasks must be a whole number ≥ 1, got 'many'\./);
    });

    it('exits 2 without a command', async () => {
      const { code, stderr } = await threadlink();
      expect(code).to.equal(2);
      expect(stderr).to.match(/^threadlink: Missing command/);
    });
  });

  describe('run (end to end)', () => {
    it('calls task i with (i, N) and prints the results in task order as JSON on stdout alone', async () => {
      const { code, stdout, stderr } = await threadlink(
        'run',
        'bench/tasks/tiny.js',
        '--export',
        'add',
        '--tasks',
        '6',
        '--task-executors',
        '2',
        '--slots',
        '2',
      );
      expect(code, stderr).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal([6, 7, 8, 9, 10, 11]);
      expect(stderr).to.match(/6 tasks finished/);
    });

    it('calls every task with the --args array', async () => {
      const { code, stdout, stderr } = await threadlink(
        'run',
        'bench/tasks/tiny.js',
        '--export=add',
        '--tasks=3',
        '--args=[40, 2]',
      );
      expect(code, stderr).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal([42, 42, 42]);
    });

    it('restarts a failed task with --restart-attempts and exits 0', async () => {
      const marker = join(tmpdir(), `threadlink-cli-test-${process.pid}-${Date.now()}.marker`);
      try {
        const { code, stdout, stderr } = await threadlink(
          'run',
          'src/cluster/demo-tasks/primes.js',
          '--export=countPrimes',
          `--args=${JSON.stringify([0, 100, marker])}`,
          '--restart-attempts=1',
        );
        expect(code, stderr).to.equal(0);
        expect(JSON.parse(stdout)).to.deep.equal([25]);
        expect(stderr).to.match(/1 failed attempt/);
      } finally {
        rmSync(marker, { force: true });
      }
    });

    it("exits 1 and prints the job's error with its code and the task's error as the cause", async () => {
      const module = "data:text/javascript,export default () => { throw new RangeError('boom'); }";
      const { code, stdout, stderr } = await threadlink('run', module);
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^threadlink: the job failed\.\n/);
      expect(stderr).to.match(/JobExecutionError \[ERR_JOB_EXECUTION\]/);
      expect(stderr).to.match(/caused by: RangeError: boom/);
    });

    it('exits 1 when the module has no such export', async () => {
      const { code, stderr } = await threadlink('run', 'bench/tasks/tiny.js', '--export', 'multiply');
      expect(code).to.equal(1);
      expect(stderr).to.match(/no function export "multiply"/);
    });
  });
});
