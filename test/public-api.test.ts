// The package root exports the public API and nothing else, and
// `threadlink/runtime` exports Flink's internals. The value list below is the
// contract: adding an export to the root means adding it here, on purpose. The
// type checks are compile-time: `tsc` fails the build if an @ts-expect-error
// line compiles, or if a public type lost its shape.

import { expect } from 'chai';
import * as api from '../src/index.js';
import type {
  JobClient,
  JobProgress,
  JobResult,
  JobSpec,
  MiniCluster,
  MiniClusterOptions,
  RpcGateway,
  TaskStateChange,
} from '../src/index.js';
// @ts-expect-error the slot pool is an internal of the JobMaster, exported from threadlink/runtime only
import type { SlotPool } from '../src/index.js';
// @ts-expect-error heartbeat managers are internals
import type { HeartbeatManagerImpl } from '../src/index.js';

const kPublicValues = [
  // the MiniCluster and its jobs
  'JobClient',
  'MiniCluster',
  // the RPC API
  'FencedRpcEndpoint',
  'RpcEndpoint',
  'RpcService',
  'WorkerHandle',
  'defineGateway',
  'registerErrorClasses',
  // ids and states
  'AllocationID',
  'ExecutionAttemptID',
  'InstanceID',
  'JobID',
  'JobMasterId',
  'ResourceID',
  'ResourceManagerId',
  'ExecutionState',
  'JobStatus',
  // errors
  'ActorNotFoundError',
  'AddressParseError',
  'EndpointNotStartedError',
  'ExecutionGraphError',
  'ExecutionLostError',
  'FencingTokenError',
  'FlinkError',
  'HandshakeError',
  'IllegalConfigurationError',
  'IllegalJobLeaderServiceStateError',
  'IllegalLeaderServiceStateError',
  'IllegalRegistrationStateError',
  'InvalidJobError',
  'JobCancellationError',
  'JobExecutionError',
  'JobManagerHeartbeatTimeoutError',
  'JobManagerUnreachableError',
  'JobMasterError',
  'LeaderElectionUnsupportedError',
  'LeaderRetrievalError',
  'LeaderServiceShutdownError',
  'LeaderSubscriptionError',
  'MiniClusterError',
  'NoResourceAvailableError',
  'RecipientUnreachableError',
  'RegistrationCancelledError',
  'RegistrationTimeoutError',
  'ResourceManagerError',
  'RpcConnectionError',
  'RpcError',
  'RpcFrameSizeError',
  'RpcInvalidStateError',
  'RpcSerializationError',
  'RpcTimeoutError',
  'SlotAllocationError',
  'SlotManagerClosedError',
  'SlotNotActiveError',
  'SlotNotFoundError',
  'SlotOccupiedError',
  'TaskExecutorExitedError',
  'TaskExecutorFatalError',
  'TaskExecutorHeartbeatTimeoutError',
  'TaskExecutorUnreachableError',
  'TaskInvokableError',
  'TaskManagerError',
  'TaskNotFoundError',
  'TaskResultError',
  'TaskSubmissionError',
  'TaskWorkerExitedError',
  'UnknownJobManagerError',
  'UnknownMessageError',
];

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

describe('the public API', () => {
  it('exports exactly the public values at the package root', () => {
    expect(Object.keys(api).sort()).to.deep.equal([...kPublicValues].sort());
  });

  it('gives every exported error class a stable code that survives construction', () => {
    const errorClasses = Object.entries(api).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(errorClasses.length).to.be.greaterThan(40);
    for (const [name, ctor] of errorClasses) {
      const error = Reflect.construct(ctor as new (m: string) => Error, ['probe']) as Error & {
        code?: unknown;
      };
      expect(error.code, name)
        .to.be.a('string')
        .and.match(/^ERR_[A-Z_]+$/);
      expect(error.name, name).to.equal(name);
    }
  });

  it('keeps the shapes users program against, at compile time', () => {
    assertType<Equal<Parameters<MiniCluster['submitJob']>, [spec: JobSpec]>>();
    assertType<Equal<ReturnType<MiniCluster['submitJob']>, JobClient>>();
    assertType<Equal<JobClient['result'], Promise<unknown[]>>>();
    assertType<Equal<ReturnType<JobClient['progress']>, JobProgress>>();
    assertType<Equal<JobResult['status'], api.JobStatus>>();
    assertType<Equal<TaskStateChange['state'], api.ExecutionState>>();
    assertType<Equal<ReturnType<RpcGateway['getAddress']>, string>>();
    const options: MiniClusterOptions = {
      taskExecutors: 2,
      slotsPerTaskExecutor: 1,
      config: { 'heartbeat.interval': '1 s' },
    };
    // @ts-expect-error a typo in an option is a compile error
    const typo: MiniClusterOptions = { taskExecutor: 2 };
    const unused: [SlotPool, HeartbeatManagerImpl, MiniClusterOptions, MiniClusterOptions] | undefined =
      undefined;
    expect([options, typo, unused]).to.have.length(3);
  });

  it('exports Flink internals from threadlink/runtime', async () => {
    const specifier = 'threadlink/runtime';
    const runtime = (await import(specifier)) as Record<string, unknown>;
    for (const name of [
      'SlotPool',
      'HeartbeatManagerImpl',
      'TaskSlotTable',
      'TaskExecutor',
      'ResourceManager',
      'JobMaster',
      'StandaloneHaServices',
      'RetryingRegistration',
      'ActorSystem',
    ]) {
      expect(runtime[name], name).to.be.a('function');
    }
    expect(runtime.MiniCluster, 'the cluster layer is not part of the runtime').to.equal(undefined);
  });
});
