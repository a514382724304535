// Slot errors carry stable codes and, once their module is loaded, survive the
// error codec that carries errors between threads.

import { expect } from 'chai';

import { decodeError, encodeError } from '../../../../src/actor/error-codec.js';
import { FlinkError } from '../../../../src/runtime/flink-error.js';
import {
  SlotNotActiveError,
  SlotNotFoundError,
} from '../../../../src/runtime/taskexecutor/slot/slot-errors.js';
import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';

describe('Slot errors', () => {
  it('have stable codes and Flink messages', () => {
    const allocationId = AllocationID.of('a1');
    const notFound = SlotNotFoundError.forAllocation(allocationId);
    const notActive = SlotNotActiveError.forAllocation(JobID.of('j1'), allocationId);

    expect(notFound.code).to.equal('ERR_SLOT_NOT_FOUND');
    expect(notFound.message).to.equal('Could not find slot for a1.');
    expect(notFound.name).to.equal('SlotNotFoundError');
    expect(notActive.code).to.equal('ERR_SLOT_NOT_ACTIVE');
    expect(notActive.message).to.equal('No active slot for job j1 with allocation id a1.');
    expect(notActive).to.be.instanceOf(FlinkError);
    expect(notActive).to.not.be.instanceOf(SlotNotFoundError);
  });

  it('come back as the same class with the same code after a structured clone of their encoding', () => {
    const original = SlotNotFoundError.forAllocation(AllocationID.generate());

    const decoded = decodeError(structuredClone(encodeError(original)));

    expect(decoded).to.be.instanceOf(SlotNotFoundError);
    expect((decoded as SlotNotFoundError).code).to.equal('ERR_SLOT_NOT_FOUND');
    expect(decoded.message).to.equal(original.message);
  });
});
