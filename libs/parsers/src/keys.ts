/**
 * Keys that reach an object's prototype when assigned or merged downstream
 * (`__proto__` re-parents a plain object; `constructor.prototype` is the
 * classic merge-pollution path). Keys from untrusted input with these names
 * are dropped.
 */
export function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}
