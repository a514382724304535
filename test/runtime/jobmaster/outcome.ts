// How a promise has settled once everything under way has run, without waiting
// for it: tests use it to show that a result is (not) left pending.

import { drain } from '../../support/eventually.js';

export interface Outcome<T> {
  readonly state: 'pending' | 'fulfilled' | 'rejected';
  readonly value?: T;
  readonly error?: Error;
}

export async function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  let outcome: Outcome<T> = { state: 'pending' };
  promise.then(
    (value) => (outcome = { state: 'fulfilled', value }),
    (error: unknown) => (outcome = { state: 'rejected', error: error as Error }),
  );
  await drain();
  return outcome;
}
