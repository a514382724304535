// Doubles for JobLeaderService tests, after Flink's TestingJobLeaderListener,
// SettableLeaderRetrievalService and TestingJobMasterGateway: a listener that
// records and can be awaited, a leader retrieval the test drives, a recording
// RpcService wrapper, and a JobMaster gateway whose answers the test gives.

import type { FencedRpcGateway, GatewayDefinition, RpcGateway } from '../../../../src/rpc/gateway.js';
import type { RpcService } from '../../../../src/rpc/rpc-service.js';
import type {
  LeaderRetrievalListener,
  LeaderRetrievalService,
} from '../../../../src/runtime/highavailability/leader-retrieval.js';
import type { JobMasterGateway } from '../../../../src/runtime/gateways/job-master-gateway.js';
import type { RegistrationRpcService } from '../../../../src/runtime/registration/retrying-registration.js';
import type { JobLeaderListener } from '../../../../src/runtime/taskexecutor/job-leader-service.js';
import { Acknowledge } from '../../../../src/runtime/types/acknowledge.js';
import type { JobID, JobMasterId } from '../../../../src/runtime/types/ids.js';
import type {
  JMTMRegistrationResponse,
  JMTMRegistrationSuccess,
  RegistrationRejection,
} from '../../../../src/runtime/types/registration-response.js';
import type { TaskManagerRegistrationInformation } from '../../../../src/runtime/types/task-manager-info.js';
import {
  start as startJobMasterHere,
  TestingJobMasterProbe,
  type RecordedJobMasterCall,
  type TestingJobMasterWorkerData,
} from '../../../fixtures/testing-job-master.js';
import type { Path } from '../../../support/paths.js';

export type JobLeaderEvent =
  | ['gained', JobID, JobMasterGateway, JMTMRegistrationSuccess]
  | ['lost', JobID, JobMasterId]
  | ['error', Error]
  | ['rejected', JobID, string, RegistrationRejection];

type Kind = JobLeaderEvent[0];

export class RecordingJobLeaderListener implements JobLeaderListener {
  readonly events: JobLeaderEvent[] = [];
  private readonly waiters: { kind: Kind; count: number; resolve: (event: JobLeaderEvent) => void }[] = [];

  jobManagerGainedLeadership(
    jobId: JobID,
    gateway: JobMasterGateway,
    success: JMTMRegistrationSuccess,
  ): void {
    this.push(['gained', jobId, gateway, success]);
  }
  jobManagerLostLeadership(jobId: JobID, jobMasterId: JobMasterId): void {
    this.push(['lost', jobId, jobMasterId]);
  }
  handleError(error: Error): void {
    this.push(['error', error]);
  }
  jobManagerRejectedRegistration(
    jobId: JobID,
    targetAddress: string,
    rejection: RegistrationRejection,
  ): void {
    this.push(['rejected', jobId, targetAddress, rejection]);
  }

  of<K extends Kind>(kind: K): Extract<JobLeaderEvent, [K, ...unknown[]]>[] {
    return this.events.filter((e) => e[0] === kind) as Extract<JobLeaderEvent, [K, ...unknown[]]>[];
  }

  /** Resolves with the `count`-th event of `kind` (1-based), now or once it happens. */
  nth<K extends Kind>(kind: K, count: number): Promise<Extract<JobLeaderEvent, [K, ...unknown[]]>> {
    const seen = this.of(kind);
    if (seen.length >= count) return Promise.resolve(seen[count - 1]!);
    return new Promise((resolve) =>
      this.waiters.push({ kind, count, resolve: resolve as (event: JobLeaderEvent) => void }),
    );
  }

  private push(event: JobLeaderEvent): void {
    this.events.push(event);
    const count = this.of(event[0]).length;
    for (const waiter of [...this.waiters]) {
      if (waiter.kind === event[0] && waiter.count === count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }
}

/** A leader retrieval the test drives; `failOnStop` makes stop() throw, as a broken service. */
export class SettableLeaderRetrievalService implements LeaderRetrievalService {
  private listener: LeaderRetrievalListener | undefined;
  started = false;
  stopped = false;

  constructor(private readonly failOnStop = false) {}

  start(listener: LeaderRetrievalListener): void {
    this.listener = listener;
    this.started = true;
  }

  stop(): void {
    this.stopped = true;
    if (this.failOnStop) throw new Error('Test exception');
    this.listener = undefined;
  }

  notifyListener(address: string | null, sessionId: string | null): void {
    this.listener?.notifyLeaderAddress(address, sessionId);
  }

  failWith(error: Error): void {
    this.listener?.handleError(error);
  }
}

/** HA services that hand out the given retrieval services, one per addJob, and record the calls. */
export class TestingHaServices {
  readonly requests: { jobId: string; defaultAddress: string }[] = [];
  private readonly services: LeaderRetrievalService[];

  constructor(...services: LeaderRetrievalService[]) {
    this.services = services;
  }

  getJobManagerLeaderRetriever(jobId: string, defaultAddress: string): LeaderRetrievalService {
    this.requests.push({ jobId, defaultAddress });
    const service = this.services.length > 1 ? this.services.shift()! : this.services[0];
    if (!service) throw new Error('TestingHaServices has no leader retrieval service to give out.');
    return service;
  }
}

/** Passes connects to a real RpcService and records them, synchronously. */
export class RecordingRpcService implements RegistrationRpcService {
  readonly connects: { address: string; fencingToken: string | undefined }[] = [];

  constructor(private readonly rpc: RegistrationRpcService) {}

  connect<G extends RpcGateway>(address: string, gateway: GatewayDefinition<G>): Promise<G> {
    this.connects.push({ address, fencingToken: undefined });
    return this.rpc.connect(address, gateway);
  }

  connectFenced<G extends FencedRpcGateway>(
    address: string,
    fencingToken: string,
    gateway: GatewayDefinition<G>,
  ): Promise<G> {
    this.connects.push({ address, fencingToken });
    return this.rpc.connectFenced(address, fencingToken, gateway);
  }
}

/** A JobMasterGateway without an endpoint: every registerTaskManager waits for the test's answer. */
export class ManualJobMasterGateway implements JobMasterGateway {
  readonly registrations: {
    readonly jobId: JobID;
    readonly information: TaskManagerRegistrationInformation;
    resolve(response: JMTMRegistrationResponse): void;
  }[] = [];

  constructor(
    private readonly address: string,
    private readonly jobMasterId: JobMasterId,
  ) {}

  registerTaskManager(
    jobId: JobID,
    information: TaskManagerRegistrationInformation,
  ): Promise<JMTMRegistrationResponse> {
    return new Promise((resolve) => this.registrations.push({ jobId, information, resolve }));
  }
  async offerSlots(): Promise<never[]> {
    return [];
  }
  failSlot(): void {}
  async heartbeatFromTaskManager(): Promise<void> {}
  async disconnectTaskManager(): Promise<Acknowledge> {
    return Acknowledge;
  }
  async updateTaskExecutionState(): Promise<Acknowledge> {
    return Acknowledge;
  }
  updateTaskExecutionStates(): void {}
  async heartbeatFromResourceManager(): Promise<void> {}
  disconnectResourceManager(): void {}
  getAddress(): string {
    return this.address;
  }
  getHostname(): string {
    return 'thread-0';
  }
  getFencingToken(): JobMasterId {
    return this.jobMasterId;
  }
}

export const kJobMasterModule = new URL('../../../fixtures/testing-job-master.js', import.meta.url);

/** Starts a TestingJobMaster on the given path; returns its address. */
export async function startJobMaster(
  rpc: RpcService,
  path: Path,
  data: TestingJobMasterWorkerData,
): Promise<string> {
  if (path === 'same thread') return startJobMasterHere(rpc, data);
  const worker = await rpc.spawnWorker(kJobMasterModule, { workerData: data });
  return worker.result as string;
}

/** The calls a TestingJobMaster received, wherever it runs. */
export async function jobMasterCalls(
  rpc: RpcService,
  address: string,
  jobMasterId: JobMasterId,
): Promise<RecordedJobMasterCall[]> {
  const probe = await rpc.connectFenced(address, jobMasterId, TestingJobMasterProbe);
  return probe.recordedCalls();
}

/** The job of every registerTaskManager call, in order. */
export function registeredJobs(calls: readonly RecordedJobMasterCall[]): unknown[] {
  return calls.filter((call) => call.method === 'registerTaskManager').map((call) => call.args[0]);
}
