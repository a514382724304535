// The demo's task: counts the primes in [from, to) by trial division with the
// primes up to √to. Deliberately plain CPU work (no sieve tricks) so that each
// of the demo's ranges keeps a core busy long enough to watch.
//
// A task cannot see its attempt number, so the demo's restart is made
// deterministic with a marker file: the first attempt to find no marker creates
// it and fails; the restarted attempt finds it and does the work.

import { writeFileSync } from 'node:fs';

/** The primes below `limit`, by a plain sieve; small, as `limit` is √to. */
function smallPrimes(limit: number): Int32Array {
  const composite = new Uint8Array(limit + 1);
  const primes: number[] = [];
  for (let n = 2; n <= limit; n++) {
    if (composite[n]) continue;
    primes.push(n);
    for (let m = n * n; m <= limit; m += n) composite[m] = 1;
  }
  return Int32Array.from(primes);
}

function isPrime(n: number, divisors: Int32Array): boolean {
  for (let i = 0; i < divisors.length; i++) {
    const p = divisors[i]!;
    if (p * p > n) return true;
    if (n % p === 0) return false;
  }
  return true;
}

/**
 * The number of primes p with from ≤ p < to. With `failFirstAttempt` (a file
 * path), the call fails if that file does not exist yet, after creating it.
 */
export function countPrimes(from: number, to: number, failFirstAttempt?: string): number {
  if (failFirstAttempt !== undefined) failIfFirstAttempt(failFirstAttempt);
  const divisors = smallPrimes(Math.ceil(Math.sqrt(to)) + 1);
  let count = from <= 2 && to > 2 ? 1 : 0;
  // Even numbers above 2 are never prime: test only the odd ones.
  for (let n = Math.max(3, from | 1); n < to; n += 2) {
    if (isPrime(n, divisors)) count++;
  }
  return count;
}

function failIfFirstAttempt(markerPath: string): void {
  try {
    // 'wx' fails if the file exists: only one attempt can ever create it.
    writeFileSync(markerPath, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  throw new Error(
    'Simulated failure of the first attempt (it left a marker file; the next attempt will run).',
  );
}
