// The messages TaskExecutor and ResourceManager exchange are plain data: a
// structured clone (what a MessagePort does) gives an equal value back.

import { expect } from 'chai';

import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { InstanceID, ResourceID } from '../../../src/runtime/types/ids.js';
import {
  RegistrationResponse,
  type TaskExecutorRegistrationResponse,
} from '../../../src/runtime/types/registration-response.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import type { TaskExecutorRegistration } from '../../../src/runtime/types/task-executor-registration.js';

describe('runtime messages', () => {
  it('TaskExecutorRegistration survives a structured clone', () => {
    const registration: TaskExecutorRegistration = {
      taskExecutorAddress: 'node://flink@thread-3/user/rpc/taskmanager_0',
      resourceId: ResourceID.generate(),
      dataPort: 6121,
      hardwareDescription: {
        numberOfCPUCores: 8,
        sizeOfPhysicalMemory: 16 * 2 ** 30,
        sizeOfJvmHeap: 2 ** 30,
        sizeOfManagedMemory: 2 ** 29,
      },
      defaultSlotResourceProfile: ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 256 }),
      totalResourceProfile: ResourceProfile.of({ cpuCores: 4, taskHeapMemoryMB: 1024 }),
      nodeId: 'node-a',
    };
    expect(structuredClone(registration)).to.deep.equal(registration);
  });

  it('registration responses are told apart by kind after a structured clone', () => {
    const responses: TaskExecutorRegistrationResponse[] = [
      RegistrationResponse.taskExecutorSuccess(InstanceID.generate(), ResourceID.generate(), {
        blobServerHostname: 'localhost',
        blobServerPort: 1234,
      }),
      RegistrationResponse.failure('resource manager not ready'),
      RegistrationResponse.rejection('wrong cluster'),
    ];

    const kinds = responses.map((r) => structuredClone(r)).map(describeResponse);

    expect(kinds).to.deep.equal([
      'success from rm localhost:1234',
      'retry: resource manager not ready',
      'stop: wrong cluster',
    ]);
  });

  it('Acknowledge is a constant that compares with ===', () => {
    expect(structuredClone(Acknowledge)).to.equal(Acknowledge);
  });
});

function describeResponse(response: TaskExecutorRegistrationResponse): string {
  switch (response.kind) {
    case 'success':
      return `success from rm ${response.clusterInformation.blobServerHostname}:${response.clusterInformation.blobServerPort}`;
    case 'failure':
      return `retry: ${response.reason}`;
    case 'rejection':
      return `stop: ${response.reason}`;
  }
}
