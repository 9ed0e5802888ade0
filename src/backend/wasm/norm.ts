// Normalisation of the wasm backend (assembly/norm.ts): one pass of statistics and one of
// normalise+affine per channel (batch norm) or per (n, group) unit (group and layer norm), the
// backward fused the same way. The kernels are memory-bound (a few flops per element read):
// measured on the 2-core machine (under load), a 2-thread split of [64,32,14,14] or
// [2048,512] was no faster than one thread, so they split only from NORM_MIN elements
// (32 × the 'reduce' threshold: 2^20 as shipped, 0 with WASMGRAD_PAR_MIN=0 in the tests).
// normAffineGrad with contiguous channels (layer norm) is not split: column chunks of a row
// read a fraction of each cache line each, measured 10× slower on 2 threads.

import type { Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR } from './thresholds.js';

const ptr = (s: Storage | null): number => (s === null ? 0 : ptrOf(s));
const NORM_MIN = (): number => PAR.reduce * 32;

export function batchNorm(k: Kernels, y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null,
  beta: Storage | null, N: number, C: number, S: number, eps: number): void {
  if (C === 0) return;
  const f64 = isF64(x);
  if (x.size > 0 && k.threads.split(x.size, NORM_MIN()) && C > 1) {
    const per = k.threads.perChunk(C, x.size, PAR.costly >> 2);
    k.threads.dispatch('BatchNorm', f64, Math.ceil(C / per), {
      y: ptrOf(y), mean: ptrOf(mean), invstd: ptrOf(invstd), x: ptrOf(x), gamma: ptr(gamma), beta: ptr(beta), N, C, S, eps, per,
    });
    return;
  }
  (f64 ? k.wasm.batchNorm_f64 : k.wasm.batchNorm_f32)(ptrOf(y), ptrOf(mean), ptrOf(invstd), ptrOf(x), ptr(gamma), ptr(beta),
    N, C, S, eps);
}

export function batchNormGrad(k: Kernels, dx: Storage | null, dgamma: Storage | null, dbeta: Storage | null, dy: Storage,
  x: Storage, mean: Storage, invstd: Storage, gamma: Storage | null, N: number, C: number, S: number): void {
  if (C === 0) return;
  const f64 = isF64(x);
  if (x.size > 0 && k.threads.split(x.size, NORM_MIN()) && C > 1) {
    const per = k.threads.perChunk(C, x.size, PAR.costly >> 2);
    k.threads.dispatch('BatchNormGrad', f64, Math.ceil(C / per), {
      dx: ptr(dx), dgamma: ptr(dgamma), dbeta: ptr(dbeta), dy: ptrOf(dy), x: ptrOf(x), mean: ptrOf(mean), invstd: ptrOf(invstd),
      gamma: ptr(gamma), N, C, S, per,
    });
    return;
  }
  (f64 ? k.wasm.batchNormGrad_f64 : k.wasm.batchNormGrad_f32)(ptr(dx), ptr(dgamma), ptr(dbeta), ptrOf(dy), ptrOf(x),
    ptrOf(mean), ptrOf(invstd), ptr(gamma), N, C, S);
}

export function groupNorm(k: Kernels, y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null,
  beta: Storage | null, N: number, G: number, cpg: number, S: number, eps: number): void {
  const units = N * G;
  if (units === 0) return;
  const f64 = isF64(x);
  if (x.size > 0 && k.threads.split(x.size, NORM_MIN()) && units > 1) {
    const per = k.threads.perChunk(units, x.size, PAR.costly >> 2);
    k.threads.dispatch('GroupNorm', f64, Math.ceil(units / per), {
      y: ptrOf(y), mean: ptrOf(mean), invstd: ptrOf(invstd), x: ptrOf(x), gamma: ptr(gamma), beta: ptr(beta), N, G, cpg, S, eps, per,
    });
    return;
  }
  (f64 ? k.wasm.groupNorm_f64 : k.wasm.groupNorm_f32)(ptrOf(y), ptrOf(mean), ptrOf(invstd), ptrOf(x), ptr(gamma), ptr(beta),
    N, G, cpg, S, eps);
}

export function groupNormGrad(k: Kernels, dx: Storage, dy: Storage, x: Storage, mean: Storage, invstd: Storage,
  gamma: Storage | null, N: number, G: number, cpg: number, S: number): void {
  const units = N * G;
  if (units === 0 || x.size === 0) return;
  const f64 = isF64(x);
  if (k.threads.split(x.size, NORM_MIN()) && units > 1) {
    const per = k.threads.perChunk(units, x.size, PAR.costly >> 2);
    k.threads.dispatch('GroupNormGrad', f64, Math.ceil(units / per), {
      dx: ptrOf(dx), dy: ptrOf(dy), x: ptrOf(x), mean: ptrOf(mean), invstd: ptrOf(invstd), gamma: ptr(gamma), N, G, cpg, S, per,
    });
    return;
  }
  (f64 ? k.wasm.groupNormGrad_f64 : k.wasm.groupNormGrad_f32)(ptrOf(dx), ptrOf(dy), ptrOf(x), ptrOf(mean), ptrOf(invstd),
    ptr(gamma), N, G, cpg, S);
}

export function normAffineGrad(k: Kernels, dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage,
  mean: Storage, invstd: Storage, N: number, G: number, cpg: number, S: number): void {
  const C = G * cpg;
  if (C === 0) return;
  const f64 = isF64(x);
  // Channel chunks of whole vectors (multiples of 16 channels) keep the S == 1 path's SIMD lanes whole.
  if (x.size > 0 && S > 1 && k.threads.split(x.size, NORM_MIN()) && C >= 32) {
    const per = Math.max(16, Math.ceil(k.threads.perChunk(C, x.size, PAR.reduce >> 2) / 16) * 16);
    k.threads.dispatch('NormAffineGrad', f64, Math.ceil(C / per), {
      dgamma: ptr(dgamma), dbeta: ptr(dbeta), dy: ptrOf(dy), x: ptrOf(x), mean: ptrOf(mean), invstd: ptrOf(invstd), N, G, cpg, S, per,
    });
    return;
  }
  (f64 ? k.wasm.normAffineGrad_f64 : k.wasm.normAffineGrad_f32)(ptr(dgamma), ptr(dbeta), ptrOf(dy), ptrOf(x), ptrOf(mean),
    ptrOf(invstd), N, G, cpg, S);
}
