// Every outcome of a JobMaster registration is checked against the job's current
// connection and leader id before the listener hears it (FLINK-16836,
// FLINK-14316, FLINK-16373). Gateways here are doubles and every result waits on
// a ManualExecutor, so the races are laid out step by step.

import { expect } from 'chai';
import { RetryingRegistrationConfiguration } from '../../../../src/runtime/configuration/retrying-registration-configuration.js';
import { DefaultJobLeaderService } from '../../../../src/runtime/taskexecutor/default-job-leader-service.js';
import { JobID, JobMasterId, ResourceID } from '../../../../src/runtime/types/ids.js';
import { RegistrationResponse } from '../../../../src/runtime/types/registration-response.js';
import { ManualExecutor } from '../../../support/manual-executor.js';
import { ScriptedRpcService, settle, SyncThrow } from '../../registration/testing-registration.js';
import {
  ManualJobMasterGateway,
  RecordingJobLeaderListener,
  SettableLeaderRetrievalService,
  TestingHaServices,
} from './testing-job-leader.js';

const kConfig = RetryingRegistrationConfiguration.of({
  initialRegistrationTimeoutMs: 100,
  maxRegistrationTimeoutMs: 1000,
  errorDelayMs: 1000,
  refusedDelayMs: 1000,
});
const kSuccess = RegistrationResponse.jmtmSuccess(ResourceID.of('jm'));

describe('DefaultJobLeaderService reports only current leaders', () => {
  let executor: ManualExecutor;
  let listener: RecordingJobLeaderListener;
  let retrieval: SettableLeaderRetrievalService;
  let jobLeaderService: DefaultJobLeaderService;
  const jobId = JobID.generate();
  const idA = JobMasterId.generate();
  const idB = JobMasterId.generate();
  const leaderA = new ManualJobMasterGateway('address-a', idA);
  const leaderB = new ManualJobMasterGateway('address-b', idB);

  function startWith(rpc: ScriptedRpcService, failOnStop = false): void {
    executor = new ManualExecutor();
    listener = new RecordingJobLeaderListener();
    retrieval = new SettableLeaderRetrievalService(failOnStop);
    jobLeaderService = new DefaultJobLeaderService({ resourceId: ResourceID.of('te') }, kConfig, executor);
    jobLeaderService.start('te-address', rpc, new TestingHaServices(retrieval), listener);
    jobLeaderService.addJob(jobId, 'default');
  }

  beforeEach(() => {
    leaderA.registrations.length = 0;
    leaderB.registrations.length = 0;
  });
  afterEach(async () => {
    jobLeaderService.stop();
    await deliver();
    expect(executor.pendingCount, 'timers left after stop()').to.equal(0);
  });

  async function deliver(): Promise<void> {
    await settle();
    executor.triggerAll();
  }

  it('does not report a success from a leader that was replaced while it waited on the executor', async () => {
    startWith(new ScriptedRpcService(leaderA, leaderA, leaderB));
    retrieval.notifyListener('address-a', idA);
    await settle();
    leaderA.registrations[0]!.resolve(kSuccess);
    await settle();

    retrieval.notifyListener('address-b', idB);
    await deliver();
    expect(listener.events, 'the success of A is outdated').to.deep.equal([]);

    leaderB.registrations[0]!.resolve(kSuccess);
    await deliver();
    expect(listener.of('gained').map(([, , gateway]) => gateway)).to.deep.equal([leaderB]);
  });

  it('reports the lost leader on (null, null) and drops that leader’s late success', async () => {
    startWith(new ScriptedRpcService(leaderA));
    retrieval.notifyListener('address-a', idA);
    await settle();
    leaderA.registrations[0]!.resolve(kSuccess);
    await settle();

    retrieval.notifyListener(null, null);
    await deliver();
    expect(listener.events).to.deep.equal([['lost', jobId, idA]]);
  });

  it('drops every late outcome of a replaced connection, also when the same session id is announced again', async () => {
    const rpc = new ScriptedRpcService(leaderA, leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    await settle();
    retrieval.notifyListener(null, null);
    retrieval.notifyListener('address-a', idA);
    await settle();
    expect(leaderA.registrations, 'one registration per announcement').to.have.length(2);

    expect(listener.events).to.deep.equal([['lost', jobId, idA]]);

    // The first connection's outcome arrives after it was replaced: it is not reported.
    leaderA.registrations[0]!.resolve(RegistrationResponse.rejection('from the replaced connection'));
    await deliver();
    expect(listener.events).to.deep.equal([['lost', jobId, idA]]);

    leaderA.registrations[1]!.resolve(kSuccess);
    await deliver();
    expect(listener.of('gained')).to.have.length(1);
    expect(listener.events).to.have.length(2);
  });

  it('drops the late success of a replaced connection to the same session id', async () => {
    const rpc = new ScriptedRpcService(leaderA, leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    await settle();
    retrieval.notifyListener(null, null);
    retrieval.notifyListener('address-a', idA);
    await settle();

    leaderA.registrations[0]!.resolve(kSuccess);
    await deliver();
    expect(listener.of('gained'), 'the first connection was replaced').to.deep.equal([]);
    leaderA.registrations[1]!.resolve(kSuccess);
    await deliver();
    expect(listener.of('gained')).to.have.length(1);
  });

  it('reports no lost leader on (null, null) when there was no leader', () => {
    startWith(new ScriptedRpcService(leaderA));
    retrieval.notifyListener(null, null);
    expect(listener.events).to.deep.equal([]);
  });

  it('ignores a repeated announcement of the leader it is already registering at', async () => {
    const rpc = new ScriptedRpcService(leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    retrieval.notifyListener('address-a', idA);
    await settle();

    expect(rpc.connects).to.have.length(1);
    expect(leaderA.registrations).to.have.length(1);
  });

  it('treats a leader address without a session id as no leader', () => {
    const rpc = new ScriptedRpcService(leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    retrieval.notifyListener('address-a', null);

    expect(listener.events).to.deep.equal([['lost', jobId, idA]]);
    expect(rpc.connects).to.have.length(1);
  });

  it('registers again at the same leader, with the same fencing token, on reconnect after a success', async () => {
    const rpc = new ScriptedRpcService(leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    await settle();
    leaderA.registrations[0]!.resolve(kSuccess);
    await deliver();

    jobLeaderService.reconnect(jobId);
    await settle();
    leaderA.registrations[1]!.resolve(kSuccess);
    await deliver();

    expect(rpc.connects.map((c) => [c.address, c.fencingToken])).to.deep.equal([
      ['address-a', idA],
      ['address-a', idA],
    ]);
    expect(listener.of('gained')).to.have.length(2);
  });

  it('leaves a registration that is still running alone on reconnect', async () => {
    const rpc = new ScriptedRpcService(leaderA);
    startWith(rpc);
    retrieval.notifyListener('address-a', idA);
    await settle();

    expect(() => jobLeaderService.reconnect(jobId)).to.not.throw();
    expect(rpc.connects).to.have.length(1);
  });

  it('hands a registration that fails for good to handleError, while its leader is current', async () => {
    const failure = new Error('cannot connect at all');
    startWith(new ScriptedRpcService(leaderA, new SyncThrow(failure)));
    retrieval.notifyListener('address-a', idA);
    await deliver();

    expect(listener.events).to.deep.equal([['error', failure]]);
  });

  it('forwards leader retrieval errors, but not after the job was removed', () => {
    // A retrieval whose stop() fails keeps calling its listener; the listener must not pass that on.
    startWith(new ScriptedRpcService(leaderA), true);
    const first = new Error('retrieval broke');
    retrieval.failWith(first);
    jobLeaderService.removeJob(jobId);
    retrieval.failWith(new Error('after removal'));

    expect(listener.events).to.deep.equal([['error', first]]);
  });
});
