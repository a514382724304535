// `instanceof` for error classes that must hold across copies of a module and
// after an error has crossed a thread, as undici does: the base class carries a
// Symbol.for brand, and a subclass matches by prototype or, for another copy of
// the module, by class name along the prototype chain.

type ErrorClass = abstract new (...args: never[]) => Error;

export function hasBrandedInstance(
  ctor: ErrorClass,
  base: ErrorClass,
  brand: symbol,
  value: unknown,
): boolean {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  if (ctor === base) return true;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (proto === ctor.prototype || proto.constructor?.name === ctor.name) return true;
  }
  return false;
}
