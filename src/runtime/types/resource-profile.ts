// The resources of a slot or a TaskExecutor, mirroring Flink's ResourceProfile
// (cpu, task heap, task off-heap, managed and network memory; extended resources
// are left out). Plain data with pure functions, so profiles clone across threads.

export interface ResourceProfile {
  /** CPU cores; 1.0 is one full core. */
  readonly cpuCores: number;
  readonly taskHeapMemoryMB: number;
  readonly taskOffHeapMemoryMB: number;
  readonly managedMemoryMB: number;
  readonly networkMemoryMB: number;
}

type Fields = { -readonly [K in keyof ResourceProfile]: ResourceProfile[K] };
const kFields: readonly (keyof ResourceProfile)[] = [
  'cpuCores',
  'taskHeapMemoryMB',
  'taskOffHeapMemoryMB',
  'managedMemoryMB',
  'networkMemoryMB',
];

// Flink keeps cpu cores in a BigDecimal; rounding to 1e-8 keeps 1.0 - 0.7 equal to 0.3.
const kCpuScale = 1e8;
function roundCpu(cores: number): number {
  return Math.round(cores * kCpuScale) / kCpuScale;
}

function build(f: (key: keyof ResourceProfile) => number): ResourceProfile {
  const out = {} as Fields;
  for (const key of kFields) out[key] = key === 'cpuCores' ? roundCpu(f(key)) : f(key);
  return Object.freeze(out);
}

/** Negative everywhere: a requirement whose size is not specified (Flink's UNKNOWN). */
const UNKNOWN: ResourceProfile = Object.freeze({
  cpuCores: -1,
  taskHeapMemoryMB: -1,
  taskOffHeapMemoryMB: -1,
  managedMemoryMB: -1,
  networkMemoryMB: -1,
});
/** Infinite resources that match any requirement; for tests, as in Flink. */
const ANY: ResourceProfile = build(() => Infinity);
const ZERO: ResourceProfile = build(() => 0);

function equals(a: ResourceProfile, b: ResourceProfile): boolean {
  return kFields.every((key) => a[key] === b[key]);
}

function isUnknown(p: ResourceProfile): boolean {
  return equals(p, UNKNOWN);
}

export const ResourceProfile = {
  UNKNOWN,
  ANY,
  ZERO,

  /** A profile from the given fields; missing fields are zero. */
  of(fields: Partial<ResourceProfile>): ResourceProfile {
    return build((key) => {
      const value = fields[key] ?? 0;
      if (!(value >= 0)) throw new RangeError(`${key} must be zero or greater, got ${value}`);
      return value;
    });
  },

  equals,
  isUnknown,

  /** Whether a slot of profile `p` can serve `required`: only an equal profile, UNKNOWN, or anything if `p` is ANY. */
  isMatching(p: ResourceProfile, required: ResourceProfile): boolean {
    if (isUnknown(p)) throw new TypeError('Cannot match against an UNKNOWN resource profile.');
    return equals(p, ANY) || equals(p, required) || isUnknown(required);
  },

  /** Whether every field of `p` is at least the same field of `other`. */
  allFieldsNoLessThan(p: ResourceProfile, other: ResourceProfile): boolean {
    if (equals(p, ANY) || equals(p, other)) return true;
    if (isUnknown(p)) return false;
    if (isUnknown(other)) return true;
    return kFields.every((key) => p[key] >= other[key]);
  },

  /** The sum of two profiles (Flink's merge). ANY wins over UNKNOWN, which wins over numbers. */
  add(a: ResourceProfile, b: ResourceProfile): ResourceProfile {
    if (equals(a, ANY) || equals(b, ANY)) return ANY;
    if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
    return build((key) => a[key] + b[key]);
  },

  /** `a` minus `b`; throws if some field of `b` is larger than in `a`. */
  subtract(a: ResourceProfile, b: ResourceProfile): ResourceProfile {
    if (equals(a, ANY) || equals(b, ANY)) return ANY;
    if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
    if (!ResourceProfile.allFieldsNoLessThan(a, b)) {
      throw new RangeError(
        `Try to subtract an unmatched resource profile from this one: ${describe(a)} - ${describe(b)}`,
      );
    }
    return build((key) => a[key] - b[key]);
  },

  multiply(p: ResourceProfile, multiplier: number): ResourceProfile {
    if (!Number.isInteger(multiplier) || multiplier < 0) {
      throw new RangeError(`multiplier must be a non-negative integer, got ${multiplier}`);
    }
    if (equals(p, ANY)) return ANY;
    if (isUnknown(p)) return UNKNOWN;
    if (multiplier === 0) return ZERO;
    return build((key) => p[key] * multiplier);
  },

  toString: describe,
};

function describe(p: ResourceProfile): string {
  if (isUnknown(p)) return 'ResourceProfile{UNKNOWN}';
  if (equals(p, ANY)) return 'ResourceProfile{ANY}';
  return `ResourceProfile{${kFields.map((key) => `${key}=${p[key]}`).join(', ')}}`;
}

/**
 * The profile of one static slot: the total divided evenly, memory rounded down to
 * whole megabytes. Mirrors TaskExecutorResourceUtils.generateDefaultSlotResourceProfile.
 */
export function generateDefaultSlotResourceProfile(
  total: ResourceProfile,
  numberOfSlots: number,
): ResourceProfile {
  if (!Number.isInteger(numberOfSlots) || numberOfSlots <= 0) {
    throw new RangeError(`The number of slots must be a positive integer, got ${numberOfSlots}`);
  }
  if (isUnknown(total) || equals(total, ANY)) return total;
  return build((key) =>
    key === 'cpuCores' ? total[key] / numberOfSlots : Math.floor(total[key] / numberOfSlots),
  );
}
