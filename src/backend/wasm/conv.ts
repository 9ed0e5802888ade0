// Convolution of the wasm backend (assembly/conv.ts): three GEMMs on matmul's packed panels, the
// B operand packed straight from the image (implicit im2col). This file plans a call: the
// units (row and column blocks) the work is cut into, the scratch slot each running unit
// uses, and whether the units run on the calling thread or as the chunks of a Conv task.
// Thresholds: docs-src/tuning.md ("Convolution").

import type { ConvGeom, Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { align16, roundUp } from './dispatch.js';
import { isF64, ptrOf } from './storage.js';
import { PAR, TILE_MIN_MACS } from './thresholds.js';

/** The kinds of assembly/conv.ts (WINOGRAD: the float32 3x3 forward of assembly/winograd.ts). */
const FORWARD = 0, INPUT = 1, WEIGHT = 2, WINOGRAD2 = 3, WINOGRAD4 = 4;
type Kind = typeof FORWARD | typeof INPUT | typeof WEIGHT;
/** The kinds run() takes (the weight gradient has runWeight). */
type GemmKind = typeof FORWARD | typeof INPUT;

// The blocking constants of assembly/matmul.ts and assembly/conv.ts (slotBytes mirrors the
// slot layout of conv.ts; the kernel traps if a slot is smaller than it needs).
const KC = 256, MC = 128, NC_BYTES = 8192, PLAN_AND_TILE = 256, Z_BYTES = 512 << 10, WEIGHT_SPAN = 256;
/** Weight gradient: at most this many output channels x taps per unit (accumulators of 16 bytes each). */
const WEIGHT_ROWS = 128, WEIGHT_TAPS = 64;
/** Taps per unit at most when the images are in blocks (an im2col block of 256 x 256 floats). */
const BLOCKED_TAPS = 256;

export function conv2d(k: Kernels, y: Storage, x: Storage, w: Storage, g: ConvGeom): void {
  if (y.size === 0) return;
  if (g.C === 0) { k.heap.fill(y, 0); return; }
  if (convUsesWinograd(g, isF64(y))) runWinograd(k, y, x, w, g);
  else run(k, FORWARD, y, x, w, g);
}

export function conv2dBackwardInput(k: Kernels, dx: Storage, dy: Storage, w: Storage, g: ConvGeom): void {
  if (dx.size === 0) return;
  if (g.O === 0 || g.OH * g.OW === 0) { k.heap.fill(dx, 0); return; }
  const t = inputGradientAsConv(g);
  if (t && convUsesWinograd(t, isF64(dx))) runWinograd(k, dx, dy, w, t, true);
  else run(k, INPUT, dx, dy, w, g);
}

export function conv2dBackwardWeight(k: Kernels, dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void {
  if (dw.size === 0) return;
  if (g.N === 0 || g.OH * g.OW === 0) { k.heap.fill(dw, 0); return; }
  runWeight(k, dw, x, dy, g);
}

/** Unit sizes: rows of Og (channels of Cg for INPUT) and columns (positions, or taps for WEIGHT). */
interface Blocks { rowBlock: number; colBlock: number }

function run(k: Kernels, kind: GemmKind, out: Storage, a: Storage, b: Storage, g: ConvGeom): void {
  const f64 = isF64(out);
  const Cg = g.C / g.groups, Og = g.O / g.groups, P = g.OH * g.OW, Kg = Cg * g.KH * g.KW;
  const macs = g.N * g.groups * Og * P * Kg;
  const geom = [g.N, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, g.strideH, g.strideW, g.padH, g.padW,
    g.dilationH, g.dilationW, g.groups] as const;
  if (k.threads.split(macs, PAR.matmul)) {
    const blocks = threadBlocks(kind, g, f64, k.threads.threads, macs);
    const slotCount = k.threads.threads;
    const size = slotBytes(kind, g, f64, blocks);
    const wordsBytes = align16(4 * slotCount);
    const scratch = k.heap.scratch(wordsBytes + slotCount * size);
    k.wasm.fill_i32(scratch, slotCount, 0);
    const [N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW, groups] = geom;
    k.threads.dispatch('Conv', f64, units(kind, g, blocks), {
      kind, out: ptrOf(out), a: ptrOf(a), b: ptrOf(b), N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padH, padW,
      dilationH, dilationW, groups, rowBlock: blocks.rowBlock, colBlock: blocks.colBlock,
      scratch: scratch + wordsBytes, slots: scratch, slotCount, slotBytes: size,
    });
  } else {
    // One unit per (image, group): whole rows and columns.
    const blocks = wholeBlocks(kind, g);
    const size = slotBytes(kind, g, f64, blocks);
    const scratch = k.heap.scratch(size);
    (f64 ? k.wasm.conv_f64 : k.wasm.conv_f32)(kind, ptrOf(out), ptrOf(a), ptrOf(b), scratch, size, ...geom,
      blocks.rowBlock, blocks.colBlock);
  }
  k.heap.trimScratch();
}

// ---- the weight gradient: image blocks ----------------------------------------------------------
// Its units are (group, image block, row block, tap block). The image blocks depend on the
// geometry alone (never on the thread count): each accumulates into its own partial sums, which
// are folded in block order after the units, so dW has the same bits on any number of threads.
// Threads then split over images, reading dY and x once; row or tap blocks re-read them once per
// block (a first layer's 16 x 9 outputs split into 10 tap/row blocks ran slower on 2 threads
// than on 1: docs-src/tuning.md "CNN step").

/** Image blocks per call at most, the partial sums' bytes at most, and the least work to block. */
const IMAGE_BLOCKS = 8, PARTIALS_MAX = 1 << 20, BLOCKED_MACS = 1 << 19;

/** Images per block of the weight gradient (N: one block, no partials). */
export function weightImageBlock(g: ConvGeom): number {
  const Kg = (g.C / g.groups) * g.KH * g.KW;
  const macs = g.N * g.O * g.OH * g.OW * Kg;
  const blocks = Math.min(IMAGE_BLOCKS, g.N, Math.floor(PARTIALS_MAX / (g.O * Kg * 16)));
  return macs < BLOCKED_MACS || blocks < 2 ? g.N : Math.ceil(g.N / blocks);
}

function runWeight(k: Kernels, dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void {
  const f64 = isF64(dw);
  const Kg = (g.C / g.groups) * g.KH * g.KW, macs = g.N * g.O * g.OH * g.OW * Kg;
  const imgBlock = weightImageBlock(g), blocks = Math.ceil(g.N / imgBlock);
  const partialsBytes = blocks > 1 ? blocks * g.O * Kg * 16 : 0;
  const geom = [g.N, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, g.strideH, g.strideW, g.padH, g.padW,
    g.dilationH, g.dilationW, g.groups] as const;
  if (k.threads.split(macs, PAR.matmul)) {
    const b = weightThreadBlocks(g, k.threads.threads, macs, blocks);
    const slotCount = k.threads.threads;
    const size = slotBytes(WEIGHT, g, f64, b);
    const wordsBytes = align16(4 * slotCount);
    // [partials, 64-byte aligned: threads never share a line across blocks][slot words][slots]
    const base = k.heap.scratch(64 + partialsBytes + wordsBytes + slotCount * size);
    const partials = blocks > 1 ? roundUp(base, 64) : 0, words = roundUp(base, 64) + partialsBytes;
    k.wasm.fill_i32(words, slotCount, 0);
    const [N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padH, padW, dilationH, dilationW, groups] = geom;
    k.threads.dispatch('ConvWeight', f64, g.groups * blocks * Math.ceil((g.O / g.groups) / b.rowBlock) * Math.ceil(Kg / b.colBlock), {
      kind: WEIGHT, out: ptrOf(dw), a: ptrOf(x), b: ptrOf(dy), N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padH, padW,
      dilationH, dilationW, groups, rowBlock: b.rowBlock, colBlock: b.colBlock, imgBlock, partials,
      scratch: words + wordsBytes, slots: words, slotCount, slotBytes: size,
    });
    if (blocks > 1) (f64 ? k.wasm.convWeightFold_f64 : k.wasm.convWeightFold_f32)(ptrOf(dw), partials, g.O * Kg, blocks);
  } else {
    const b = wholeBlocks(WEIGHT, g);
    const size = slotBytes(WEIGHT, g, f64, b);
    const base = k.heap.scratch(64 + partialsBytes + size);
    const partials = blocks > 1 ? roundUp(base, 64) : 0;
    (f64 ? k.wasm.convWeight_f64 : k.wasm.convWeight_f32)(ptrOf(dw), ptrOf(x), ptrOf(dy), roundUp(base, 64) + partialsBytes, size,
      ...geom, b.rowBlock, b.colBlock, imgBlock, partials);
  }
  k.heap.trimScratch();
}

/**
 * Blocks of the threaded weight gradient: with its image blocks, about 3 units per thread of
 * at least TILE_MIN_MACS, tap blocks (of even size, balanced) before row blocks. With image
 * blocks a unit takes up to BLOCKED_TAPS taps: units that share an image block on two cores
 * each pull its dY and x into their own cache (conv2 of the CNN step: 3 tap blocks of 48 ran
 * at 1.8x on 2 threads, whole 144-tap units at 1.97x; one thread is as fast either way).
 */
function weightThreadBlocks(g: ConvGeom, threads: number, macs: number, blocks: number): Blocks {
  const Kg = (g.C / g.groups) * g.KH * g.KW, Og = g.O / g.groups;
  const want = Math.max(threads, Math.min(3 * threads, PAR.matmul > 0 ? Math.floor(macs / TILE_MIN_MACS) : Infinity));
  const b = wholeBlocks(WEIGHT, g);
  if (blocks > 1) b.colBlock = balancedTaps(Kg, BLOCKED_TAPS);
  const count = () => g.groups * blocks * Math.ceil(Og / b.rowBlock) * Math.ceil(Kg / b.colBlock);
  for (let cb = Math.ceil(Kg / b.colBlock); count() < want && b.colBlock > 2;) b.colBlock = Math.max(2, roundUp(Math.ceil(Kg / ++cb), 2));
  while (count() < want && b.rowBlock > 4) b.rowBlock = Math.max(4, roundUp(b.rowBlock / 2, 4));
  return b;
}

/** The units of a forward or input-gradient call (assembly/conv.ts units()). */
function units(kind: GemmKind, g: ConvGeom, { rowBlock, colBlock }: Blocks): number {
  const Cg = g.C / g.groups, Og = g.O / g.groups, P = g.OH * g.OW;
  if (kind === FORWARD) return g.N * g.groups * Math.ceil(Og / rowBlock) * Math.ceil(P / colBlock);
  return g.N * g.groups * Math.ceil(Cg / rowBlock);
}

/**
 * Blocks for the threaded form: about 3 units per thread, each at least TILE_MIN_MACS, as
 * matmul's tiles. Columns are split before rows (a row block re-packs the B operand, which is
 * the implicit im2col and costs more to pack than the weights).
 */
function threadBlocks(kind: GemmKind, g: ConvGeom, f64: boolean, threads: number, macs: number): Blocks {
  const NR = f64 ? 4 : 8;
  const want = Math.max(threads, Math.min(3 * threads, PAR.matmul > 0 ? Math.floor(macs / TILE_MIN_MACS) : Infinity));
  const b = wholeBlocks(kind, g);
  if (kind === INPUT) {
    while (units(kind, g, b) < want && b.rowBlock > 1) b.rowBlock = Math.ceil(b.rowBlock / 2);
    return b;
  }
  while (units(kind, g, b) < want && b.colBlock > 4 * NR) b.colBlock = Math.max(4 * NR, roundUp(b.colBlock / 2, NR));
  while (units(kind, g, b) < want && b.rowBlock > 4) b.rowBlock = Math.max(4, roundUp(b.rowBlock / 2, 4));
  return b;
}

/** The units of the single-thread form: one per (image, group), the weight gradient's bounded by its accumulators. */
function wholeBlocks(kind: Kind, g: ConvGeom): Blocks {
  const Cg = g.C / g.groups, Og = g.O / g.groups, P = g.OH * g.OW, Kg = Cg * g.KH * g.KW;
  if (kind === INPUT) return { rowBlock: Cg, colBlock: 1 };
  if (kind === FORWARD) return { rowBlock: Og, colBlock: P };
  return { rowBlock: Math.min(Og, WEIGHT_ROWS), colBlock: balancedTaps(Kg, WEIGHT_TAPS) };
}

/** Tap blocks of at most `most` taps, as equal as an even size allows (144 by 64: 3 x 48). */
function balancedTaps(Kg: number, most: number): number {
  return Math.min(Kg, roundUp(Math.ceil(Kg / Math.ceil(Kg / most)), 2));
}

/** Bytes of one scratch slot (assembly/conv.ts slotBytes, same formula). */
function slotBytes(kind: Kind, g: ConvGeom, f64: boolean, { rowBlock, colBlock }: Blocks): number {
  const es = f64 ? 8 : 4, NR = f64 ? 4 : 8, NC = NC_BYTES / es;
  const Cg = g.C / g.groups, Og = g.O / g.groups, P = g.OH * g.OW, KHW = g.KH * g.KW, Kg = Cg * KHW;
  if (kind === WEIGHT) return PLAN_AND_TILE + align16(colBlock * WEIGHT_SPAN * es) + rowBlock * colBlock * 16;
  const zCols = Math.min(Math.max(4 * NR, Math.floor(Math.floor(Z_BYTES / (Kg * es)) / NR) * NR), roundUp(P, NR));
  const rows = kind === INPUT ? rowBlock * KHW : rowBlock;
  const cols = kind === INPUT ? zCols : Math.min(NC, roundUp(colBlock, NR));
  const slice = Math.min(KC, kind === FORWARD ? Kg : kind === INPUT ? Og : P);
  const packA = align16(Math.min(roundUp(rows, 4), MC) * slice * es);
  const packB = align16(slice * roundUp(cols, NR) * es);
  const buffer = kind === INPUT ? rows * zCols : kind === FORWARD ? cols : NR * slice;
  return PLAN_AND_TILE + packA + packB + align16(buffer * es);
}

// ---- Winograd F(2x2, 3x3) and F(4x4, 3x3) (assembly/winograd.ts, winograd4.ts) ----------------------

/**
 * Input channels (per group) from which the transforms pay for themselves, for F(2x2) and
 * F(4x4). Measured on one thread, forward only, [16, C, 32, 32] * [16, C, 3, 3] pad 1, Winograd /
 * GEMM: F(2x2) 0.95x at C = 1, 0.98x at 2, 1.0-1.1x at 3, 1.2-1.3x at 4, 1.7-2x from 16;
 * F(4x4) 0.74x at 1, 1.09x at 2, 1.24x at 3 (1.45x at [64, 3, 28, 28] * [8, 3, 3, 3]), 1.5x at 4.
 * Every output-channel count gained (F(2x2), C = 16: O = 1 1.45x, O = 4 4x).
 */
const WINOGRAD_MIN_C = { 2: 4, 4: 3 } as const;
/** Output channels per GEMM block and tile columns a unit aims at (its V and M stay in L2). */
const WINOGRAD_OB = 64, WINOGRAD_COLS = 128, WINOGRAD_L2 = 1 << 20;
/** Bytes of a slot's plan, edge tile and transform rows (assembly/winograd.ts HEAD). */
const WINOGRAD_HEAD = 832;
/** Largest transformed filter ((m + 2)²·O·C/groups floats, 16/9 or 4 times the filter): 64 MiB of scratch. */
const WINOGRAD_MAX_U = 1 << 24;

/**
 * WASMGRAD_CONV (Node, read at each call; for benchmarks and comparisons): 'gemm' keeps every
 * convolution on the GEMM path, 'winograd' sends every geometry Winograd can take there
 * whatever its channel counts.
 */
function forcedPath(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WASMGRAD_CONV;
}

/**
 * Whether the forward convolution of g runs as Winograd (tile: winogradTile): float32, 3x3
 * kernel, stride 1, dilation 1, a transformed filter within WINOGRAD_MAX_U, and enough input
 * channels per group to amortise the transforms.
 */
export function convUsesWinograd(g: ConvGeom, f64: boolean): boolean {
  if (f64 || g.KH !== 3 || g.KW !== 3 || g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return false;
  const m = winogradTile(g);
  if ((m + 2) * (m + 2) * g.O * (g.C / g.groups) > WINOGRAD_MAX_U) return false;
  const forced = forcedPath();
  if (forced === 'gemm' || forced === 'winograd') return forced === 'winograd';
  return g.C / g.groups >= WINOGRAD_MIN_C[m];
}

/**
 * The tile m of F(m x m, 3 x 3): the one with fewer GEMM multiplies per output, (m + 2)²/m² times
 * the outputs computed (whole tiles, tile rows padded to 4 tiles) over those kept, F(4x4, 3x3)
 * only when it saves 1.3x (its transforms cost more). Measured on one thread, F(4x4) / F(2x2):
 * 1.29x at 14x14 outputs (LeNet bench shape, predicted 1.55x), 1.36x at 56x56 (ResNet, 1.56x),
 * 1.3-1.6x at 16x16 and 32x32, 2.2x at 28x28 (1.78x); 0.56x at 7x7 (predicted 0.89x: F(2x2)).
 * WASMGRAD_WINOGRAD_TILE=2 or 4 (Node, read at each call) forces one.
 */
export function winogradTile(g: ConvGeom): 2 | 4 {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WASMGRAD_WINOGRAD_TILE;
  if (env === '2' || env === '4') return env === '4' ? 4 : 2;
  const cost = (m: number): number =>
    ((m + 2) * (m + 2)) / (m * m) * (Math.ceil(g.OH / m) * m * roundUp(Math.ceil(g.OW / m), 4) * m) / (g.OH * g.OW);
  return cost(2) >= 1.3 * cost(4) ? 4 : 2;
}

/** Bytes of a Winograd slot with `rows` tile rows per unit (assembly/winograd.ts winogradSlotBytes). */
function winogradSlotBytes(g: ConvGeom, m: number, rows: number): number {
  const Cg = g.C / g.groups, Og = g.O / g.groups, xis = (m + 2) * (m + 2);
  const TWp = roundUp(Math.ceil(g.OW / m), 4), rowW = roundUp(m * TWp + 4, 4), Npad = roundUp(rows * TWp, 8);
  return WINOGRAD_HEAD + align16((m + 2) * rowW * 4) + xis * Cg * Npad * 4 + xis * Math.min(roundUp(Og, 4), WINOGRAD_OB) * Npad * 4;
}

/**
 * The input gradient of a stride-1, dilation-1 3x3 convolution as a convolution: dx = conv(dy,
 * w rotated 180° with O and C swapped in each group) with padding 2 - p, output H x W. Null for
 * other geometries (and padding over 2, which would crop instead).
 */
export function inputGradientAsConv(g: ConvGeom): ConvGeom | null {
  if (g.KH !== 3 || g.KW !== 3 || g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return null;
  if (g.padH > 2 || g.padW > 2) return null;
  return {
    N: g.N, C: g.O, H: g.OH, W: g.OW, O: g.C, KH: 3, KW: 3, OH: g.H, OW: g.W,
    strideH: 1, strideW: 1, padH: 2 - g.padH, padW: 2 - g.padW, dilationH: 1, dilationW: 1, groups: g.groups,
  };
}

/**
 * y = conv(x, w) through Winograd; flipped: w is the [C, O/groups, 3, 3] filter of the
 * convolution whose input gradient this is.
 */
function runWinograd(k: Kernels, y: Storage, x: Storage, w: Storage, g: ConvGeom, flipped = false): void {
  const Cg = g.C / g.groups, Og = g.O / g.groups, m = winogradTile(g), xis = (m + 2) * (m + 2);
  const TH = Math.ceil(g.OH / m), TWp = roundUp(Math.ceil(g.OW / m), 4);
  const perCol = 4 * xis * (Cg + Math.min(roundUp(Og, 4), WINOGRAD_OB));
  let rows = Math.max(1, Math.floor(Math.min(WINOGRAD_COLS, WINOGRAD_L2 / perCol) / TWp));
  if (rows > 1 && TWp % 8 === 4) rows -= rows % 2;  // whole NR panels
  rows = Math.min(rows, TH);
  const macs = g.N * g.O * Cg * g.OH * g.OW * 9;
  const threaded = k.threads.split(macs, PAR.matmul);
  if (threaded) {
    while (rows > 1 && g.N * g.groups * Math.ceil(TH / rows) < 3 * k.threads.threads) rows = Math.ceil(rows / 2);
  }
  // The transformed filters of each group in turn, then the slot words and the slots.
  const uGroup = xis * roundUp(Og, 4) * Cg * 4, uBytes = align16(g.groups * uGroup), size = winogradSlotBytes(g, m, rows);
  const slotCount = threaded ? k.threads.threads : 1, wordsBytes = threaded ? align16(4 * slotCount) : 0;
  const scratch = k.heap.scratch(uBytes + wordsBytes + slotCount * size);
  for (let i = 0; i < g.groups; i++) {
    k.wasm.winogradFilter_f32(scratch + i * uGroup, ptrOf(w) + i * Og * Cg * 36, Og, Cg, flipped ? 1 : 0, m);
  }
  const slots = scratch + uBytes;
  const { N, C, H, W, O, OH, OW, padH, padW, groups } = g;
  const kind = m === 4 ? WINOGRAD4 : WINOGRAD2;
  if (threaded) {
    k.wasm.fill_i32(slots, slotCount, 0);
    k.threads.dispatch('Conv', false, N * groups * Math.ceil(TH / rows), {
      kind, out: ptrOf(y), a: ptrOf(x), b: scratch, N, C, H, W, O, KH: 3, KW: 3, OH, OW, strideH: 1, strideW: 1,
      padH, padW, dilationH: 1, dilationW: 1, groups, rowBlock: Og, colBlock: rows,
      scratch: slots + wordsBytes, slots, slotCount, slotBytes: size,
    });
  } else {
    k.wasm.conv_f32(kind, ptrOf(y), ptrOf(x), scratch, slots, size, N, C, H, W, O, 3, 3, OH, OW, 1, 1, padH, padW, 1, 1,
      groups, Og, rows);
  }
  k.heap.trimScratch();
}
