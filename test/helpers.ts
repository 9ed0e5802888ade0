// Shared test helpers, one file per concern under test/support/ (and the op catalog under
// test/catalog/); this file re-exports them so tests import from one place.
//   support/matrix.ts     the backend × dtype matrix, forward tolerances
//   support/random.ts     seeded random data, nesting flat data
//   support/compare.ts    expectClose and small assertion helpers
//   support/errors.ts     expectError, expectOpError: a WasmgradError with the expected message, nothing leaked
//   support/reference.ts  a plain-JS float64 reference of the ops (NumPy semantics)
//   catalog/              the op catalog and the gradient-check cases derived from it

export * from './support/matrix.js';
export * from './support/random.js';
export * from './support/compare.js';
export * from './support/reference.js';
export type { OpCase, OpEntry, PropCase } from './catalog/ops.js';
export { OP_CATALOG } from './catalog/ops.js';
export { OP_CASES, caseData, caseInputs } from './catalog/cases.js';
export type { Domain, Sampling } from './catalog/domains.js';
