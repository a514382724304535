// Ports Flink's TaskExecutorToResourceManagerConnectionTest against a real,
// fenced ResourceManager endpoint, on the same thread and in a worker. This file
// is also the worker's module: it exports start(rpc, workerData), and declares
// its tests only on the main thread.

import { isMainThread } from 'node:worker_threads';
import { expect } from 'chai';
import { defineGateway, type FencedRpcGateway } from '../../../src/rpc/gateway.js';
import { FencedRpcEndpoint } from '../../../src/rpc/rpc-endpoint.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import {
  TaskExecutorToResourceManagerConnection,
  type TaskExecutorToResourceManagerListener,
} from '../../../src/runtime/taskexecutor/task-executor-to-resource-manager-connection.js';
import { InstanceID, ResourceID, ResourceManagerId } from '../../../src/runtime/types/ids.js';
import {
  RegistrationResponse,
  type RegistrationRejection,
  type TaskExecutorRegistrationResponse,
  type TaskExecutorRegistrationSuccess,
} from '../../../src/runtime/types/registration-response.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import type { TaskExecutorRegistration } from '../../../src/runtime/types/task-executor-registration.js';
import { kPaths, useRpcService, type Path } from '../../support/paths.js';

// ---- the testing ResourceManager ------------------------------------------------

/** Lets a test read what the ResourceManager received, from any thread. */
interface RegistrationProbeGateway extends FencedRpcGateway {
  receivedRegistrations(): Promise<{ registration: TaskExecutorRegistration; timeoutMs: number }[]>;
}
const RegistrationProbeGateway = defineGateway<RegistrationProbeGateway>('RegistrationProbeGateway', {
  receivedRegistrations: 'ask',
});

interface ResourceManagerData {
  readonly resourceManagerId: string;
  /** If set, every registration is rejected with this reason. */
  readonly rejectWith?: string;
}

const kResourceManagerResourceId = ResourceID.of('testing-resource-manager');
const kRegistrationId = InstanceID.of('0123456789abcdef0123456789abcdef');

/** Answers registerTaskExecutor from its data and records each registration; nothing else. */
class RegistrationRecordingResourceManager extends FencedRpcEndpoint<ResourceManagerId> {
  static override gateways = [ResourceManagerGateway, RegistrationProbeGateway];
  private readonly received: { registration: TaskExecutorRegistration; timeoutMs: number }[] = [];

  constructor(
    rpc: RpcService,
    private readonly data: ResourceManagerData,
  ) {
    super(rpc, ResourceManagerId.of(data.resourceManagerId), 'resourcemanager');
  }

  async registerTaskExecutor(
    registration: TaskExecutorRegistration,
    timeoutMs: number,
  ): Promise<TaskExecutorRegistrationResponse> {
    this.received.push({ registration, timeoutMs });
    if (this.data.rejectWith !== undefined) return RegistrationResponse.rejection(this.data.rejectWith);
    return RegistrationResponse.taskExecutorSuccess(kRegistrationId, kResourceManagerResourceId, {
      blobServerHostname: 'localhost',
      blobServerPort: 1234,
    });
  }

  async receivedRegistrations(): Promise<{ registration: TaskExecutorRegistration; timeoutMs: number }[]> {
    return this.received;
  }
}

export function start(rpc: RpcService, data: ResourceManagerData): string {
  const endpoint = new RegistrationRecordingResourceManager(rpc, data);
  endpoint.start();
  return endpoint.getAddress();
}

// ---- the tests --------------------------------------------------------------------

type Outcome =
  | ['success', TaskExecutorToResourceManagerConnection, TaskExecutorRegistrationSuccess]
  | ['failure', Error]
  | ['rejection', string, RegistrationRejection];

class RecordingListener implements TaskExecutorToResourceManagerListener {
  readonly outcome: Promise<Outcome>;
  private settle!: (outcome: Outcome) => void;

  constructor() {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  onRegistrationSuccess(
    connection: TaskExecutorToResourceManagerConnection,
    s: TaskExecutorRegistrationSuccess,
  ) {
    this.settle(['success', connection, s]);
  }
  onRegistrationFailure(failure: Error): void {
    this.settle(['failure', failure]);
  }
  onRegistrationRejection(targetAddress: string, rejection: RegistrationRejection): void {
    this.settle(['rejection', targetAddress, rejection]);
  }
}

// Long timeouts: every step here is a real round trip, and none of them may time out.
const kConfig = RetryingRegistrationConfiguration.of({
  initialRegistrationTimeoutMs: 5000,
  maxRegistrationTimeoutMs: 10_000,
  errorDelayMs: 10_000,
  refusedDelayMs: 10_000,
});

const kRegistration: TaskExecutorRegistration = {
  taskExecutorAddress: 'node://flink@thread-0/user/rpc/taskmanager_0',
  resourceId: ResourceID.of('task-executor-1'),
  dataPort: 1234,
  hardwareDescription: {
    numberOfCPUCores: 4,
    sizeOfPhysicalMemory: 16 * 1024 ** 3,
    sizeOfJvmHeap: 1024 ** 3,
    sizeOfManagedMemory: 512 * 1024 ** 2,
  },
  defaultSlotResourceProfile: ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 128 }),
  totalResourceProfile: ResourceProfile.of({ cpuCores: 4, taskHeapMemoryMB: 512 }),
  nodeId: 'node-7',
};

if (isMainThread) {
  describe('TaskExecutorToResourceManagerConnection', () => {
    const service = useRpcService();

    async function startResourceManager(path: Path, data: ResourceManagerData): Promise<string> {
      if (path === 'same thread') return start(service.rpc, data);
      const worker = await service.rpc.spawnWorker(new URL(import.meta.url), { workerData: data });
      return worker.result as string;
    }

    function connect(
      address: string,
      resourceManagerId: ResourceManagerId,
      listener: RecordingListener,
    ): TaskExecutorToResourceManagerConnection {
      const connection = new TaskExecutorToResourceManagerConnection(
        service.rpc,
        kConfig,
        address,
        resourceManagerId,
        service.rpc.getScheduledExecutor(),
        listener,
        kRegistration,
      );
      connection.start();
      return connection;
    }

    for (const path of kPaths) {
      describe(path, () => {
        // testResourceManagerRegistration
        it('registers with exactly the TaskExecutor registration it was given, fenced by the ResourceManagerId', async () => {
          const resourceManagerId = ResourceManagerId.generate();
          const address = await startResourceManager(path, { resourceManagerId });
          const listener = new RecordingListener();
          const connection = connect(address, resourceManagerId, listener);

          const [kind, connected, s] = await listener.outcome;
          expect(kind).to.equal('success');
          expect(connected).to.equal(connection);
          expect(s).to.deep.equal(
            RegistrationResponse.taskExecutorSuccess(kRegistrationId, kResourceManagerResourceId, {
              blobServerHostname: 'localhost',
              blobServerPort: 1234,
            }),
          );
          expect(connection.isConnected()).to.equal(true);
          expect(connection.getTargetGateway()!.getFencingToken()).to.equal(resourceManagerId);

          const probe = await service.rpc.connectFenced(address, resourceManagerId, RegistrationProbeGateway);
          expect(await probe.receivedRegistrations()).to.deep.equal([
            { registration: kRegistration, timeoutMs: kConfig.initialRegistrationTimeoutMs },
          ]);
          connection.close();
        });

        // testResourceManagerRegistrationIsRejected
        it('calls the rejection listener with the ResourceManager address when the registration is rejected', async () => {
          const resourceManagerId = ResourceManagerId.generate();
          const address = await startResourceManager(path, { resourceManagerId, rejectWith: 'not wanted' });
          const listener = new RecordingListener();
          const connection = connect(address, resourceManagerId, listener);

          expect(await listener.outcome).to.deep.equal([
            'rejection',
            address,
            RegistrationResponse.rejection('not wanted'),
          ]);
          expect(connection.isConnected()).to.equal(false);
          connection.close();
        });
      });
    }
  });
}
