// Normalisation of the js backend (the reference of assembly/norm.ts): x is [N, C, S]; batch norm
// takes statistics per channel over N·S values, group norm per (n, g) over a contiguous block of
// cpg·S values (layer norm: G = 1, S = 1). Two-pass statistics in doubles; the backward is
// dx = invstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·gamma.

import type { Storage } from '../backend.js';
import { arr, type FArray } from './storage.js';

const one = (g: FArray | null, c: number): number => (g === null ? 1 : g[c]);
const zero = (b: FArray | null, c: number): number => (b === null ? 0 : b[c]);
const opt = (s: Storage | null): FArray | null => (s === null ? null : arr(s));

export function batchNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
  N: number, C: number, S: number, eps: number): void {
  const Y = arr(y), X = arr(x), Mn = arr(mean), Is = arr(invstd), Gm = opt(gamma), Bt = opt(beta);
  const count = N * S;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, e = i + S; i < e; i++) s += X[i];
    const m = s / count;
    let q = 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, e = i + S; i < e; i++) q += (X[i] - m) ** 2;
    const is = 1 / Math.sqrt(q / count + eps);
    Mn[c] = m;
    Is[c] = is;
    const a = is * one(Gm, c), b = zero(Bt, c);
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, e = i + S; i < e; i++) Y[i] = (X[i] - m) * a + b;
  }
}

export function batchNormGrad(dx: Storage | null, dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage,
  mean: Storage, invstd: Storage, gamma: Storage | null, N: number, C: number, S: number): void {
  const DX = opt(dx), DG = opt(dgamma), DB = opt(dbeta), DY = arr(dy), X = arr(x), Mn = arr(mean), Is = arr(invstd), Gm = opt(gamma);
  const count = N * S;
  for (let c = 0; c < C; c++) {
    const m = Mn[c], is = Is[c];
    let sdy = 0, sdyh = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) { sdy += DY[i]; sdyh += DY[i] * (X[i] - m) * is; }
    }
    if (DG !== null) DG[c] = sdyh;
    if (DB !== null) DB[c] = sdy;
    if (DX === null) continue;
    const a = is * one(Gm, c), mdy = sdy / count, mdyh = sdyh / count;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) DX[i] = a * (DY[i] - mdy - (X[i] - m) * is * mdyh);
    }
  }
}

export function groupNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
  N: number, G: number, cpg: number, S: number, eps: number): void {
  const Y = arr(y), X = arr(x), Mn = arr(mean), Is = arr(invstd), Gm = opt(gamma), Bt = opt(beta);
  const M = cpg * S;
  for (let u = 0; u < N * G; u++) {
    const off = u * M, c0 = (u % G) * cpg;
    let s = 0;
    for (let i = 0; i < M; i++) s += X[off + i];
    const m = s / M;
    let q = 0;
    for (let i = 0; i < M; i++) q += (X[off + i] - m) ** 2;
    const is = 1 / Math.sqrt(q / M + eps);
    Mn[u] = m;
    Is[u] = is;
    for (let i = 0; i < M; i++) {
      const c = c0 + Math.floor(i / S);
      Y[off + i] = (X[off + i] - m) * is * one(Gm, c) + zero(Bt, c);
    }
  }
}

export function groupNormGrad(dx: Storage, dy: Storage, x: Storage, mean: Storage, invstd: Storage, gamma: Storage | null,
  N: number, G: number, cpg: number, S: number): void {
  const DX = arr(dx), DY = arr(dy), X = arr(x), Mn = arr(mean), Is = arr(invstd), Gm = opt(gamma);
  const M = cpg * S;
  for (let u = 0; u < N * G; u++) {
    const off = u * M, c0 = (u % G) * cpg, m = Mn[u], is = Is[u];
    let sg = 0, sgh = 0;
    for (let i = 0; i < M; i++) {
      const g = DY[off + i] * one(Gm, c0 + Math.floor(i / S));
      sg += g;
      sgh += g * (X[off + i] - m) * is;
    }
    const mg = sg / M, mgh = sgh / M;
    for (let i = 0; i < M; i++) {
      const g = DY[off + i] * one(Gm, c0 + Math.floor(i / S));
      DX[off + i] = is * (g - mg - (X[off + i] - m) * is * mgh);
    }
  }
}

export function normAffineGrad(dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage,
  invstd: Storage, N: number, G: number, cpg: number, S: number): void {
  const DG = opt(dgamma), DB = opt(dbeta), DY = arr(dy), X = arr(x), Mn = arr(mean), Is = arr(invstd);
  const C = G * cpg;
  const sg = new Float64Array(C), sb = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const u = n * G + Math.floor(c / cpg), m = Mn[u], is = Is[u];
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) { sb[c] += DY[i]; sg[c] += DY[i] * (X[i] - m) * is; }
    }
  }
  if (DG !== null) DG.set(sg);
  if (DB !== null) DB.set(sb);
}
