// Puts method bodies on Tensor.prototype as class methods are: writable, configurable, not
// enumerable (defineProperty leaves a new property non-enumerable unless told otherwise).

import { Tensor } from '../tensor.js';

/** Installs each function of `methods` as a Tensor method of the same name. */
export function installMethods(methods: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true });
  }
}
