// Identifiers, mirroring Flink's AbstractID family (AllocationID, InstanceID, JobID,
// ExecutionAttemptID) and ResourceID. Flink's ids are objects of two longs; here they
// are branded strings of 32 hex characters (the same text Flink prints), so they
// clone across worker threads for free and work as Map keys by value.

// The random bytes come from node:crypto, loaded on first use, not at import:
// a thread that never makes an id (a TaskExecutor's does not) starts without it,
// which is 5 ms and 0.5 MB of heap per worker (bench:cluster).
const kPoolIds = 64;
let pool: Buffer | undefined;
let poolOffset = kPoolIds * 16;

function generateHex32(): string {
  if (poolOffset === kPoolIds * 16) {
    pool = process.getBuiltinModule('node:crypto').randomBytes(kPoolIds * 16);
    poolOffset = 0;
  }
  const hex = pool!.toString('hex', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return hex;
}

/** Identifies a TaskExecutor (or any other process-like resource) in the cluster. */
export type ResourceID = string & { readonly __brand: 'ResourceID' };
/** Identifies one registration of a TaskExecutor at a ResourceManager. */
export type InstanceID = string & { readonly __brand: 'InstanceID' };
/** Identifies one allocation of a slot, from request to release. */
export type AllocationID = string & { readonly __brand: 'AllocationID' };
/** Identifies a job. */
export type JobID = string & { readonly __brand: 'JobID' };
/** Identifies one execution attempt of a task. */
export type ExecutionAttemptID = string & { readonly __brand: 'ExecutionAttemptID' };
/** A ResourceManager's leader session; the fencing token of its endpoint. Flink wraps a UUID. */
export type ResourceManagerId = string & { readonly __brand: 'ResourceManagerId' };
/** A JobMaster's leader session; the fencing token of its endpoint. Flink wraps a UUID. */
export type JobMasterId = string & { readonly __brand: 'JobMasterId' };
/** A Dispatcher's leader session; the fencing token of its endpoint. Flink wraps a UUID. */
export type DispatcherId = string & { readonly __brand: 'DispatcherId' };

/** Functions of one id type: `generate()` for a fresh random id, `of(text)` to brand a known one. */
export interface IdFactory<I extends string> {
  generate(): I;
  of(text: string): I;
}

function idFactory<I extends string>(name: string): IdFactory<I> {
  return {
    generate: () => generateHex32() as I,
    of(text: string): I {
      if (typeof text !== 'string' || text.length === 0) {
        throw new TypeError(`${name} must be a non-empty string, got ${String(text)}`);
      }
      return text as I;
    },
  };
}

export const ResourceID: IdFactory<ResourceID> = idFactory('ResourceID');
export const InstanceID: IdFactory<InstanceID> = idFactory('InstanceID');
export const AllocationID: IdFactory<AllocationID> = idFactory('AllocationID');
export const JobID: IdFactory<JobID> = idFactory('JobID');
export const ExecutionAttemptID: IdFactory<ExecutionAttemptID> = idFactory('ExecutionAttemptID');
export const ResourceManagerId: IdFactory<ResourceManagerId> = idFactory('ResourceManagerId');
export const JobMasterId: IdFactory<JobMasterId> = idFactory('JobMasterId');
export const DispatcherId: IdFactory<DispatcherId> = idFactory('DispatcherId');
