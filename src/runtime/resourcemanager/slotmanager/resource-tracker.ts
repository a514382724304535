// What each job has declared it needs, and how much of that is still missing
// given the slots the job holds or is being given. Mirrors Flink's
// DefaultResourceTracker with JobScopedResourceTracker and DefaultRequirementMatcher:
// declarations replace each other, and every acquired slot counts towards one
// requirement whose profile it matches, specific profiles before UNKNOWN ones.

import type { JobID, JobMasterId } from '../../types/ids.js';
import { ResourceProfile } from '../../types/resource-profile.js';
import type { ResourceRequirement, ResourceRequirements } from '../../types/resource-requirements.js';
import { TaskManagerSlot } from './task-manager-slot.js';

/** A job's current declaration: where its JobMaster is, and the slots it needs. */
export interface JobRequirements {
  readonly targetAddress: string;
  /** The JobMaster's leader session, when the ResourceManager has checked it. */
  readonly jobMasterId: JobMasterId | undefined;
  readonly requirements: readonly ResourceRequirement[];
}

export class ResourceTracker {
  private readonly jobs = new Map<JobID, JobRequirements>();

  /** Replaces the job's declaration; a declaration of zero slots forgets the job. */
  notifyResourceRequirements(declaration: ResourceRequirements): void {
    for (const { numberOfRequiredSlots } of declaration.resourceRequirements) {
      if (!Number.isInteger(numberOfRequiredSlots) || numberOfRequiredSlots < 0) {
        throw new RangeError(
          `The number of required slots must be a whole number ≥ 0, got ${numberOfRequiredSlots}.`,
        );
      }
    }
    const requirements = declaration.resourceRequirements.filter((r) => r.numberOfRequiredSlots > 0);
    if (requirements.length === 0) {
      this.jobs.delete(declaration.jobId);
    } else {
      const { targetAddress, jobMasterId } = declaration;
      this.jobs.set(declaration.jobId, { targetAddress, jobMasterId, requirements });
    }
  }

  /** Forgets the job's declaration; false if it had none. */
  clear(jobId: JobID): boolean {
    return this.jobs.delete(jobId);
  }

  get(jobId: JobID): JobRequirements | undefined {
    return this.jobs.get(jobId);
  }

  /** Jobs with a declaration, in the order they first declared. */
  entries(): IterableIterator<[JobID, JobRequirements]> {
    return this.jobs.entries();
  }

  clearAll(): void {
    this.jobs.clear();
  }
}

/** The requirements not yet covered by `acquired`, the profiles of the slots the job holds or awaits. */
export function missingResources(
  requirements: readonly ResourceRequirement[],
  acquired: readonly ResourceProfile[],
): ResourceRequirement[] {
  // Specific profiles first, so an acquired slot does not use up an UNKNOWN
  // requirement that any slot could have covered.
  const open = [...requirements]
    .sort(
      (a, b) =>
        Number(ResourceProfile.isUnknown(a.resourceProfile)) -
        Number(ResourceProfile.isUnknown(b.resourceProfile)),
    )
    .map((requirement) => ({ requirement, remaining: requirement.numberOfRequiredSlots }));
  for (const profile of acquired) {
    const covered = open.find(
      (entry) => entry.remaining > 0 && TaskManagerSlot.matches(profile, entry.requirement.resourceProfile),
    );
    if (covered) covered.remaining--;
  }
  return open
    .filter((entry) => entry.remaining > 0)
    .map((entry) => ({
      resourceProfile: entry.requirement.resourceProfile,
      numberOfRequiredSlots: entry.remaining,
    }));
}

/** The number of slots in `requirements`. */
export function totalSlots(requirements: readonly ResourceRequirement[]): number {
  let total = 0;
  for (const r of requirements) total += r.numberOfRequiredSlots;
  return total;
}
