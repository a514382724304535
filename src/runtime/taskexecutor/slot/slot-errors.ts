// Errors of slot lookups, mirroring Flink's SlotNotFoundException and
// SlotNotActiveException, with stable codes.

import { registerErrorClasses } from '../../../actor/error-codec.js';
import { FlinkError } from '../../flink-error.js';
import type { AllocationID, JobID } from '../../types/ids.js';

export class SlotNotFoundError extends FlinkError {
  static override readonly code = 'ERR_SLOT_NOT_FOUND';

  static forAllocation(allocationId: AllocationID): SlotNotFoundError {
    return new SlotNotFoundError(`Could not find slot for ${allocationId}.`);
  }
}

export class SlotNotActiveError extends FlinkError {
  static override readonly code = 'ERR_SLOT_NOT_ACTIVE';

  static forAllocation(jobId: JobID, allocationId: AllocationID): SlotNotActiveError {
    return new SlotNotActiveError(`No active slot for job ${jobId} with allocation id ${allocationId}.`);
  }
}

registerErrorClasses(SlotNotFoundError, SlotNotActiveError);
