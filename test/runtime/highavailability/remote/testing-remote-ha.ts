// Test wiring for leader retrieval across threads: the main thread's side (embedded
// HA services, a LeaderInformationServer, a recorder) and retrieval workers on
// either path, plus a listener that can be awaited.

import type { RpcService } from '../../../../src/rpc/rpc-service.js';
import type { WorkerHandle } from '../../../../src/rpc/worker-handle.js';
import { EmbeddedHaServices } from '../../../../src/runtime/highavailability/embedded-ha-services.js';
import type { LeaderElectionService } from '../../../../src/runtime/highavailability/leader-election.js';
import { LeaderInformationServer } from '../../../../src/runtime/highavailability/leader-information-server.js';
import type { LeaderRetrievalListener } from '../../../../src/runtime/highavailability/leader-retrieval.js';
import { LeaderEventRecorder } from '../../../fixtures/ha-recorder.js';
import { HaWorkerControlGateway, start as startHaWorkerHere } from '../../../fixtures/ha-retrieval-worker.js';
import type { Path } from '../../../support/paths.js';
import { RecordingLeaderContender } from '../testing-leader.js';

export const kHaWorkerModule = new URL('../../../fixtures/ha-retrieval-worker.js', import.meta.url);

/** A contender that confirms every grant at once, as a ResourceManager or JobMaster does. */
export class ConfirmingContender extends RecordingLeaderContender {
  constructor(election: LeaderElectionService, address: string) {
    super();
    this.onGrant = (sessionId) => election.confirmLeadership(sessionId, address);
    election.start(this);
  }

  get lastSession(): string {
    const grants = this.grants;
    if (grants.length === 0) throw new Error('the contender was never granted leadership');
    return grants[grants.length - 1]!;
  }
}

/** The main thread's side: embedded HA services served by a LeaderInformationServer. */
export class MainSide {
  readonly haServices: EmbeddedHaServices;
  readonly server: LeaderInformationServer;
  readonly recorder: LeaderEventRecorder;

  constructor(readonly rpc: RpcService) {
    this.haServices = new EmbeddedHaServices(rpc.getScheduledExecutor());
    this.server = new LeaderInformationServer(rpc, this.haServices);
    this.server.start();
    this.recorder = new LeaderEventRecorder(rpc, 'recorder');
    this.recorder.start();
  }

  electResourceManager(address: string): ConfirmingContender {
    return new ConfirmingContender(this.haServices.getResourceManagerLeaderElectionService(), address);
  }

  electJobMaster(jobId: string, address: string): ConfirmingContender {
    return new ConfirmingContender(this.haServices.getJobManagerLeaderElectionService(jobId), address);
  }

  /** Revokes the ResourceManager's leadership; the service re-grants it at once. */
  revokeResourceManager(): Promise<void> {
    return this.haServices.getResourceManagerLeaderService().revokeLeadership();
  }
}

export interface RetrievalWorker {
  readonly control: HaWorkerControlGateway;
  /** The thread that hosts the worker's listener endpoint. */
  readonly host: string;
  /** Set on the across-threads path. */
  readonly handle: WorkerHandle | undefined;
}

let nextControlId = 0;

/** Starts a retrieval worker on `path`, reporting to `main.recorder`. */
export async function startRetrievalWorker(main: MainSide, path: Path): Promise<RetrievalWorker> {
  const data = {
    serverAddress: main.server.getAddress(),
    recorderAddress: main.recorder.getAddress(),
    controlId: `ha_worker_${nextControlId++}`,
  };
  let address: string;
  let handle: WorkerHandle | undefined;
  if (path === 'same thread') {
    address = await startHaWorkerHere(main.rpc, data);
  } else {
    handle = await main.rpc.spawnWorker(kHaWorkerModule, { workerData: data });
    address = handle.result as string;
  }
  const control = await main.rpc.connect(address, HaWorkerControlGateway);
  return { control, host: control.getHostname(), handle };
}

/**
 * Polls `check` once per event-loop turn, as Flink's CommonTestUtils.waitUntilCondition
 * does, for state that changes without an event the test can await. No wall clock.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (await check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`Gave up waiting until ${what}.`);
}

/** A retrieval listener whose events a test can await. */
export class AwaitableLeaderListener implements LeaderRetrievalListener {
  readonly leaders: Array<[string | null, string | null]> = [];
  readonly errors: Error[] = [];
  private readonly waiters = new Set<() => void>();

  notifyLeaderAddress(address: string | null, leaderSessionId: string | null): void {
    this.leaders.push([address, leaderSessionId]);
    this.wake();
  }

  handleError(error: Error): void {
    this.errors.push(error);
    this.wake();
  }

  /** Resolves once `count` leaders have been heard. */
  waitForLeaders(count: number): Promise<void> {
    return this.waitUntil(() => this.leaders.length >= count);
  }

  /** Resolves once `count` errors have been heard. */
  waitForErrors(count: number): Promise<void> {
    return this.waitUntil(() => this.errors.length >= count);
  }

  private waitUntil(reached: () => boolean): Promise<void> {
    if (reached()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = () => {
        if (!reached()) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
