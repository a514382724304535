// Cluster processes in the order users really start them, and with the
// configurations they really get wrong: a taskmanager started before its
// jobmanager keeps retrying and registers once it is up; a jobmanager killed and
// started again on its port gets the taskmanagers back; with mutual TLS a
// taskmanager with a certificate of another CA is refused and the cluster goes
// on; a bad config file or flag stops a process with one line and exit code 2.

import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testCerts } from '../../support/test-certs.js';
import { freePort, kClusterTasks, TestingCluster } from './testing-cluster.js';

// Flink's 10 s pause after a failed connection, shortened so that the tests need not wait it out.
const kFastRetries = { 'cluster.registration.error-delay': '200 ms' };

describe('cluster processes that come and go', function () {
  this.timeout(60_000);
  let cluster: TestingCluster;

  beforeEach(async () => {
    cluster = await TestingCluster.create(kFastRetries);
  });

  afterEach(async () => {
    await cluster.close();
  });

  it('registers a taskmanager started before its jobmanager, once the jobmanager is up', async () => {
    const port = await freePort();
    const tm = await cluster.startTaskManager(1, 1, {
      jobManager: `127.0.0.1:${port}`,
      env: { THREADLINK_LOG: 'warn' },
    });
    await tm.process.waitFor(
      /Could not resolve ResourceManager address \S+, retrying in 200 ms/,
      20_000,
      'stderr',
    );
    await cluster.startJobManager(port);
    const client = await cluster.client();
    await cluster.awaitTaskExecutors(client, tm.resourceIds);
    expect(tm.process.isRunning).to.equal(true);
  });

  it('re-registers the taskmanagers with a jobmanager started again on its port after a SIGKILL', async () => {
    const port = await freePort();
    const first = await cluster.startJobManager(port);
    const tm = await cluster.startTaskManager(2, 1);
    const before = await cluster.client();
    await cluster.awaitTaskExecutors(before, tm.resourceIds);
    await first.kill('SIGKILL');
    await cluster.startJobManager(port);
    const after = await cluster.client();
    await cluster.awaitTaskExecutors(after, tm.resourceIds);
    const job = after.submitJob({
      name: 'after the restart',
      tasks: [0, 1, 2].map((i) => ({ module: kClusterTasks, export: 'square', args: [i] })),
    });
    expect(((await job.result) as { square: number }[]).map(({ square }) => square)).to.deep.equal([0, 1, 4]);
  });

  it('refuses a taskmanager whose certificate another CA signed, and goes on with the others (TLS)', async () => {
    const certs = await testCerts();
    const tls = await TestingCluster.create({ ...kFastRetries, ...certs.security });
    try {
      await tls.startJobManager();
      const good = await tls.startTaskManager(1, 2);
      const strangerConfig = join(tls.dir, 'stranger.yaml');
      await writeFile(
        strangerConfig,
        // Its blob cache goes under the cluster's directory too, which close() removes.
        Object.entries({
          ...kFastRetries,
          ...certs.otherCa,
          'blob.storage.directory': join(tls.dir, 'blobs'),
        })
          .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
          .join('\n'),
      );
      const stranger = await tls.startTaskManager(1, 2, {
        configFile: strangerConfig,
        env: { THREADLINK_LOG: 'warn' },
      });
      await stranger.process.waitFor(/Could not resolve ResourceManager address/, 20_000, 'stderr');
      const client = await tls.client();
      await tls.awaitTaskExecutors(client, good.resourceIds);
      const job = client.submitJob({
        name: 'with TLS',
        tasks: [0, 1].map((i) => ({ module: kClusterTasks, export: 'square', args: [i] })),
      });
      expect(((await job.result) as { pid: number }[]).map(({ pid }) => pid)).to.deep.equal([
        good.process.pid,
        good.process.pid,
      ]);
      expect((await client.listTaskManagers()).map(({ resourceId }) => resourceId)).to.deep.equal(
        good.resourceIds,
      );
    } finally {
      await tls.close();
    }
  });

  describe('bad configuration: one line naming the key, and exit code 2', () => {
    async function expectUsageError(args: string[], pattern: RegExp): Promise<void> {
      const result = await cluster.runCli(args);
      expect(result.code, result.stderr).to.equal(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).to.have.length(1);
      expect(lines[0]).to.match(pattern);
    }

    it('stops a jobmanager whose config file has a bad value of a known key', async () => {
      const file = join(cluster.dir, 'bad.yaml');
      await writeFile(file, 'jobmanager.rpc.port: 6123\nheartbeat.interval: soon\n');
      await expectUsageError(['jobmanager', '--config', file], /bad\.yaml:2: .*heartbeat\.interval/);
    });

    it('stops a taskmanager given a negative slot count or no jobmanager', async () => {
      await expectUsageError(['taskmanager', '--jobmanager', '127.0.0.1:6123', '--slots', '-3'], /--slots/);
      await expectUsageError(['taskmanager', '--slots', '2'], /--jobmanager/);
    });

    it('stops a jobmanager whose TLS files are missing', async () => {
      const file = join(cluster.dir, 'tls.yaml');
      await writeFile(
        file,
        [
          'security.ssl.internal.enabled: true',
          'security.ssl.internal.key: missing.key',
          'security.ssl.internal.cert: missing.crt',
          'security.ssl.internal.trust-cert: missing-ca.crt',
        ].join('\n'),
      );
      await expectUsageError(
        ['jobmanager', '--port', '0', '--config', file],
        /ERR_RPC_CONFIGURATION.*missing\.key/,
      );
    });
  });
});
