// Normalisation kernels (batchNorm, groupNorm, layerNorm) and their fused backward, with their
// thread-task chunks. Pointers are byte addresses; counts in elements; a gamma/beta/dgamma/dbeta
// pointer of 0 means "absent" (no affine: gamma 1, beta 0; that gradient is not wanted).
//
// x is viewed as [N, C, S]. Batch norm: statistics per channel c over its N runs of S elements.
// Group norm: C = G * cpg, statistics per (n, g) over one contiguous block of cpg * S elements;
// layer norm is group norm with G = 1, cpg = the normalised size, S = 1. gamma/beta are per
// channel. mean and invstd (1 / sqrt(biased var + eps)) are written per statistics unit and read
// back by the backward:
//   dx = invstd · (g − mean(g) − x̂ · mean(g · x̂)),  g = dy · gamma,  x̂ = (x − mean) · invstd,
// written per contiguous run as dx = A · dy + B · x + K (A = invstd · gamma, B and K per unit).
// Statistics are two-pass (mean, then squared deviations) with vector accumulators.

import { BatchNormSlot, BatchNormGradSlot, GroupNormSlot, GroupNormGradSlot, NormAffineGradSlot } from './opcodes';
import { arg, argF64, argi, argp, range, rangeHi } from './task';
import { elemShift, hsum } from './simd';

// ---- contiguous runs -------------------------------------------------------------------------

/** Σ p[0..n). */
@inline function runSum<T>(p: usize, n: i32): T {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  let acc = v128.splat<T>(0);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) acc = v128.add<T>(acc, v128.load(p + i));
  let s = hsum<T>(acc);
  for (; i < end; i += sizeof<T>()) s += load<T>(p + i);
  return s;
}

/** Σ (p[i] − m)². */
@inline function runSqDev<T>(p: usize, n: i32, m: T): T {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  const mv = v128.splat<T>(m);
  let acc = v128.splat<T>(0);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const d = v128.sub<T>(v128.load(p + i), mv);
    acc = v128.add<T>(acc, v128.mul<T>(d, d));
  }
  let s = hsum<T>(acc);
  for (; i < end; i += sizeof<T>()) { const d = load<T>(p + i) - m; s += d * d; }
  return s;
}

/**
 * out[i] = (x[i] − m) · a + b. The mean is subtracted first: folding it into b (x·a + (b − m·a))
 * cancels catastrophically when |m|·a is large (a size-1 group: m = x, a = 1/√eps).
 */
@inline function runAffine<T>(out: usize, x: usize, n: i32, m: T, a: T, b: T): void {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  const mv = v128.splat<T>(m), av = v128.splat<T>(a), bv = v128.splat<T>(b);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(out + i, v128.add<T>(v128.mul<T>(v128.sub<T>(v128.load(x + i), mv), av), bv));
  for (; i < end; i += sizeof<T>()) store<T>(out + i, (load<T>(x + i) - m) * a + b);
}

/** out[i] = (x[i] − m) · s · gamma[i] + beta[i] (per-element affine: layer norm). */
@inline function runAffineG<T>(out: usize, x: usize, gamma: usize, beta: usize, n: i32, m: T, s: T): void {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  const mv = v128.splat<T>(m), sv = v128.splat<T>(s);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const h = v128.mul<T>(v128.sub<T>(v128.load(x + i), mv), sv);
    let y = v128.mul<T>(h, v128.load(gamma + i));
    if (beta != 0) y = v128.add<T>(y, v128.load(beta + i));
    v128.store(out + i, y);
  }
  for (; i < end; i += sizeof<T>()) {
    let y = (load<T>(x + i) - m) * s * load<T>(gamma + i);
    if (beta != 0) y += load<T>(beta + i);
    store<T>(out + i, y);
  }
}

/** The second sum of the last sum2 call. */
let sumB: f64 = 0;

/** Σ g[i] (returned) and Σ g[i] · (x[i] − m) (in sumB), g = dy · gamma[i] (gamma 0: g = dy). */
@inline function runSum2<T>(dy: usize, x: usize, gamma: usize, n: i32, m: T): T {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  const mv = v128.splat<T>(m);
  let a0 = v128.splat<T>(0), a1 = a0;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    let g = v128.load(dy + i);
    if (gamma != 0) g = v128.mul<T>(g, v128.load(gamma + i));
    a0 = v128.add<T>(a0, g);
    a1 = v128.add<T>(a1, v128.mul<T>(g, v128.sub<T>(v128.load(x + i), mv)));
  }
  let s0 = hsum<T>(a0), s1 = hsum<T>(a1);
  for (; i < end; i += sizeof<T>()) {
    let g = load<T>(dy + i);
    if (gamma != 0) g *= load<T>(gamma + i);
    s0 += g;
    s1 += g * (load<T>(x + i) - m);
  }
  sumB = <f64>s1;
  return s0;
}

/** out[i] = A · gamma[i] · dy[i] + B · x[i] + K (gamma 0: gamma = 1). */
@inline function runLin2<T>(out: usize, dy: usize, x: usize, gamma: usize, n: i32, a: T, b: T, k: T): void {
  const end = <usize>n << elemShift<T>(), vecEnd = end & ~15;
  const av = v128.splat<T>(a), bv = v128.splat<T>(b), kv = v128.splat<T>(k);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    let g = v128.load(dy + i);
    if (gamma != 0) g = v128.mul<T>(g, v128.load(gamma + i));
    v128.store(out + i, v128.add<T>(v128.add<T>(v128.mul<T>(g, av), v128.mul<T>(v128.load(x + i), bv)), kv));
  }
  for (; i < end; i += sizeof<T>()) {
    let g = load<T>(dy + i);
    if (gamma != 0) g *= load<T>(gamma + i);
    store<T>(out + i, g * a + load<T>(x + i) * b + k);
  }
}

@inline function ld<T>(p: usize, i: i32, dflt: T): T {
  return p == 0 ? dflt : load<T>(p + (<usize>i << elemShift<T>()));
}

// ---- batch norm: per channel over N runs of S ---------------------------------------------------

@inline function batchNormChannels<T>(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  N: i32, C: i32, S: i32, eps: T, c0: i32, c1: i32): void {
  const sh = elemShift<T>();
  const runBytes = <usize>S << sh, stride = <usize>C * runBytes;
  const count = <T>N * <T>S;
  for (let c = c0; c < c1; c++) {
    const base = <usize>c * runBytes;
    let s: T = 0;
    for (let n = 0; n < N; n++) s += runSum<T>(x + base + <usize>n * stride, S);
    const m = s / count;
    let q: T = 0;
    for (let n = 0; n < N; n++) q += runSqDev<T>(x + base + <usize>n * stride, S, m);
    const is = <T>1 / sqrt<T>(q / count + eps);
    store<T>(mean + (<usize>c << sh), m);
    store<T>(invstd + (<usize>c << sh), is);
    const a = is * ld<T>(gamma, c, 1);
    const b = ld<T>(beta, c, 0);
    for (let n = 0; n < N; n++) runAffine<T>(y + base + <usize>n * stride, x + base + <usize>n * stride, S, m, a, b);
  }
}

@inline function batchNormGradChannels<T>(dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize,
  invstd: usize, gamma: usize, N: i32, C: i32, S: i32, c0: i32, c1: i32): void {
  const sh = elemShift<T>();
  const runBytes = <usize>S << sh, stride = <usize>C * runBytes;
  const count = <T>N * <T>S;
  for (let c = c0; c < c1; c++) {
    const base = <usize>c * runBytes;
    const m = load<T>(mean + (<usize>c << sh)), is = load<T>(invstd + (<usize>c << sh));
    let sdy: T = 0, sdyx: T = 0;
    for (let n = 0; n < N; n++) {
      const off = base + <usize>n * stride;
      sdy += runSum2<T>(dy + off, x + off, 0, S, m);
      sdyx += <T>sumB;
    }
    // Σ dy·x̂ = is · Σ dy·(x − m)
    if (dgamma != 0) store<T>(dgamma + (<usize>c << sh), sdyx * is);
    if (dbeta != 0) store<T>(dbeta + (<usize>c << sh), sdy);
    if (dx == 0) continue;
    const a = is * ld<T>(gamma, c, 1);
    const b = -a * is * is * sdyx / count;
    const k = -a * sdy / count - b * m;
    for (let n = 0; n < N; n++) {
      const off = base + <usize>n * stride;
      runLin2<T>(dx + off, dy + off, x + off, 0, S, a, b, k);
    }
  }
}

/** batchNorm_f32(y, mean [C], invstd [C], x [N, C, S], gamma [C] or 0, beta [C] or 0, N, C, S, eps). */
export function batchNorm_f32(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  N: i32, C: i32, S: i32, eps: f64): void {
  batchNormChannels<f32>(y, mean, invstd, x, gamma, beta, N, C, S, <f32>eps, 0, C);
}
/** batchNorm_f64: as batchNorm_f32 with f64 elements. */
export function batchNorm_f64(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  N: i32, C: i32, S: i32, eps: f64): void {
  batchNormChannels<f64>(y, mean, invstd, x, gamma, beta, N, C, S, eps, 0, C);
}
/** batchNormGrad_f32(dx or 0, dgamma [C] or 0, dbeta [C] or 0, dy, x, mean, invstd, gamma or 0, N, C, S). */
export function batchNormGrad_f32(dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invstd: usize,
  gamma: usize, N: i32, C: i32, S: i32): void {
  batchNormGradChannels<f32>(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S, 0, C);
}
/** batchNormGrad_f64: as batchNormGrad_f32 with f64 elements. */
export function batchNormGrad_f64(dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invstd: usize,
  gamma: usize, N: i32, C: i32, S: i32): void {
  batchNormGradChannels<f64>(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S, 0, C);
}

// ---- group norm (and layer norm): per (n, g) over a contiguous block of cpg * S -----------------

@inline function groupNormUnits<T>(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  G: i32, cpg: i32, S: i32, eps: T, u0: i32, u1: i32): void {
  const sh = elemShift<T>();
  const M = cpg * S;
  const blockBytes = <usize>M << sh;
  for (let u = u0; u < u1; u++) {
    const off = <usize>u * blockBytes;
    const m = runSum<T>(x + off, M) / <T>M;
    const is = <T>1 / sqrt<T>(runSqDev<T>(x + off, M, m) / <T>M + eps);
    store<T>(mean + (<usize>u << sh), m);
    store<T>(invstd + (<usize>u << sh), is);
    const c0 = (u % G) * cpg;
    if (S == 1 && gamma != 0) {
      runAffineG<T>(y + off, x + off, gamma + (<usize>c0 << sh), beta == 0 ? <usize>0 : beta + (<usize>c0 << sh), cpg, m, is);
    } else if (gamma == 0 && beta == 0) {
      runAffine<T>(y + off, x + off, M, m, is, 0);
    } else {
      for (let j = 0; j < cpg; j++) {
        const a = is * ld<T>(gamma, c0 + j, 1);
        const run = off + (<usize>(j * S) << sh);
        runAffine<T>(y + run, x + run, S, m, a, ld<T>(beta, c0 + j, 0));
      }
    }
  }
}

@inline function groupNormGradUnits<T>(dx: usize, dy: usize, x: usize, mean: usize, invstd: usize, gamma: usize,
  G: i32, cpg: i32, S: i32, u0: i32, u1: i32): void {
  const sh = elemShift<T>();
  const M = cpg * S;
  const blockBytes = <usize>M << sh;
  for (let u = u0; u < u1; u++) {
    const off = <usize>u * blockBytes;
    const m = load<T>(mean + (<usize>u << sh)), is = load<T>(invstd + (<usize>u << sh));
    const c0 = (u % G) * cpg;
    const perElement = S == 1 || gamma == 0; // gamma along the block (or none): one run
    const g: usize = gamma == 0 ? 0 : gamma + (<usize>c0 << sh);
    let sg: T = 0, sgx: T = 0;
    if (perElement) {
      sg = runSum2<T>(dy + off, x + off, g, M, m);
      sgx = <T>sumB;
    } else {
      for (let j = 0; j < cpg; j++) {
        const run = off + (<usize>(j * S) << sh);
        const gj = load<T>(g + (<usize>j << sh));
        sg += gj * runSum2<T>(dy + run, x + run, 0, S, m);
        sgx += gj * <T>sumB;
      }
    }
    const b = -is * is * is * sgx / <T>M;
    const k = -is * sg / <T>M - b * m;
    if (perElement) {
      runLin2<T>(dx + off, dy + off, x + off, g, M, is, b, k);
    } else {
      for (let j = 0; j < cpg; j++) {
        const run = off + (<usize>(j * S) << sh);
        runLin2<T>(dx + run, dy + run, x + run, 0, S, is * load<T>(g + (<usize>j << sh)), b, k);
      }
    }
  }
}

/**
 * dgamma[c] = Σ dy · x̂ and dbeta[c] = Σ dy over n and s, for channels [c0, c1) (either pointer
 * may be 0). With S == 1 (layer norm) the channels of one row are contiguous: vector over c.
 */
@inline function normAffineGradChannels<T>(dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invstd: usize,
  N: i32, G: i32, cpg: i32, S: i32, c0: i32, c1: i32): void {
  const sh = elemShift<T>();
  const C = G * cpg;
  for (let c = c0; c < c1; c++) {
    if (dgamma != 0) store<T>(dgamma + (<usize>c << sh), 0);
    if (dbeta != 0) store<T>(dbeta + (<usize>c << sh), 0);
  }
  if (S == 1 && G == 1) {
    const lo = <usize>c0 << sh, hi = <usize>c1 << sh;
    const vecHi = lo + ((hi - lo) & ~15);
    for (let n = 0; n < N; n++) {
      const row = <usize>n * <usize>C << sh;
      const m = load<T>(mean + (<usize>n << sh)), is = load<T>(invstd + (<usize>n << sh));
      const mv = v128.splat<T>(m), sv = v128.splat<T>(is);
      let i = lo;
      for (; i < vecHi; i += 16) {
        const d = v128.load(dy + row + i);
        if (dgamma != 0) {
          const h = v128.mul<T>(v128.sub<T>(v128.load(x + row + i), mv), sv);
          v128.store(dgamma + i, v128.add<T>(v128.load(dgamma + i), v128.mul<T>(d, h)));
        }
        if (dbeta != 0) v128.store(dbeta + i, v128.add<T>(v128.load(dbeta + i), d));
      }
      for (; i < hi; i += sizeof<T>()) {
        const d = load<T>(dy + row + i);
        if (dgamma != 0) store<T>(dgamma + i, load<T>(dgamma + i) + d * (load<T>(x + row + i) - m) * is);
        if (dbeta != 0) store<T>(dbeta + i, load<T>(dbeta + i) + d);
      }
    }
    return;
  }
  const runBytes = <usize>S << sh;
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const u = n * G + c / cpg;
      const m = load<T>(mean + (<usize>u << sh)), is = load<T>(invstd + (<usize>u << sh));
      const off = (<usize>n * <usize>C + <usize>c) * runBytes;
      const sd = runSum2<T>(dy + off, x + off, 0, S, m);
      if (dgamma != 0) store<T>(dgamma + (<usize>c << sh), load<T>(dgamma + (<usize>c << sh)) + <T>sumB * is);
      if (dbeta != 0) store<T>(dbeta + (<usize>c << sh), load<T>(dbeta + (<usize>c << sh)) + sd);
    }
  }
}

/** groupNorm_f32(y, mean [N*G], invstd [N*G], x [N, G*cpg, S], gamma [G*cpg] or 0, beta or 0, N, G, cpg, S, eps). */
export function groupNorm_f32(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  N: i32, G: i32, cpg: i32, S: i32, eps: f64): void {
  groupNormUnits<f32>(y, mean, invstd, x, gamma, beta, G, cpg, S, <f32>eps, 0, N * G);
}
/** groupNorm_f64: as groupNorm_f32 with f64 elements. */
export function groupNorm_f64(y: usize, mean: usize, invstd: usize, x: usize, gamma: usize, beta: usize,
  N: i32, G: i32, cpg: i32, S: i32, eps: f64): void {
  groupNormUnits<f64>(y, mean, invstd, x, gamma, beta, G, cpg, S, eps, 0, N * G);
}
/** groupNormGrad_f32(dx, dy, x, mean, invstd, gamma or 0, N, G, cpg, S): dx only (normAffineGrad gives dgamma, dbeta). */
export function groupNormGrad_f32(dx: usize, dy: usize, x: usize, mean: usize, invstd: usize, gamma: usize,
  N: i32, G: i32, cpg: i32, S: i32): void {
  groupNormGradUnits<f32>(dx, dy, x, mean, invstd, gamma, G, cpg, S, 0, N * G);
}
/** groupNormGrad_f64: as groupNormGrad_f32 with f64 elements. */
export function groupNormGrad_f64(dx: usize, dy: usize, x: usize, mean: usize, invstd: usize, gamma: usize,
  N: i32, G: i32, cpg: i32, S: i32): void {
  groupNormGradUnits<f64>(dx, dy, x, mean, invstd, gamma, G, cpg, S, 0, N * G);
}
/** normAffineGrad_f32(dgamma [C] or 0, dbeta [C] or 0, dy, x, mean, invstd, N, G, cpg, S) for group/layer norm. */
export function normAffineGrad_f32(dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invstd: usize,
  N: i32, G: i32, cpg: i32, S: i32): void {
  normAffineGradChannels<f32>(dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S, 0, G * cpg);
}
/** normAffineGrad_f64: as normAffineGrad_f32 with f64 elements. */
export function normAffineGrad_f64(dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invstd: usize,
  N: i32, G: i32, cpg: i32, S: i32): void {
  normAffineGradChannels<f64>(dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S, 0, G * cpg);
}

// ---- thread-task chunks: `per` channels (batch norm, affine grad) or units (group norm) each ----

export function batchNormChunk(args: usize, idx: i32): void {
  const C = argi(args, BatchNormSlot.C);
  const c0 = <i32>range(idx, <usize>C, argp(args, BatchNormSlot.Per)), c1 = <i32>rangeHi;
  const y = argp(args, BatchNormSlot.Y), mean = argp(args, BatchNormSlot.Mean), invstd = argp(args, BatchNormSlot.Invstd);
  const x = argp(args, BatchNormSlot.X), gamma = argp(args, BatchNormSlot.Gamma), beta = argp(args, BatchNormSlot.Beta);
  const N = argi(args, BatchNormSlot.N), S = argi(args, BatchNormSlot.S), eps = arg(args, BatchNormSlot.Eps);
  if (argF64(args)) batchNormChannels<f64>(y, mean, invstd, x, gamma, beta, N, C, S, eps, c0, c1);
  else batchNormChannels<f32>(y, mean, invstd, x, gamma, beta, N, C, S, <f32>eps, c0, c1);
}

export function batchNormGradChunk(args: usize, idx: i32): void {
  const C = argi(args, BatchNormGradSlot.C);
  const c0 = <i32>range(idx, <usize>C, argp(args, BatchNormGradSlot.Per)), c1 = <i32>rangeHi;
  const dx = argp(args, BatchNormGradSlot.Dx), dgamma = argp(args, BatchNormGradSlot.Dgamma), dbeta = argp(args, BatchNormGradSlot.Dbeta);
  const dy = argp(args, BatchNormGradSlot.Dy), x = argp(args, BatchNormGradSlot.X);
  const mean = argp(args, BatchNormGradSlot.Mean), invstd = argp(args, BatchNormGradSlot.Invstd), gamma = argp(args, BatchNormGradSlot.Gamma);
  const N = argi(args, BatchNormGradSlot.N), S = argi(args, BatchNormGradSlot.S);
  if (argF64(args)) batchNormGradChannels<f64>(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S, c0, c1);
  else batchNormGradChannels<f32>(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S, c0, c1);
}

export function groupNormChunk(args: usize, idx: i32): void {
  const G = argi(args, GroupNormSlot.G);
  const units = argi(args, GroupNormSlot.N) * G;
  const u0 = <i32>range(idx, <usize>units, argp(args, GroupNormSlot.Per)), u1 = <i32>rangeHi;
  const y = argp(args, GroupNormSlot.Y), mean = argp(args, GroupNormSlot.Mean), invstd = argp(args, GroupNormSlot.Invstd);
  const x = argp(args, GroupNormSlot.X), gamma = argp(args, GroupNormSlot.Gamma), beta = argp(args, GroupNormSlot.Beta);
  const cpg = argi(args, GroupNormSlot.Cpg), S = argi(args, GroupNormSlot.S), eps = arg(args, GroupNormSlot.Eps);
  if (argF64(args)) groupNormUnits<f64>(y, mean, invstd, x, gamma, beta, G, cpg, S, eps, u0, u1);
  else groupNormUnits<f32>(y, mean, invstd, x, gamma, beta, G, cpg, S, <f32>eps, u0, u1);
}

export function groupNormGradChunk(args: usize, idx: i32): void {
  const G = argi(args, GroupNormGradSlot.G);
  const units = argi(args, GroupNormGradSlot.N) * G;
  const u0 = <i32>range(idx, <usize>units, argp(args, GroupNormGradSlot.Per)), u1 = <i32>rangeHi;
  const dx = argp(args, GroupNormGradSlot.Dx), dy = argp(args, GroupNormGradSlot.Dy), x = argp(args, GroupNormGradSlot.X);
  const mean = argp(args, GroupNormGradSlot.Mean), invstd = argp(args, GroupNormGradSlot.Invstd), gamma = argp(args, GroupNormGradSlot.Gamma);
  const cpg = argi(args, GroupNormGradSlot.Cpg), S = argi(args, GroupNormGradSlot.S);
  if (argF64(args)) groupNormGradUnits<f64>(dx, dy, x, mean, invstd, gamma, G, cpg, S, u0, u1);
  else groupNormGradUnits<f32>(dx, dy, x, mean, invstd, gamma, G, cpg, S, u0, u1);
}

export function normAffineGradChunk(args: usize, idx: i32): void {
  const G = argi(args, NormAffineGradSlot.G), cpg = argi(args, NormAffineGradSlot.Cpg);
  const c0 = <i32>range(idx, <usize>(G * cpg), argp(args, NormAffineGradSlot.Per)), c1 = <i32>rangeHi;
  const dgamma = argp(args, NormAffineGradSlot.Dgamma), dbeta = argp(args, NormAffineGradSlot.Dbeta);
  const dy = argp(args, NormAffineGradSlot.Dy), x = argp(args, NormAffineGradSlot.X);
  const mean = argp(args, NormAffineGradSlot.Mean), invstd = argp(args, NormAffineGradSlot.Invstd);
  const N = argi(args, NormAffineGradSlot.N), S = argi(args, NormAffineGradSlot.S);
  if (argF64(args)) normAffineGradChannels<f64>(dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S, c0, c1);
  else normAffineGradChannels<f32>(dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S, c0, c1);
}
