// The TaskManagerRunner decides what the end of its TaskExecutor means, on the
// same thread and as the entry of a worker thread. Ports TaskManagerRunnerTest
// behaviours 93–95 of reference/flink-runtime.md §4.

import { expect } from 'chai';
import { kTaskManagerWorkerModule } from '../../../src/worker-entries.js';

import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { EmbeddedHaServices } from '../../../src/runtime/highavailability/embedded-ha-services.js';
import type { HighAvailabilityServices } from '../../../src/runtime/highavailability/high-availability-services.js';
import { LeaderInformationServer } from '../../../src/runtime/highavailability/leader-information-server.js';
import {
  RegistrationTimeoutError,
  TaskExecutorFatalError,
} from '../../../src/runtime/taskexecutor/task-executor-errors.js';
import { TaskManagerRunner } from '../../../src/runtime/taskexecutor/task-manager-runner.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { useRpcService } from '../../support/paths.js';
import { SettableLeaderRetrievalService } from '../../support/settable-leader-retrieval.js';

const kRunnerModule = kTaskManagerWorkerModule;

function haWithoutLeader(): HighAvailabilityServices {
  return {
    getResourceManagerLeaderRetriever: () => new SettableLeaderRetrievalService(),
    getJobManagerLeaderRetriever: () => new SettableLeaderRetrievalService(),
  } as unknown as HighAvailabilityServices;
}

describe('TaskManagerRunner', () => {
  const service = useRpcService();

  function runner(manual = new ManualExecutor(), conf = new Configuration()): TaskManagerRunner {
    return new TaskManagerRunner(service.rpc, {
      configuration: conf,
      haServices: haWithoutLeader(),
      resourceId: ResourceID.of('runner-under-test'),
      scheduler: manual,
    });
  }

  it('ends with FAILURE and the cause on a fatal error (testShouldShutdownOnFatalError)', async () => {
    const r = runner();
    r.start();
    const cause = new Error('boom');
    r.onFatalError(cause);
    const outcome = await r.getTerminationFuture();
    expect(outcome).to.deep.equal({ result: 'FAILURE', cause });
    expect(r.getTaskExecutor().isRunning()).to.equal(false);
  });

  it('ends with FAILURE when the registration deadline passes (testShouldShutdownIfRegistrationWithJobManagerFails)', async () => {
    const manual = new ManualExecutor();
    const r = runner(manual, Configuration.fromMap({ 'taskmanager.registration.timeout': '10 ms' }));
    r.start();
    await new Promise<void>((resolve) => setImmediate(resolve));
    manual.advance(10);
    const outcome = await r.getTerminationFuture();
    expect(outcome.result).to.equal('FAILURE');
    expect(outcome.result === 'FAILURE' && outcome.cause).to.be.instanceOf(RegistrationTimeoutError);
  });

  it('treats an unexpected end of the TaskExecutor as fatal (testUnexpectedTaskManagerTerminationFailsRunnerFatally)', async () => {
    const r = runner();
    r.start();
    await r.getTaskExecutor().closeAsync();
    const outcome = await r.getTerminationFuture();
    expect(outcome.result).to.equal('FAILURE');
    expect(outcome.result === 'FAILURE' && outcome.cause).to.be.instanceOf(TaskExecutorFatalError);
  });

  it('ends with SUCCESS when closed, and ignores the TaskExecutor ending then (…AfterRunnerCloseWillBeIgnored)', async () => {
    const r = runner();
    r.start();
    await r.closeAsync();
    expect(await r.getTerminationFuture()).to.deep.equal({ result: 'SUCCESS' });
  });

  it('in a worker: ends the thread with exit code 1 and an error that names the cause', async () => {
    const ha = new EmbeddedHaServices(service.rpc.getScheduledExecutor());
    const server = new LeaderInformationServer(service.rpc, ha);
    server.start();
    const handle = await service.rpc.spawnWorker(kRunnerModule, {
      workerData: {
        resourceId: 'worker-te',
        configuration: { 'taskmanager.registration.timeout': '100 ms' },
        haServerAddress: server.getAddress(),
      },
    });
    expect((handle.result as { resourceId: string }).resourceId).to.equal('worker-te');
    // No ResourceManager ever becomes leader, so the registration deadline passes.
    expect(await handle.exited).to.equal(1);
    expect(handle.failure).to.be.instanceOf(RegistrationTimeoutError);
    expect(handle.failure?.message).to.contain('maximum registration duration 100 ms');
    await ha.closeAsync();
  });
});
