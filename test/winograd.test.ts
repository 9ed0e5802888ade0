// The float32 Winograd convolutions F(2x2, 3x3) and F(4x4, 3x3) of the wasm backend
// (assembly/winograd.ts, winograd4.ts; chosen by convUsesWinograd and winogradTile in
// src/backend/wasm/conv.ts), forward and input gradient (a convolution of dy with the rotated
// filter), against the js backend's direct loops in float64 on the same float32 inputs: geometries that take the path (padding 0/1/2, odd and even
// sizes, images smaller than a tile, channel counts off the 4/8 blocking, more than one K slice
// or output-channel block), on the baseline build and on the threaded build with 1 and 2
// threads; the same bits on 1 and 2 threads; and which geometries the selector sends there.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConvGeom, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { WasmBackend, parThresholds, type ParThresholds } from '../src/backend/wasm/index.js';
import { closeBuilds, openBuilds } from './support/builds.js';
import { convUsesWinograd, inputGradientAsConv, winogradTile } from '../src/backend/wasm/conv.js';
import { makeRng } from './helpers.js';

interface Shape { N: number; C: number; H: number; W: number; O: number; pad: number; extra?: number; groups?: number }

function geom(s: Shape): ConvGeom {
  const OH = s.H + 2 * s.pad + (s.extra ?? 0) - 2, OW = s.W + 2 * s.pad + (s.extra ?? 0) - 2;
  return {
    N: s.N, C: s.C, H: s.H, W: s.W, O: s.O, KH: 3, KW: 3, OH, OW,
    strideH: 1, strideW: 1, padH: s.pad, padW: s.pad, dilationH: 1, dilationW: 1, groups: s.groups ?? 1,
  };
}
const label = (s: Shape): string =>
  `x[${s.N},${s.C},${s.H},${s.W}] w[${s.O},${s.C / (s.groups ?? 1)},3,3] pad ${s.pad}${s.extra ? `+${s.extra}` : ''} groups ${s.groups ?? 1}`;

const SHAPES: Shape[] = [
  { N: 1, C: 8, H: 6, W: 6, O: 8, pad: 0 },
  { N: 2, C: 9, H: 7, W: 5, O: 13, pad: 1 },
  { N: 3, C: 16, H: 14, W: 14, O: 32, pad: 1 },
  { N: 1, C: 11, H: 5, W: 9, O: 10, pad: 2 },
  { N: 2, C: 12, H: 3, W: 3, O: 9, pad: 0 },
  { N: 1, C: 8, H: 1, W: 2, O: 8, pad: 1 },
  { N: 2, C: 10, H: 2, W: 1, O: 12, pad: 2 },
  { N: 1, C: 8, H: 31, W: 33, O: 8, pad: 1 },
  { N: 2, C: 8, H: 9, W: 10, O: 70, pad: 1 },
  { N: 1, C: 260, H: 6, W: 5, O: 9, pad: 1 },
  { N: 2, C: 8, H: 6, W: 7, O: 8, pad: 1, extra: 1 },
  { N: 1, C: 64, H: 20, W: 20, O: 64, pad: 1 },
  { N: 3, C: 4, H: 9, W: 8, O: 1, pad: 1 },
  { N: 2, C: 5, H: 4, W: 6, O: 3, pad: 0 },
  { N: 2, C: 16, H: 7, W: 9, O: 12, pad: 1, groups: 2 },
  { N: 1, C: 15, H: 6, W: 5, O: 21, pad: 2, groups: 3 },
  { N: 1, C: 8, H: 4, W: 5, O: 8, pad: 3 },
];

const rng = makeRng(20261203);
function inputs(g: ConvGeom): Data {
  const make = (n: number): number[] => Array.from({ length: n }, () => Math.fround(rng() * 2 - 1));
  return { x: make(g.N * g.C * g.H * g.W), w: make(g.O * (g.C / g.groups) * 9), dy: make(g.N * g.O * g.OH * g.OW) };
}

type Be = WasmBackend | typeof jsBackend;
type Data = { x: number[]; w: number[]; dy: number[] };

/** y = conv2d(x, w) on backend be (NaN-filled output first, so every element must be written). */
function forward(be: Be, g: ConvGeom, dtype: 'float32' | 'float64', d: Data): Float32Array | Float64Array {
  return run(be, dtype, g.N * g.O * g.OH * g.OW, d.x, d.w, (y, x, w) => be.conv2d(y, x, w, g));
}
/** dx = conv2dBackwardInput(dy, w) on backend be. */
function inputGrad(be: Be, g: ConvGeom, dtype: 'float32' | 'float64', d: Data): Float32Array | Float64Array {
  return run(be, dtype, g.N * g.C * g.H * g.W, d.dy, d.w, (dx, dy, w) => be.conv2dBackwardInput(dx, dy, w, g));
}
function run(be: Be, dtype: 'float32' | 'float64', outSize: number, a: number[], b: number[],
  op: (out: Storage, a: Storage, b: Storage) => void): Float32Array | Float64Array {
  const out = be.alloc(dtype, outSize), sa = be.alloc(dtype, a.length), sb = be.alloc(dtype, b.length);
  be.write(sa, a);
  be.write(sb, b);
  be.fill(out, NaN);
  op(out, sa, sb);
  const result = be.read(out).slice() as Float32Array | Float64Array;
  for (const s of [out, sa, sb]) be.free(s);
  return result;
}

/** Largest |got - want| over the largest |want| (at least 1). */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1, worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) worst = e;
  }
  return worst / scale;
}

// Largest error over the largest output, measured (README conv notes) over random data: F(2x2)
// ≤ 4e-7 (the GEMM path's ≤ 6e-7), F(4x4) ≤ 3.3e-6. A wrong tap or transform entry gives ≈ 1e-1.
const TOL = { 2: 2e-6, 4: 1e-5 } as const;
const TILES = [2, 4] as const;
const forceTile = (m: 2 | 4 | undefined): void => {
  if (m === undefined) delete process.env.WASMGRAD_WINOGRAD_TILE;
  else process.env.WASMGRAD_WINOGRAD_TILE = String(m);
};

let baseline: WasmBackend;
let threaded: WasmBackend;
let shipped: ParThresholds;
beforeAll(async () => { ({ baseline, threaded, shipped } = await openBuilds()); }, 30_000);
afterAll(() => closeBuilds({ threaded, shipped }));

describe('convUsesWinograd picks the float32 3x3 stride-1 convolutions with enough channels', () => {
  const base = geom({ N: 2, C: 16, H: 14, W: 14, O: 32, pad: 1 });
  afterEach(() => { delete process.env.WASMGRAD_CONV; });
  it('takes float32 3x3, stride 1, dilation 1, one group, C >= 4, any padding and output channels', () => {
    expect(convUsesWinograd(base, false)).toBe(true);
    expect(convUsesWinograd({ ...base, padH: 0, padW: 2 }, false)).toBe(true);
    expect(convUsesWinograd({ ...base, C: 4, O: 1 }, false)).toBe(true);
  });
  it('leaves float64 on the GEMM path', () => { expect(convUsesWinograd(base, true)).toBe(false); });
  it('leaves other kernels, strides and dilations on the GEMM path', () => {
    expect(convUsesWinograd({ ...base, KH: 5, KW: 5 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, KW: 1 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, strideH: 2 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, dilationW: 2 }, false)).toBe(false);
  });
  it('takes grouped convolutions with >= 4 input channels per group, group by group', () => {
    expect(convUsesWinograd({ ...base, groups: 4 }, false)).toBe(true);
    expect(convUsesWinograd({ ...base, groups: 8 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, groups: 16 }, false)).toBe(false);
  });
  it('leaves filters whose transform would pass 64 MiB ((m + 2)²·O·C > 2^24 floats) on the GEMM path', () => {
    const small = geom({ N: 1, C: 16, H: 7, W: 7, O: 16, pad: 1 });  // F(2x2): 16·O·C
    expect(convUsesWinograd({ ...small, C: 1024, O: 1024 }, false)).toBe(true);
    expect(convUsesWinograd({ ...small, C: 1024, O: 1025 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, C: 512, O: 512 }, false)).toBe(true);  // F(4x4): 36·O·C
    expect(convUsesWinograd({ ...base, C: 512, O: 1024 }, false)).toBe(false);
  });
  it('leaves fewer than 3 input channels on the GEMM path, and 3 where F(2x2) would run', () => {
    expect(convUsesWinograd({ ...base, C: 3 }, false)).toBe(true);
    expect(convUsesWinograd({ ...base, C: 2 }, false)).toBe(false);
    expect(convUsesWinograd({ ...base, C: 1 }, false)).toBe(false);
    const small = geom({ N: 2, C: 16, H: 7, W: 7, O: 32, pad: 1 });
    expect(winogradTile(small)).toBe(2);
    expect(convUsesWinograd({ ...small, C: 4 }, false)).toBe(true);
    expect(convUsesWinograd({ ...small, C: 3 }, false)).toBe(false);
  });
  it('is switched off by WASMGRAD_CONV=gemm', () => {
    process.env.WASMGRAD_CONV = 'gemm';
    expect(convUsesWinograd(base, false)).toBe(false);
  });
  it('takes few channels under WASMGRAD_CONV=winograd, but never another geometry', () => {
    process.env.WASMGRAD_CONV = 'winograd';
    expect(convUsesWinograd({ ...base, C: 1 }, false)).toBe(true);
    expect(convUsesWinograd({ ...base, strideW: 2 }, false)).toBe(false);
    expect(convUsesWinograd(base, true)).toBe(false);
  });
});

describe('winogradTile picks F(4x4, 3x3) where it saves multiplies after the tile padding', () => {
  const at = (OH: number, OW: number): number => winogradTile({ ...geom({ N: 1, C: 16, H: OH, W: OW, O: 16, pad: 1 }) });
  afterEach(() => { forceTile(undefined); });
  it('takes F(4x4) at 14x14, 16x16, 28x28, 56x56 and wide images', () => {
    for (const n of [14, 16, 28, 56, 224]) expect(at(n, n), `${n}`).toBe(4);
    expect(at(3, 100)).toBe(4);
  });
  it('keeps F(2x2) for small images, where 4x4 tiles padded to 4 per row waste the savings', () => {
    for (const n of [1, 2, 4, 7, 8]) expect(at(n, n), `${n}`).toBe(2);
  });
  it('is forced by WASMGRAD_WINOGRAD_TILE', () => {
    forceTile(2);
    expect(at(56, 56)).toBe(2);
    forceTile(4);
    expect(at(7, 7)).toBe(4);
  });
});

interface Variant { name: string; backend: () => WasmBackend; threads: number; splitAll: boolean; tile: 2 | 4 }
const VARIANTS: Variant[] = TILES.flatMap((tile) => [
  { name: `F(${tile}x${tile}), baseline build`, backend: () => baseline, threads: 1, splitAll: false, tile },
  { name: `F(${tile}x${tile}), threads build, 1 thread`, backend: () => threaded, threads: 1, splitAll: false, tile },
  { name: `F(${tile}x${tile}), threads build, 2 threads, every call split`, backend: () => threaded, threads: 2, splitAll: true, tile },
]);

describe.each(VARIANTS)('Winograd conv2d ($name)', (v) => {
  const tol = TOL[v.tile];
  beforeAll(() => {
    v.backend().setThreads(v.threads);
    parThresholds(v.splitAll ? { matmul: 0 } : shipped);
    forceTile(v.tile);
  });
  afterAll(() => { parThresholds(shipped); forceTile(undefined); });

  it.each(SHAPES.map((s) => [label(s), s] as const))('matches the float64 reference: %s', (_name, s) => {
    const g = geom(s);
    expect(convUsesWinograd(g, false)).toBe(true);
    const d = inputs(g);
    const be = v.backend();
    const before = be.liveAllocations();
    const got = forward(be, g, 'float32', d);
    const want = forward(jsBackend, g, 'float64', d);
    expect(got.length).toBe(want.length);
    expect(relError(got, want), label(s)).toBeLessThanOrEqual(tol);
    expect(be.liveAllocations()).toEqual(before);
  });

  it.each(SHAPES.map((s) => [label(s), s] as const))('input gradient matches the float64 reference: %s', (_name, s) => {
    const g = geom(s);
    const d = inputs(g);
    const be = v.backend();
    const before = be.liveAllocations();
    const got = inputGrad(be, g, 'float32', d);
    const want = inputGrad(jsBackend, g, 'float64', d);
    expect(got.length).toBe(want.length);
    expect(relError(got, want), label(s)).toBeLessThanOrEqual(tol);
    expect(be.liveAllocations()).toEqual(before);
  });
});

describe('the input gradient of a 3x3 stride-1 convolution as a convolution', () => {
  it('is dy convolved with padding 2 - p to the input size, O and C swapped', () => {
    const g = geom({ N: 2, C: 6, H: 9, W: 7, O: 10, pad: 1 });
    expect(inputGradientAsConv(g)).toEqual({ ...g, C: 10, O: 6, H: 9, W: 7, OH: 9, OW: 7, padH: 1, padW: 1 });
    const t = inputGradientAsConv({ ...g, padW: 0, OW: 5 });
    expect([t?.W, t?.OW, t?.padW]).toEqual([5, 7, 2]);
  });
  it('takes the Winograd path when the output channels (its input channels) are enough', () => {
    const g = geom({ N: 2, C: 3, H: 9, W: 7, O: 16, pad: 1 });
    expect(convUsesWinograd(inputGradientAsConv(g)!, false)).toBe(true);
    expect(convUsesWinograd(inputGradientAsConv({ ...g, O: 2, C: 16 })!, false)).toBe(false);
  });
  it('is not used for padding over 2, strides or dilations', () => {
    const g = geom({ N: 1, C: 8, H: 9, W: 9, O: 8, pad: 1 });
    expect(inputGradientAsConv({ ...g, padH: 3, OH: 11 })).toBeNull();
    expect(inputGradientAsConv({ ...g, strideH: 2 })).toBeNull();
    expect(inputGradientAsConv({ ...g, dilationW: 2 })).toBeNull();
  });
  it('keeps the groups (each group swaps its own O and C)', () => {
    const g = geom({ N: 1, C: 8, H: 9, W: 9, O: 12, pad: 1, groups: 2 });
    expect(inputGradientAsConv(g)).toMatchObject({ C: 12, O: 8, groups: 2 });
  });
});

describe('Winograd conv2d forward on 1 and 2 threads', () => {
  afterAll(() => { parThresholds(shipped); threaded.setThreads(2); delete process.env.WASMGRAD_CONV; forceTile(undefined); });

  it.each(TILES)('gives the same bits whatever the split (tile %i)', (tile) => {
    forceTile(tile);
    for (const s of [SHAPES[1], SHAPES[2], SHAPES[8], SHAPES[9], SHAPES[11], SHAPES[14]]) {
      const g = geom(s), d = inputs(g);
      threaded.setThreads(1);
      parThresholds(shipped);
      const one = forward(threaded, g, 'float32', d), oneDx = inputGrad(threaded, g, 'float32', d);
      threaded.setThreads(2);
      parThresholds({ matmul: 0 });
      const two = forward(threaded, g, 'float32', d), twoDx = inputGrad(threaded, g, 'float32', d);
      expect(Array.from(two), label(s)).toEqual(Array.from(one));
      expect(Array.from(twoDx), label(s)).toEqual(Array.from(oneDx));
      expect(Array.from(forward(baseline, g, 'float32', d)), label(s)).toEqual(Array.from(one));
    }
  });

  it('splits a large call across the pool (one dispatch per forward and per input gradient)', () => {
    threaded.setThreads(2);
    parThresholds(shipped);
    const g = geom({ N: 8, C: 32, H: 28, W: 28, O: 32, pad: 1 }), d = inputs(g);
    const before = threaded.threadStats().dispatches;
    forward(threaded, g, 'float32', d);
    inputGrad(threaded, g, 'float32', d);
    expect(threaded.threadStats().dispatches - before).toBe(2);
  });

  it('is not the GEMM path (its rounding differs from WASMGRAD_CONV=gemm, within the tolerance)', () => {
    const g = geom(SHAPES[2]), d = inputs(g);
    const wino = forward(baseline, g, 'float32', d);
    process.env.WASMGRAD_CONV = 'gemm';
    const gemm = forward(baseline, g, 'float32', d);
    delete process.env.WASMGRAD_CONV;
    expect(Array.from(wino)).not.toEqual(Array.from(gemm));
    expect(relError(wino, gemm)).toBeLessThanOrEqual(TOL[4]);
  });

  it('runs F(4x4) and F(2x2) as different arithmetic (both paths are taken)', () => {
    const g = geom(SHAPES[2]), d = inputs(g);
    forceTile(2);
    const two = forward(baseline, g, 'float32', d);
    forceTile(4);
    const four = forward(baseline, g, 'float32', d);
    forceTile(undefined);
    expect(Array.from(two)).not.toEqual(Array.from(four));
    expect(relError(two, four)).toBeLessThanOrEqual(TOL[4]);
  });

  it('takes the input gradient off the GEMM path too', () => {
    const g = geom(SHAPES[2]), d = inputs(g);
    const wino = inputGrad(baseline, g, 'float32', d);
    process.env.WASMGRAD_CONV = 'gemm';
    const gemm = inputGrad(baseline, g, 'float32', d);
    delete process.env.WASMGRAD_CONV;
    expect(Array.from(wino)).not.toEqual(Array.from(gemm));
    expect(relError(wino, gemm)).toBeLessThanOrEqual(TOL[4]);
  });
});
