// The runner that elects a job's JobMaster: a grant starts a JobMaster fenced by
// the session and confirms it, the job's end settles the runner's result, and a
// revoke or a close stops the JobMaster with its job SUSPENDED. After Flink's
// JobMasterServiceLeadershipRunnerTest, on an EmbeddedLeaderService whose
// notifications the test runs by hand.

import { expect } from 'chai';

import { EmbeddedLeaderService } from '../../../src/runtime/highavailability/embedded-leader-service.js';
import type { LeaderElectionService } from '../../../src/runtime/highavailability/leader-election.js';
import { JobMasterError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { JobMasterGateway } from '../../../src/runtime/gateways/job-master-gateway.js';
import { JobMasterServiceLeadershipRunner } from '../../../src/runtime/jobmaster/job-master-service-leadership-runner.js';
import type { JobMaster } from '../../../src/runtime/jobmaster/job-master.js';
import { drain, eventually } from '../../support/eventually.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { useRpcService } from '../../support/paths.js';
import { TestingJobMasterBuilder } from './testing-job-master-builder.js';
import { outcomeOf } from './outcome.js';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('JobMasterServiceLeadershipRunner', () => {
  const service = useRpcService();
  let notifications: ManualExecutor;
  let leaderService: EmbeddedLeaderService;
  let election: LeaderElectionService;
  let h: TestingJobMasterBuilder;
  let runner: JobMasterServiceLeadershipRunner;
  /** Every leader the job's retrieval service announced, as [address, session]. */
  let announced: [string | null, string | null][];

  beforeEach(() => {
    notifications = new ManualExecutor();
    leaderService = new EmbeddedLeaderService(notifications);
    election = leaderService.createLeaderElectionService();
    announced = [];
    leaderService.createLeaderRetrievalService().start({
      notifyLeaderAddress: (address, sessionId) => announced.push([address, sessionId]),
      handleError: () => {},
    });
    h = new TestingJobMasterBuilder(service.rpc);
    runner = new JobMasterServiceLeadershipRunner(
      election,
      (jobMasterId) => {
        const jobMaster = h.createJobMaster(jobMasterId);
        h.jobMaster = jobMaster;
        return jobMaster;
      },
      'the test job',
    );
  });
  afterEach(async () => {
    await runner.closeAsync();
    leaderService.shutdown();
    notifications.triggerAll();
  });

  /** Runs the queued leader notifications until the runner has a confirmed JobMaster. */
  async function awaitLeader(): Promise<JobMaster> {
    await eventually(() => {
      notifications.triggerAll();
      return announced.some(
        ([address]) => address !== null && address === runner.getJobMaster()?.getAddress(),
      );
    }, 'a confirmed JobMaster');
    return runner.getJobMaster()!;
  }

  it('starts a JobMaster fenced by the granted session and confirms its address', async () => {
    runner.start();

    const jobMaster = await awaitLeader();

    const [address, sessionId] = announced.at(-1)!;
    expect(address).to.equal(jobMaster.getAddress());
    expect(jobMaster.getFencingToken()).to.equal(sessionId);
    expect(election.hasLeadership(sessionId!)).to.equal(true);
    await eventually(() => jobMaster.getJobStatus() === 'RUNNING', 'the running job');
  });

  it('settles its result with the JobMaster’s result and leaves the election', async () => {
    runner.start();
    const jobMaster = await awaitLeader();
    h.gateway = await service.rpc.connectFenced(
      jobMaster.getAddress(),
      jobMaster.getFencingToken(),
      JobMasterGateway,
    );
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    await h.finish(tdd!, 'done');

    const result = await runner.getResultFuture();
    expect(result).to.deep.equal(await jobMaster.getJobResultFuture());
    expect(result).to.include({ status: 'FINISHED' });
    await eventually(() => {
      notifications.triggerAll();
      return announced.at(-1)![0] === null;
    }, 'the runner to leave the election');
  });

  it('rejects its result when closed before the job ended, and suspends the job', async () => {
    runner.start();
    const jobMaster = await awaitLeader();

    await runner.closeAsync();

    const error = await rejectionOf(runner.getResultFuture());
    expect(error).to.be.instanceOf(JobMasterError);
    expect((error as Error).message).to.equal('the test job was stopped before it reached a final state.');
    expect(jobMaster.getJobStatus()).to.equal('SUSPENDED');
    expect(jobMaster.isRunning()).to.equal(false);
  });

  it('stops the JobMaster when leadership is revoked, with the job SUSPENDED, and starts a new one for the next session', async () => {
    runner.start();
    const first = await awaitLeader();

    const revoked = leaderService.revokeLeadership();
    notifications.triggerAll();
    await revoked;

    await eventually(() => first.getJobStatus() === 'SUSPENDED', 'the suspended job');
    expect(await rejectionOf(first.getJobResultFuture())).to.be.instanceOf(JobMasterError);
    const second = await awaitLeader();
    expect(second).to.not.equal(first);
    expect(second.getFencingToken()).to.not.equal(first.getFencingToken());
    await first.getTerminationFuture();
    await drain();
    let settled = false;
    void runner.getResultFuture().then(
      () => (settled = true),
      () => (settled = true),
    );
    await drain();
    expect(settled).to.equal(false);
  });

  it('cancels the job of the current JobMaster', async () => {
    runner.start();
    const jobMaster = await awaitLeader();

    await runner.cancel();

    const result = await runner.getResultFuture();
    expect(result.status).to.equal('CANCELED');
    expect(jobMaster.getJobStatus()).to.equal('CANCELED');
  });

  // Fails until the runner settles its result when createJobMaster throws (see the report of brief H4).
  it('rejects its result when it cannot create a JobMaster, instead of leaving it pending', async () => {
    const failing = new JobMasterServiceLeadershipRunner(
      leaderService.createLeaderElectionService(),
      () => {
        throw new Error('cannot create the JobMaster');
      },
      'the failing job',
    );
    await runner.closeAsync();
    failing.start();
    notifications.triggerAll();

    const outcome = await outcomeOf(failing.getResultFuture());
    await failing.closeAsync();

    expect(outcome.state).to.equal('rejected');
    expect(outcome.error).to.be.instanceOf(JobMasterError);
    expect((outcome.error!.cause as Error).message).to.equal('cannot create the JobMaster');
  });

  // Fails until JobMaster.onStart settles its result and the runner passes on a failure it did not
  // cause (see the report of brief H4).
  it('rejects its result when its JobMaster fails to start', async () => {
    h.rmLeader.start = () => {
      throw new Error('leader retrieval is shut down');
    };
    runner.start();
    notifications.triggerAll();
    await eventually(() => (h.jobMaster as JobMaster | undefined) !== undefined, 'the JobMaster');
    await h.jobMaster.getTerminationFuture().catch(() => {});

    const outcome = await outcomeOf(runner.getResultFuture());

    expect(outcome.state).to.equal('rejected');
    expect(causes(outcome.error).map((e) => e.message)).to.include('leader retrieval is shut down');
  });
});

function causes(error: Error | undefined): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error; e = e.cause as Error | undefined) chain.push(e);
  return chain;
}
