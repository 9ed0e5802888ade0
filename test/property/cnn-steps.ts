// Program steps for the CNN and transformer ops (issues 13, 14): conv1d/conv2d/convTranspose1d/
// convTranspose2d (stride, padding incl. 'same'/'valid', dilation, groups, outputPadding, bias or
// none, batched or not), maxPool2d/avgPool2d (kernel, stride, padding, dilation, ceilMode,
// countIncludePad), adaptiveAvgPool2d, batchNorm (training and eval, running stats given or not),
// groupNorm, layerNorm, embedding (paddingIdx), scaledDotProductAttention (causal / boolean /
// additive masks, L ≠ S, broadcast batch dims, scale) and dropout (p = 0 or eval: the identity).
// Each step draws its geometry, the output shape and a sound interval. Conditioning: the inputs of
// maxPool and of the normalisations get a constant permuted ramp whose step exceeds their spread,
// so windows have no near-ties and groups no near-zero variance (float32 and float64 agree).
// The tf.js mapping is in cnn-tf.ts.

import * as wg from '../../src/index.js';
import { pooledSize } from '../../src/ops/pool_args.js';
import type { Builder, Shape, Tensor } from './programs.js';
import { broadcast, sizeOf } from '../catalog/shapes.js';

type Opt = number | null;
/** A mask of attention: causal (isCausal), boolean (int32, nonzero = attend) or additive (float). */
export type AttnMask = { kind: 'causal' } | { kind: 'bool' | 'add'; data: Float64Array; shape: Shape };

export type CnnInstr =
  | { k: 'conv'; dims: 1 | 2; transpose: boolean; x: number; w: number; bias: Opt; unbatched: boolean;
    /** the options as passed to wasmgrad; the numeric geometry (2-D, [h, w]) below */
    opts: Record<string, unknown>; stride: number[]; pad: [number, number][]; dilation: number[]; groups: number; outPad: number[] }
  | { k: 'pool'; kind: 'max' | 'avg'; a: number; kernel: number[]; karg: number | number[]; stride: number[]; pad: number[]; dilation: number[];
    ceilMode: boolean; countIncludePad: boolean; opts: Record<string, unknown> }
  | { k: 'adaptivePool'; a: number; out: (number | null)[] }
  | { k: 'batchNorm'; a: number; stats: [Float64Array, Float64Array] | null; w: Opt; bias: Opt; training: boolean; eps: number }
  | { k: 'groupNorm'; a: number; groups: number; w: Opt; bias: Opt; eps: number }
  | { k: 'layerNorm'; a: number; nshape: number[]; asNumber: boolean; w: Opt; bias: Opt; eps: number }
  | { k: 'embedding'; w: number; indices: number[]; ishape: Shape; paddingIdx: number | null }
  | { k: 'attention'; q: number; key: number; v: number; mask: AttnMask | null; scale: number | undefined }
  | { k: 'dropout'; a: number; p: number; training: boolean };

export const CNN_KINDS: readonly string[] = ['conv', 'pool', 'adaptivePool', 'batchNorm', 'groupNorm', 'layerNorm', 'embedding', 'attention', 'dropout'];
export const CNN_STEP_COUNT = 9;

const present = (xs: Opt[]) => xs.filter((x): x is number => x !== null);

/** The nodes an instruction reads, in the order the engines receive them (optional ones left out). */
export function cnnOperands(ins: CnnInstr): number[] {
  switch (ins.k) {
    case 'conv': return present([ins.x, ins.w, ins.bias]);
    case 'batchNorm': case 'groupNorm': case 'layerNorm': return present([ins.a, ins.w, ins.bias]);
    case 'embedding': return [ins.w];
    case 'attention': return [ins.q, ins.key, ins.v];
    default: return [ins.a];
  }
}

export function fmtCnn(ins: CnnInstr, n: (x: number) => string): string {
  const o = (x: Opt) => (x === null ? 'null' : n(x));
  switch (ins.k) {
    case 'conv': return `conv${ins.transpose ? 'Transpose' : ''}${ins.dims}d(${n(ins.x)}, ${n(ins.w)}, ${o(ins.bias)}, ${JSON.stringify(ins.opts)})`;
    case 'pool': return `${ins.kind}Pool2d(${n(ins.a)}, ${JSON.stringify(ins.karg)}, ${JSON.stringify(ins.opts)})`;
    case 'adaptivePool': return `adaptiveAvgPool2d(${n(ins.a)}, ${JSON.stringify(ins.out)})`;
    case 'batchNorm': return `batchNorm(${n(ins.a)}, ${ins.stats ? `mean ${JSON.stringify(Array.from(ins.stats[0]))}, var ${JSON.stringify(Array.from(ins.stats[1]))}` : 'null, null'}, ${o(ins.w)}, ${o(ins.bias)}, { training: ${ins.training}, eps: ${ins.eps} })`;
    case 'groupNorm': return `groupNorm(${n(ins.a)}, ${ins.groups}, ${o(ins.w)}, ${o(ins.bias)}, ${ins.eps})`;
    case 'layerNorm': return `layerNorm(${n(ins.a)}, ${ins.asNumber ? ins.nshape[0] : `[${ins.nshape}]`}, ${o(ins.w)}, ${o(ins.bias)}, ${ins.eps})`;
    case 'embedding': return `embedding(int32 [${ins.ishape}] ${JSON.stringify(ins.indices)}, ${n(ins.w)}, { paddingIdx: ${ins.paddingIdx} })`;
    case 'attention': {
      const m = ins.mask === null ? '' : ins.mask.kind === 'causal' ? ', isCausal: true' : `, attnMask: ${ins.mask.kind} [${ins.mask.shape}] ${JSON.stringify(Array.from(ins.mask.data))}`;
      return `scaledDotProductAttention(${n(ins.q)}, ${n(ins.key)}, ${n(ins.v)}, { scale: ${ins.scale}${m} })`;
    }
    case 'dropout': return `dropout(${n(ins.a)}, ${ins.p}, ${ins.training})`;
  }
}

export function cnnKey(ins: CnnInstr): string {
  switch (ins.k) {
    case 'conv': return `conv${ins.transpose ? 'Transpose' : ''}${ins.dims}d${ins.groups > 1 ? '(groups)' : ''}`;
    case 'pool': return `${ins.kind}Pool2d`;
    case 'adaptivePool': return 'adaptiveAvgPool2d';
    case 'batchNorm': return `batchNorm(${ins.training ? 'training' : 'eval'})`;
    case 'attention': return `scaledDotProductAttention(${ins.mask?.kind ?? 'no mask'})`;
    default: return ins.k;
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

/** A random shape of `rank` dims with `size` elements (size 0: the leading (batch) dim is 0). */
function shapeOfSize(b: Builder, size: number, rank: number): Shape {
  const shape: Shape = new Array(rank).fill(1);
  if (size === 0) return shape.map((_, i) => (i === 0 ? 0 : b.int(1, 3)));
  let n = size;
  for (let p = 2; n > 1; p++) while (n % p === 0) { shape[b.int(0, rank - 1)] *= p; n /= p; }
  return shape;
}

/** Node a (or a reshape of it) with one of the ranks; a size-0 node gets its 0 in the leading dim. */
function asRank(b: Builder, a: number, ranks: number[], batchedRanks = ranks): number {
  const S = b.info[a].shape;
  const empty = sizeOf(S) === 0;
  if (!empty && ranks.includes(S.length) && b.chance(0.6)) return a;
  if (empty && batchedRanks.includes(S.length) && S[0] === 0 && !S.slice(1).includes(0)) return a;
  return b.reshape(a, shapeOfSize(b, sizeOf(S), b.pick(empty ? batchedRanks : ranks)));
}

/** Node a plus a constant random permutation of 0, step, 2·step, … with step > a's spread. */
function spread(b: Builder, a: number): number {
  const S = b.info[a].shape, n = sizeOf(S);
  if (n <= 1) return a;
  const x = b.limit(a, 2, 2);
  const step = Math.ceil(b.info[x].hi - b.info[x].lo + 1);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = b.int(0, i); [perm[i], perm[j]] = [perm[j], perm[i]]; }
  const c = b.push({ k: 'const', data: Float64Array.from(perm, (p) => step * p), shape: S.slice() }, S, 0, step * (n - 1));
  return b.limit(b.bin('add', x, c));
}

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** Optional affine parameters of `shape` (new inputs), each present with probability 0.6. */
function affine(b: Builder, shape: Shape): { w: Opt; bias: Opt; m: number; add: number } {
  const w = b.chance(0.6) ? b.input(shape) : null;
  const bias = b.chance(0.6) ? b.input(shape) : null;
  return { w, bias, m: w === null ? 1 : b.bound(w), add: bias === null ? 0 : b.bound(bias) };
}

// ---- the steps ---------------------------------------------------------------------------------------

/** Applies the i-th CNN/transformer step to node a; falls back to a unary op where it does not apply. */
export function cnnStep(b: Builder, i: number, a: number): number {
  switch (i) {
    case 0: return conv(b, a);
    case 1: return pool(b, a);
    case 2: { // adaptiveAvgPool2d: [C, H, W] or [N, C, H, W], output sizes up to the input's (or null: kept)
      const x = asRank(b, a, [3, 4], [4]);
      const S = b.info[x].shape, [H, W] = S.slice(-2);
      if (H === 0 || W === 0) return b.un('tanh', a);
      const pickOut = (n: number) => (b.chance(0.2) ? null : b.int(1, Math.min(n + 1, 4)));
      const out = [pickOut(H), pickOut(W)];
      const shape = [...S.slice(0, -2), out[0] ?? H, out[1] ?? W];
      return b.push({ k: 'adaptivePool', a: x, out }, shape, b.info[x].lo, b.info[x].hi);
    }
    case 3: { // batchNorm on [N, C], [N, C, L] or [N, C, H, W]
      let x = asRank(b, a, [2, 3, 4]);
      const S = b.info[x].shape, C = S[1];
      const per = sizeOf(S) / Math.max(C, 1);
      const training = sizeOf(S) > 0 && per > 1 && b.chance(0.6);
      const stats: [Float64Array, Float64Array] | null = !training || b.chance(0.5)
        ? [Float64Array.from({ length: C }, () => Math.fround(2 * b.r() - 1)), Float64Array.from({ length: C }, () => Math.fround(0.5 + 1.5 * b.r()))]
        : null;
      const eps = b.pick([1e-5, 1e-3]);
      if (training) x = spread(b, x);
      const { w, bias, m, add } = affine(b, [C]);
      const top = training ? Math.sqrt(per) : (b.bound(x) + 1) / Math.sqrt(0.5);
      return b.limit(b.push({ k: 'batchNorm', a: x, stats, w, bias, training, eps }, S, -top * m - add, top * m + add));
    }
    case 4: { // groupNorm on [N, C, *] with C divisible by the group count
      let x = asRank(b, a, [2, 3, 4]);
      const S = b.info[x].shape, C = S[1];
      if (C === 0) return b.un('tanh', a);
      const groups = b.pick(divisors(C));
      x = spread(b, x);
      const { w, bias, m, add } = affine(b, [C]);
      const top = Math.sqrt((C / groups) * sizeOf(S.slice(2)));
      return b.limit(b.push({ k: 'groupNorm', a: x, groups, w, bias, eps: b.pick([1e-5, 1e-3]) }, S, -top * m - add, top * m + add));
    }
    case 5: { // layerNorm over the trailing 1..rank dims
      let x = b.info[a].shape.length === 0 ? b.reshape(a, [1]) : a;
      const S = b.info[x].shape;
      const k = b.int(1, S.length);
      const nshape = S.slice(S.length - k);
      x = spread(b, x);
      const { w, bias, m, add } = affine(b, nshape);
      const top = Math.sqrt(Math.max(1, sizeOf(nshape)));
      return b.limit(b.push({ k: 'layerNorm', a: x, nshape, asNumber: k === 1 && b.chance(0.5), w, bias, eps: b.pick([1e-5, 1e-3]) },
        S, -top * m - add, top * m + add));
    }
    case 6: { // embedding: node a as the table [V, D] (or a new one), random indices (size 0 included)
      const S = b.info[a].shape;
      const w = S.length === 2 && sizeOf(S) > 0 ? a : b.input([b.int(1, 4), b.int(1, 3)]);
      const [V, D] = b.info[w].shape;
      const ishape = Array.from({ length: b.int(0, 2) }, () => b.int(0, 3));
      const indices = Array.from({ length: sizeOf(ishape) }, () => b.int(0, V - 1));
      const paddingIdx = b.chance(0.5) ? null : b.int(-V, V - 1);
      return b.push({ k: 'embedding', w, indices, ishape, paddingIdx }, [...ishape, D], b.info[w].lo, b.info[w].hi);
    }
    case 7: return attention(b, a);
    case 8: { // dropout that is the identity: p = 0 (training or not), or eval with p > 0
      const p = b.pick([0, 0, 0.25, 0.5]);
      return b.push({ k: 'dropout', a, p, training: p === 0 ? b.chance(0.5) : false }, b.info[a].shape, b.info[a].lo, b.info[a].hi);
    }
  }
  throw new Error(`no cnn step ${i}`);
}

function conv(b: Builder, a: number): number {
  const dims = b.chance(0.5) ? 1 : 2;
  const transpose = b.chance(0.35);
  const x = asRank(b, a, [dims + 1, dims + 2], [dims + 2]);
  const S = b.info[x].shape;
  const unbatched = S.length === dims + 1;
  const C = S[unbatched ? 0 : 1];
  const sizes = S.slice(-dims);
  const H = dims === 1 ? 1 : sizes[0], W = sizes[dims - 1];
  if (C === 0 || H === 0 || W === 0) return b.un('tanh', a);
  const groups = b.pick(divisors(C).filter((g) => g <= 3));
  const perGroupOut = b.int(1, 2), O = groups * perGroupOut;
  const pick2 = (f: () => number) => (dims === 1 ? [1, f()] : [f(), f()]);
  const stride = pick2(() => b.pick([1, 1, 2, 3]));
  const dilation = pick2(() => b.pick([1, 1, 2]));
  const kernel = [1, 1];
  const pad: [number, number][] = [[0, 0], [0, 0]];
  const outPad = [0, 0];
  const out = [0, 0];
  const scalarOr = (v: number[]) => (dims === 1 ? (b.chance(0.5) ? v[1] : [v[1]]) : v[0] === v[1] && b.chance(0.5) ? v[0] : v);
  const opts: Record<string, unknown> = {};
  const mode = transpose ? 'explicit' : b.pick(['explicit', 'explicit', 'same', 'valid'] as const);
  if (mode === 'same') stride.fill(1);
  for (let j = 2 - dims; j < 2; j++) {
    const n = j === 0 ? H : W, s = stride[j], d = dilation[j];
    if (transpose) {
      const k = b.int(1, 3);
      const op = b.int(0, Math.max(s, d) - 1);
      const full = (n - 1) * s + d * (k - 1) + op + 1;
      const p = b.int(0, Math.min(2, Math.floor((full - 1) / 2)));
      kernel[j] = k; outPad[j] = op; pad[j] = [p, p]; out[j] = full - 2 * p;
    } else {
      const p = mode === 'explicit' ? b.int(0, 2) : 0;
      const room = n + 2 * p; // d·(k-1) + 1 <= room
      const k = b.int(1, Math.max(1, Math.min(3, Math.floor((room - 1) / d) + 1)));
      kernel[j] = k;
      if (mode === 'same') {
        const total = d * (k - 1);
        pad[j] = [Math.floor(total / 2), total - Math.floor(total / 2)];
        out[j] = n;
      } else {
        pad[j] = [p, p];
        out[j] = Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
      }
    }
  }
  const padArg = mode === 'explicit' ? scalarOr(pad.map((q) => q[0])) : mode;
  if (mode !== 'explicit' || pad.some((q) => q[0] !== 0) || b.chance(0.5)) opts.padding = padArg;
  if (stride.some((s) => s !== 1) || b.chance(0.3)) opts.stride = scalarOr(stride);
  if (dilation.some((d) => d !== 1) || b.chance(0.3)) opts.dilation = scalarOr(dilation);
  if (groups > 1 || b.chance(0.3)) opts.groups = groups;
  if (transpose && (outPad.some((p) => p !== 0) || b.chance(0.3))) opts.outputPadding = scalarOr(outPad);
  const k2 = dims === 1 ? [kernel[1]] : kernel;
  const wShape = transpose ? [C, perGroupOut, ...k2] : [O, C / groups, ...k2];
  const lead = unbatched ? [] : [S[0]];
  const yShape = [...lead, O, ...(dims === 1 ? [out[1]] : out)];
  if (sizeOf(yShape) > 2 * b.maxSize || sizeOf(wShape) > 2 * b.maxSize) return b.un('tanh', a);
  const xl = b.limit(x, 2, 2);
  const w = b.input(wShape);
  const bias = b.chance(0.6) ? b.input([O]) : null;
  const m = (C / groups) * kernel[0] * kernel[1] * b.bound(xl) * b.bound(w) + (bias === null ? 0 : b.bound(bias));
  return b.limit(b.push({ k: 'conv', dims, transpose, x: xl, w, bias, unbatched, opts, stride, pad, dilation, groups, outPad }, yShape, -m, m));
}

function pool(b: Builder, a: number): number {
  const kind = b.chance(0.5) ? 'max' : 'avg';
  let x = asRank(b, a, [3, 4], [4]);
  const S = b.info[x].shape, [H, W] = S.slice(-2);
  if (H === 0 || W === 0) return b.un('tanh', a);
  const kernel = [0, 0], stride = [0, 0], pad = [0, 0], dilation = [1, 1];
  const ceilMode = b.chance(0.3);
  const explicitStride = b.chance(0.6);
  const out: number[] = [];
  for (const [j, n] of [H, W].entries()) {
    if (kind === 'max') dilation[j] = b.pick([1, 1, 2]);
    const d = dilation[j];
    const k = b.int(1, Math.max(1, Math.min(3, Math.floor((n + 1 - 1) / d) + 1)));
    const p = b.int(0, Math.floor(k / 2));
    if ((d * (k - 1) + 1) > n + 2 * p) { kernel[j] = 1; pad[j] = 0; } else { kernel[j] = k; pad[j] = p; }
    stride[j] = explicitStride ? b.int(1, 3) : kernel[j];
    out.push(pooledSize(n, kernel[j], stride[j], pad[j], d, ceilMode));
  }
  const countIncludePad = kind === 'avg' ? b.chance(0.6) : true;
  const pair = (v: number[]) => (v[0] === v[1] && b.chance(0.5) ? v[0] : v);
  const opts: Record<string, unknown> = {};
  if (explicitStride) opts.stride = pair(stride); else if (b.chance(0.2)) opts.stride = null;
  if (pad.some((p) => p !== 0) || b.chance(0.3)) opts.padding = pair(pad);
  if (dilation.some((d) => d !== 1)) opts.dilation = pair(dilation);
  if (ceilMode) opts.ceilMode = true;
  if (kind === 'avg' && (!countIncludePad || b.chance(0.3))) opts.countIncludePad = countIncludePad;
  if (kind === 'max') x = spread(b, x); // no near-ties within a window
  const { lo, hi } = b.info[x];
  const iv: [number, number] = kind === 'avg' && pad.some((p) => p > 0) ? [Math.min(lo, 0), Math.max(hi, 0)] : [lo, hi];
  return b.push({ k: 'pool', kind, a: x, kernel, karg: pair(kernel), stride, pad, dilation, ceilMode, countIncludePad, opts },
    [...S.slice(0, -2), ...out], iv[0], iv[1]);
}

function attention(b: Builder, a: number): number {
  let q = asRank(b, a, [2, 3, 4], [3, 4]);
  const QS = b.info[q].shape;
  const L = QS[QS.length - 2], E = QS[QS.length - 1];
  const qb = QS.slice(0, -2);
  // batch dims of k and v that broadcast with q's (and each other's)
  const batchOf = (base: Shape) => {
    let s = base.length > 0 ? b.partnerShape(base) : (b.chance(0.3) ? [b.int(1, 2)] : []);
    if (s.length > 2) s = s.slice(s.length - 2);
    const o = broadcast(base, s);
    return o === null || o.length > 2 ? base.slice() : s;
  };
  const S = b.int(1, 4), Ev = b.int(1, 3);
  const kb = batchOf(qb), vb = batchOf(broadcast(qb, kb)!);
  const full = broadcast(broadcast(qb, kb)!, vb)!;
  const outShape = [...full, L, Ev];
  if (sizeOf(outShape) > 2 * b.maxSize || sizeOf([...full, L, S]) > 2 * b.maxSize) return b.un('tanh', a);
  q = b.limit(q, 2, 2);
  const key = b.input([...kb, S, E]);
  const v = b.input([...vb, S, Ev]);
  const u = b.r();
  let mask: AttnMask | null = null;
  if (u < 0.25) mask = { kind: 'causal' };
  else if (u < 0.75) {
    const kind = u < 0.5 ? 'bool' : 'add';
    const mb = b.chance(0.5) ? [] : b.chance(0.5) ? full.slice() : full.map((d) => (b.chance(0.5) ? 1 : d));
    const shape = [...mb, L, S];
    const rows = sizeOf(shape) / Math.max(S, 1);
    const data = new Float64Array(sizeOf(shape));
    for (let r = 0; r < rows; r++) {
      if (kind === 'bool') {
        for (let j = 0; j < S; j++) data[r * S + j] = b.chance(0.6) ? 1 : 0;
        data[r * S + b.int(0, S - 1)] = 1; // every query attends to some key (else NaN, as in PyTorch)
      } else for (let j = 0; j < S; j++) data[r * S + j] = Math.fround(b.pick([0, -0.5, -1.5, 1]));
    }
    mask = { kind, data, shape };
  }
  const scale = b.chance(0.7) ? undefined : b.pick([0.5, 1, 0.25]);
  const { lo, hi } = b.info[v];
  return b.push({ k: 'attention', q, key, v, mask, scale }, outShape, lo, hi);
}

// ---- wasmgrad's evaluation ---------------------------------------------------------------------------

/** wasmgrad's evaluation of a step here (the programs' WgEngine), given cnnOperands(ins). */
export function wgCnn(ins: CnnInstr, xs: Tensor[]): Tensor {
  const [a] = xs;
  const dtype = a.dtype as 'float32' | 'float64';
  const affineArgs = (): [Tensor | null, Tensor | null] => {
    let j = 1;
    const w = 'w' in ins && ins.w !== null ? xs[j++] : null;
    const bias = 'bias' in ins && ins.bias !== null ? xs[j++] : null;
    return [w, bias];
  };
  switch (ins.k) {
    case 'conv': {
      const f = ins.transpose ? (ins.dims === 1 ? wg.convTranspose1d : wg.convTranspose2d) : (ins.dims === 1 ? wg.conv1d : wg.conv2d);
      return (f as (...args: unknown[]) => Tensor)(xs[0], xs[1], ins.bias === null ? null : xs[2], ins.opts);
    }
    case 'pool': return ins.kind === 'max' ? wg.maxPool2d(a, ins.karg as never, ins.opts) : wg.avgPool2d(a, ins.karg as never, ins.opts);
    case 'adaptivePool': return wg.adaptiveAvgPool2d(a, ins.out as [number | null, number | null]);
    case 'batchNorm': {
      const [w, bias] = affineArgs();
      const mean = ins.stats ? wg.tensor(ins.stats[0], { dtype }) : null;
      const vari = ins.stats ? wg.tensor(ins.stats[1], { dtype }) : null;
      return wg.batchNorm(a, mean, vari, w, bias, { training: ins.training, eps: ins.eps });
    }
    case 'groupNorm': { const [w, bias] = affineArgs(); return wg.groupNorm(a, ins.groups, w, bias, ins.eps); }
    case 'layerNorm': { const [w, bias] = affineArgs(); return wg.layerNorm(a, ins.asNumber ? ins.nshape[0] : ins.nshape, w, bias, ins.eps); }
    case 'embedding': {
      const idx = wg.tensor(Int32Array.from(ins.indices), { dtype: 'int32', shape: ins.ishape });
      return wg.embedding(idx, a, ins.paddingIdx === null ? {} : { paddingIdx: ins.paddingIdx });
    }
    case 'attention': {
      const opts: Record<string, unknown> = {};
      if (ins.scale !== undefined) opts.scale = ins.scale;
      if (ins.mask?.kind === 'causal') opts.isCausal = true;
      else if (ins.mask) {
        opts.attnMask = ins.mask.kind === 'bool'
          ? wg.tensor(Int32Array.from(ins.mask.data), { dtype: 'int32', shape: ins.mask.shape })
          : wg.tensor(ins.mask.data, { dtype, shape: ins.mask.shape });
      }
      return wg.scaledDotProductAttention(xs[0], xs[1], xs[2], opts);
    }
    case 'dropout': return wg.dropout(a, ins.p, ins.training);
  }
}
