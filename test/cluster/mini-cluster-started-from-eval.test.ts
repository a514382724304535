// A MiniCluster started from `node --input-type=module -e '…'`: every worker
// used to inherit --input-type and die at once with ERR_INPUT_TYPE_NOT_ALLOWED,
// and start() said only that the worker exited. The child process here runs a
// job end to end and prints its result.

import { expect } from 'chai';

import { execFile } from 'node:child_process';

const kIndex = new URL('../../src/index.js', import.meta.url).href;
const kTasks = new URL('./tasks/job-tasks.js', import.meta.url).href;

function node(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('a MiniCluster started from node --input-type=module -e', function () {
  this.timeout(30_000);

  it('starts its workers and runs a job', async () => {
    const script = `
      import { MiniCluster } from ${JSON.stringify(kIndex)};
      const cluster = await MiniCluster.start({ taskExecutors: 1 });
      try {
        const job = cluster.submitJob({ tasks: [{ module: ${JSON.stringify(kTasks)}, export: 'double', args: [21] }] });
        console.log(JSON.stringify(await job.result));
      } finally {
        await cluster.closeAsync();
      }`;

    const { code, stdout, stderr } = await node('--input-type=module', '-e', script);

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    expect(stdout.trim()).to.equal('[42]');
  });
});
