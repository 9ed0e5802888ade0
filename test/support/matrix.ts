// The backend × dtype matrix every op test runs on, and the forward tolerances per dtype.

import { beforeAll, beforeEach, describe } from 'vitest';
import * as wg from '../../src/index.js';

export const BACKENDS = ['wasm', 'js'] as const;
export const DTYPES = ['float32', 'float64'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type DType = (typeof DTYPES)[number];
export type Tensor = ReturnType<typeof wg.tensor>;

export interface Tol {
  rtol?: number;
  atol?: number;
}

/** Tolerances for comparing a forward result with a float64 reference on inputs of that dtype. */
export const FWD_TOL: Record<DType, Required<Tol>> = {
  float32: { rtol: 2e-5, atol: 5e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
};

export interface Config {
  backend: BackendName;
  dtype: DType;
  tol: Required<Tol>;
}

/** Loads the library once per file. */
export function useInit(): void {
  beforeAll(async () => {
    await wg.init();
  });
}

/**
 * Runs `body` once per backend × dtype inside a describe block named `${name} [backend/dtype]`.
 * The library is initialised in beforeAll and the backend selected in beforeEach, so tensors
 * made inside `it` callbacks belong to that backend.
 */
export function forEachConfig(name: string, body: (cfg: Config) => void,
  backends: readonly BackendName[] = BACKENDS, dtypes: readonly DType[] = DTYPES): void {
  const rows = backends.flatMap((backend) => dtypes.map((dtype) => ({ backend, dtype })));
  describe.each(rows)(`${name} [$backend/$dtype]`, ({ backend, dtype }) => {
    beforeAll(async () => {
      await wg.init();
    });
    beforeEach(() => {
      wg.setBackend(backend);
    });
    body({ backend, dtype, tol: FWD_TOL[dtype] });
  });
}

/** Runs `body` once per backend (float64 tests, gradient checks). */
export function forEachBackend(name: string, body: (backend: BackendName) => void): void {
  describe.each(BACKENDS.map((backend) => ({ backend })))(`${name} [$backend]`, ({ backend }) => {
    beforeAll(async () => {
      await wg.init();
    });
    beforeEach(() => {
      wg.setBackend(backend);
    });
    body(backend);
  });
}
