// The wasm convolution kernels (assembly/conv.ts: GEMMs on matmul's packed panels with an
// implicit im2col) against the js reference (direct loops, src/backend/js/conv.ts) through the
// backend API: the forward and both adjoints over many geometries (stride, asymmetric padding,
// dilation, groups, depthwise, 1-d, pointwise, kernel = input, empty), on the baseline build and
// on the threaded build with 1 thread, 2 threads, and 2 threads with every call split.
// float64 agrees within 1e-12 and float32 within 1e-5 of the largest reference value (the
// float32 reference is computed in float64 from the same float32 inputs).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, ConvGeom, SType, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { WasmBackend, parThresholds, type ParThresholds } from '../src/backend/wasm/index.js';
import { closeBuilds, openBuilds } from './support/builds.js';
import { weightImageBlock } from '../src/backend/wasm/conv.js';
import { makeRng } from './helpers.js';

interface Shape {
  N: number; C: number; H: number; W: number; O: number; KH: number; KW: number;
  stride?: [number, number]; pad?: [number, number]; dilation?: [number, number]; groups?: number;
  /** Extra bottom/right padding (OH/OW beyond the symmetric formula). */
  extra?: [number, number];
}

function geom(s: Shape): ConvGeom {
  const [strideH, strideW] = s.stride ?? [1, 1];
  const [padH, padW] = s.pad ?? [0, 0];
  const [dilationH, dilationW] = s.dilation ?? [1, 1];
  const [exH, exW] = s.extra ?? [0, 0];
  const OH = Math.floor((s.H + 2 * padH + exH - dilationH * (s.KH - 1) - 1) / strideH) + 1;
  const OW = Math.floor((s.W + 2 * padW + exW - dilationW * (s.KW - 1) - 1) / strideW) + 1;
  return {
    N: s.N, C: s.C, H: s.H, W: s.W, O: s.O, KH: s.KH, KW: s.KW, OH, OW,
    strideH, strideW, padH, padW, dilationH, dilationW, groups: s.groups ?? 1,
  };
}

const label = (s: Shape): string => {
  const g = geom(s);
  return `x[${s.N},${s.C},${s.H},${s.W}] w[${s.O},${s.C / g.groups},${s.KH},${s.KW}] stride ${g.strideH},${g.strideW} ` +
    `pad ${g.padH},${g.padW}${s.extra ? `+${s.extra}` : ''} dilation ${g.dilationH},${g.dilationW} groups ${g.groups}`;
};

const SHAPES: Shape[] = [
  { N: 2, C: 3, H: 7, W: 6, O: 5, KH: 3, KW: 3 },
  { N: 2, C: 3, H: 7, W: 6, O: 5, KH: 3, KW: 3, pad: [1, 1] },
  { N: 1, C: 2, H: 9, W: 11, O: 3, KH: 3, KW: 2, stride: [2, 3], pad: [1, 0] },
  { N: 2, C: 2, H: 8, W: 7, O: 3, KH: 2, KW: 3, pad: [0, 2], extra: [1, 1] },
  { N: 1, C: 3, H: 10, W: 9, O: 4, KH: 3, KW: 3, dilation: [2, 3], pad: [2, 1] },
  { N: 2, C: 4, H: 6, W: 6, O: 6, KH: 3, KW: 3, groups: 2, pad: [1, 1] },
  { N: 2, C: 6, H: 5, W: 7, O: 6, KH: 3, KW: 3, groups: 6, pad: [1, 1] },
  { N: 2, C: 5, H: 1, W: 13, O: 7, KH: 1, KW: 3, stride: [1, 2], pad: [0, 1] },
  { N: 3, C: 5, H: 4, W: 5, O: 9, KH: 1, KW: 1 },
  { N: 2, C: 3, H: 5, W: 5, O: 4, KH: 1, KW: 1, stride: [2, 2] },
  { N: 2, C: 3, H: 5, W: 4, O: 2, KH: 5, KW: 4 },
  { N: 1, C: 1, H: 3, W: 3, O: 1, KH: 3, KW: 3, pad: [2, 2], stride: [3, 2] },
  { N: 3, C: 1, H: 28, W: 28, O: 16, KH: 3, KW: 3, pad: [1, 1] },
  { N: 4, C: 16, H: 14, W: 14, O: 32, KH: 3, KW: 3, pad: [1, 1] },
  { N: 2, C: 70, H: 9, W: 9, O: 10, KH: 3, KW: 3, pad: [1, 1] },
  { N: 1, C: 3, H: 40, W: 41, O: 5, KH: 3, KW: 3 },
  { N: 1, C: 300, H: 3, W: 3, O: 2, KH: 1, KW: 1 },
  { N: 2, C: 8, H: 12, W: 10, O: 8, KH: 3, KW: 3, groups: 4, stride: [2, 1], pad: [1, 0], extra: [1, 0] },
  // Weight gradients in image blocks (from 2^19 multiply-adds): 11 images in 6 blocks of 2 and 1,
  // 9 images in 5 blocks with 2 groups, 4 images in blocks of 1 with 3 tap blocks of 48.
  { N: 11, C: 1, H: 28, W: 28, O: 16, KH: 3, KW: 3, pad: [1, 1] },
  { N: 9, C: 8, H: 12, W: 12, O: 16, KH: 3, KW: 3, groups: 2, pad: [1, 1] },
];
const EMPTY: Shape[] = [
  { N: 0, C: 3, H: 5, W: 5, O: 4, KH: 3, KW: 3 },
  { N: 2, C: 3, H: 5, W: 5, O: 0, KH: 3, KW: 3 },
];

type Kind = 'forward' | 'input' | 'weight';
const KINDS: Kind[] = ['forward', 'input', 'weight'];

/** Runs one primitive on backend be: returns its output. Inputs are the same numbers on every backend. */
function runKind(be: Backend, kind: Kind, g: ConvGeom, dtype: SType, data: Record<'x' | 'w' | 'y', number[]>): Float32Array | Float64Array {
  const Cg = g.C / g.groups;
  const sizes = { x: g.N * g.C * g.H * g.W, w: g.O * Cg * g.KH * g.KW, y: g.N * g.O * g.OH * g.OW };
  const [outName, aName, bName] = kind === 'forward' ? ['y', 'x', 'w'] as const
    : kind === 'input' ? ['x', 'y', 'w'] as const : ['w', 'x', 'y'] as const;
  const alloc = (name: 'x' | 'w' | 'y', fill: boolean): Storage => {
    const s = be.alloc(dtype, sizes[name]);
    if (fill) be.write(s, data[name].slice(0, sizes[name]));
    else if (sizes[name] > 0) be.fill(s, NaN);
    return s;
  };
  const out = alloc(outName, false), a = alloc(aName, true), b = alloc(bName, true);
  if (kind === 'forward') be.conv2d(out, a, b, g);
  else if (kind === 'input') be.conv2dBackwardInput(out, a, b, g);
  else be.conv2dBackwardWeight(out, a, b, g);
  const result = be.read(out).slice() as Float32Array | Float64Array;
  for (const s of [out, a, b]) be.free(s);
  return result;
}

const rng = makeRng(20261202);
/** Inputs for a geometry, rounded to float32 so both dtypes see the same numbers. */
function inputs(g: ConvGeom): Record<'x' | 'w' | 'y', number[]> {
  const make = (n: number): number[] => Array.from({ length: n }, () => Math.fround(rng() * 2 - 1));
  return {
    x: make(g.N * g.C * g.H * g.W), w: make(g.O * (g.C / g.groups) * g.KH * g.KW), y: make(g.N * g.O * g.OH * g.OW),
  };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= worst)) { worst = err; at = i; }
  }
  expect(worst <= tol * scale, `${what}: element ${at} is ${got[at]}, reference ${want[at]} (error ${worst}, scale ${scale})`)
    .toBe(true);
}

let baseline: WasmBackend;
let threaded: WasmBackend;
let shipped: ParThresholds;
beforeAll(async () => { ({ baseline, threaded, shipped } = await openBuilds()); }, 30_000);
afterAll(() => closeBuilds({ threaded, shipped }));

interface Variant { name: string; backend: () => WasmBackend; threads: number; splitAll: boolean }
const VARIANTS: Variant[] = [
  { name: 'baseline build', backend: () => baseline, threads: 1, splitAll: false },
  { name: 'threads build, 1 thread', backend: () => threaded, threads: 1, splitAll: false },
  { name: 'threads build, 2 threads', backend: () => threaded, threads: 2, splitAll: false },
  { name: 'threads build, 2 threads, every call split', backend: () => threaded, threads: 2, splitAll: true },
];

describe.each(VARIANTS)('wasm conv kernels ($name)', (v) => {
  beforeAll(() => {
    v.backend().setThreads(v.threads);
    parThresholds(v.splitAll ? { matmul: 0 } : shipped);
  });
  afterAll(() => { parThresholds(shipped); });

  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    it.each(SHAPES.map((s) => [label(s), s] as const))('conv2d and both adjoints match the reference: %s', (_name, s) => {
      const be = v.backend();
      const g = geom(s);
      const data = inputs(g);
      const before = be.liveAllocations();
      for (const kind of KINDS) {
        const want = runKind(jsBackend, kind, g, 'float64', data);
        const got = runKind(be, kind, g, dtype, data);
        expectClose(got, want, tol, `${kind} ${label(s)}`);
      }
      expect(be.liveAllocations()).toEqual(before);
    });

    it('conv2d and both adjoints match the reference on random geometries', () => {
      const be = v.backend();
      const pick = makeRng(dtype === 'float64' ? 7 : 8);
      const int = (lo: number, hi: number): number => lo + Math.floor(pick() * (hi - lo + 1));
      let tried = 0;
      while (tried < 30) {
        const groups = int(1, 3);
        const s: Shape = {
          N: int(1, 3), C: groups * int(1, 3), H: int(1, 12), W: int(1, 12), O: groups * int(1, 5), KH: int(1, 4), KW: int(1, 4),
          stride: [int(1, 3), int(1, 3)], pad: [int(0, 2), int(0, 2)], dilation: [int(1, 2), int(1, 2)], groups,
          extra: [int(0, 1), int(0, 1)],
        };
        const g = geom(s);
        if (g.OH < 1 || g.OW < 1) continue;
        tried++;
        const data = inputs(g);
        for (const kind of KINDS) {
          expectClose(runKind(be, kind, g, dtype, data), runKind(jsBackend, kind, g, 'float64', data), tol, `${kind} ${label(s)}`);
        }
      }
    });

    it.each(EMPTY.map((s) => [label(s), s] as const))('an empty batch or no output channels gives zeros: %s', (_name, s) => {
      const be = v.backend();
      const g = geom(s);
      const data = inputs(g);
      for (const kind of KINDS) {
        const got = runKind(be, kind, g, dtype, data);
        expect(Array.from(got), kind).toEqual(Array.from(runKind(jsBackend, kind, g, 'float64', data)));
        expect(got.every((value) => value === 0), kind).toBe(true);
      }
    });
  });
});

describe('wasm conv kernels on 1 and 2 threads', () => {
  afterAll(() => { parThresholds(shipped); threaded.setThreads(2); });
  it.each(['float32', 'float64'] as const)('give the same bits whatever the split (%s)', (dtype) => {
    for (const s of [SHAPES[5], SHAPES[13], SHAPES[14], SHAPES[17], SHAPES[18], SHAPES[19]]) {
      const g = geom(s);
      const data = inputs(g);
      for (const kind of KINDS) {
        threaded.setThreads(1);
        const one = runKind(threaded, kind, g, dtype, data);
        threaded.setThreads(2);
        parThresholds({ matmul: 0 });
        const two = runKind(threaded, kind, g, dtype, data);
        parThresholds(shipped);
        expect(Array.from(two), `${kind} ${label(s)}`).toEqual(Array.from(one));
      }
    }
  });

  it('the weight gradient cuts images into blocks by the geometry alone (from 2^19 multiply-adds, at most 8 blocks)', () => {
    expect(weightImageBlock(geom(SHAPES[18]))).toBe(2); // 11 images: 6 blocks
    expect(weightImageBlock(geom(SHAPES[19]))).toBe(2); // 9 images: 5 blocks
    expect(weightImageBlock(geom(SHAPES[13]))).toBe(1); // 4 images: 4 blocks
    expect(weightImageBlock(geom(SHAPES[12]))).toBe(3); // 338K multiply-adds: one block
    expect(weightImageBlock(geom({ N: 64, C: 1, H: 28, W: 28, O: 16, KH: 3, KW: 3, pad: [1, 1] }))).toBe(8);
    // Partial sums over 1 MB (8 blocks of 512 x 4608 accumulators) are not made: one block.
    expect(weightImageBlock(geom({ N: 8, C: 512, H: 4, W: 4, O: 512, KH: 3, KW: 3, pad: [1, 1] }))).toBe(8);
  });

  it('split the large calls across the pool', () => {
    threaded.setThreads(2);
    const g = geom(SHAPES[13]);
    const data = inputs(g);
    const before = threaded.threadStats().dispatches;
    for (const kind of KINDS) runKind(threaded, kind, g, 'float32', data);
    expect(threaded.threadStats().dispatches - before).toBe(3);
  });
});
