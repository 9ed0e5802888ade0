// Elementwise kernels of the wasm backend: unary maps, gradient gates, broadcasting binary ops,
// strided copies and gradient accumulation. Each runs on the calling thread below its op's
// threshold (thresholds.ts), else as a thread task (dispatch.ts).

import type { Binary, Storage, Unary, UnaryGrad } from '../backend.js';
import { bytesPer } from '../backend.js';
import { collapseDims, forEachIndex, sizeOf } from '../strides.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR, binaryMin, taskMin, unaryMin } from './thresholds.js';

/** Kernel loops run with at most this many collapsed dims; more are looped over in TypeScript. */
const KERNEL_DIMS = 4;

/** The trailing KERNEL_DIMS of a collapsed shape/strides, left-padded with extent 1, stride 0. */
function lastDims(values: readonly number[], pad: number): [number, number, number, number] {
  const n = values.length;
  const at = (i: number): number => (n - 4 + i >= 0 ? values[n - 4 + i] : pad);
  return [at(0), at(1), at(2), at(3)];
}

/**
 * Runs `run(outOffset, offsets)` (element offsets) once per index of the dims before the last
 * KERNEL_DIMS of a collapsed loop nest (once, at 0, when there are no more than KERNEL_DIMS).
 */
function forEachKernelBlock(shape: readonly number[], strides: readonly (readonly number[])[],
  run: (outOffset: number, offsets: readonly number[]) => void): void {
  const lead = shape.length - KERNEL_DIMS;
  if (lead <= 0) {
    run(0, strides.map(() => 0));
    return;
  }
  let blockSize = 1;
  for (let d = lead; d < shape.length; d++) blockSize *= shape[d];
  forEachIndex(shape, strides, lead, (offsets, n) => run(n * blockSize, offsets));
}

export function unary(k: Kernels, op: Unary, out: Storage, a: Storage): void {
  const n = out.size;
  if (n === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(n, unaryMin[op])) {
    const chunk = k.threads.chunkSize(n, unaryMin[op] >> 2);
    k.threads.dispatch('Unary', f64, Math.ceil(n / chunk), { op, out: ptrOf(out), a: ptrOf(a), n, chunk });
    return;
  }
  (f64 ? k.wasm.unary_f64 : k.wasm.unary_f32)(op, ptrOf(out), ptrOf(a), n);
}

export function unaryGrad(k: Kernels, op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
  const n = out.size;
  if (n === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(n, PAR.cheap)) {
    const chunk = k.threads.chunkSize(n, PAR.cheap >> 2);
    k.threads.dispatch('UnaryGrad', f64, Math.ceil(n / chunk),
      { op, out: ptrOf(out), saved: ptrOf(saved), dy: ptrOf(dy), n, chunk });
    return;
  }
  (f64 ? k.wasm.unaryGrad_f64 : k.wasm.unaryGrad_f32)(op, ptrOf(out), ptrOf(saved), ptrOf(dy), n);
}

export function binary(k: Kernels, op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
  aStrides: readonly number[], bStrides: readonly number[]): void {
  if (out.size === 0) return;
  const c = collapseDims(shape, [aStrides, bStrides]);
  const f64 = isF64(out), elem = bytesPer(out.dtype);
  const [n0, n1, n2, n3] = lastDims(c.shape, 1);
  const [as0, as1, as2, as3] = lastDims(c.strides[0], 0);
  const [bs0, bs1, bs2, bs3] = lastDims(c.strides[1], 0);
  const kernel = f64 ? k.wasm.binary_f64 : k.wasm.binary_f32;
  const split = k.threads.split(n0 * n1 * n2 * n3, binaryMin[op]);
  const outPtr = ptrOf(out), aPtr = ptrOf(a), bPtr = ptrOf(b);
  if (c.shape.length <= KERNEL_DIMS && !split) {
    // The common case, without the closure.
    kernel(op, outPtr, aPtr, bPtr, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3);
    return;
  }
  forEachKernelBlock(c.shape, c.strides, (outOffset, offsets) => {
    const o = outPtr + outOffset * elem, ap = aPtr + offsets[0] * elem, bp = bPtr + offsets[1] * elem;
    if (!split) {
      kernel(op, o, ap, bp, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3);
      return;
    }
    const { rowsPer, seg, chunks } = k.threads.rowSplit(n0 * n1 * n2, n3, binaryMin[op] >> 2);
    k.threads.dispatch('Binary', f64, chunks, {
      op, out: o, a: ap, b: bp, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, rowsPer, seg,
    });
  });
}

export function copyStrided(k: Kernels, out: Storage, a: Storage, shape: readonly number[], strides: readonly number[],
  offset: number): void {
  if (out.size === 0) return;
  const c = collapseDims(shape, [strides]);
  const elem = bytesPer(out.dtype), wide = elem === 8;
  const kernel = wide ? k.wasm.copyStrided_f64 : k.wasm.copyStrided_f32;
  const [n0, n1, n2, n3] = lastDims(c.shape, 1);
  const [s0, s1, s2, s3] = lastDims(c.strides[0], 0);
  const outPtr = ptrOf(out), aPtr = ptrOf(a) + offset * elem;
  const split = k.threads.split(n0 * n1 * n2 * n3, PAR.medium);
  if (c.shape.length <= KERNEL_DIMS && !split) {
    kernel(outPtr, aPtr, n0, n1, n2, n3, s0, s1, s2, s3);
    return;
  }
  forEachKernelBlock(c.shape, c.strides, (outOffset, offsets) => {
    const o = outPtr + outOffset * elem, ap = aPtr + offsets[0] * elem;
    if (!split) {
      kernel(o, ap, n0, n1, n2, n3, s0, s1, s2, s3);
      return;
    }
    const { rowsPer, seg, chunks } = k.threads.rowSplit(n0 * n1 * n2, n3, PAR.medium >> 2);
    k.threads.dispatch('CopyStrided', wide, chunks, { out: o, a: ap, n0, n1, n2, n3, s0, s1, s2, s3, rowsPer, seg });
  });
}

/** The write side of the strided copy: out and a both strided (see Backend.copyInto). */
export function copyInto(k: Kernels, out: Storage, outOffset: number, outStrides: readonly number[], a: Storage,
  aOffset: number, aStrides: readonly number[], shape: readonly number[]): void {
  if (sizeOf(shape) === 0) return;
  const c = collapseDims(shape, [outStrides, aStrides]);
  const elem = bytesPer(out.dtype), wide = elem === 8;
  const kernel = wide ? k.wasm.copyInto_f64 : k.wasm.copyInto_f32;
  const [n0, n1, n2, n3] = lastDims(c.shape, 1);
  const [os0, os1, os2, os3] = lastDims(c.strides[0], 0);
  const [as0, as1, as2, as3] = lastDims(c.strides[1], 0);
  const outPtr = ptrOf(out) + outOffset * elem, aPtr = ptrOf(a) + aOffset * elem;
  const min = taskMin('CopyInto');
  const split = k.threads.split(n0 * n1 * n2 * n3, min);
  forEachKernelBlock(c.shape, c.strides, (_blockOffset, offsets) => {
    const o = outPtr + offsets[0] * elem, ap = aPtr + offsets[1] * elem;
    if (!split) {
      kernel(o, ap, n0, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3);
      return;
    }
    const { rowsPer, seg, chunks } = k.threads.rowSplit(n0 * n1 * n2, n3, min >> 2);
    k.threads.dispatch('CopyInto', wide, chunks, {
      out: o, a: ap, n0, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, rowsPer, seg,
    });
  });
}

export function addInPlace(k: Kernels, dst: Storage, src: Storage): void {
  const n = dst.size;
  if (n === 0) return;
  const f64 = isF64(dst);
  // In place (read-modify-write), it pays later than the other cheap ops (docs-src/tuning.md).
  if (k.threads.split(n, 2 * PAR.cheap)) {
    const chunk = k.threads.chunkSize(n, PAR.cheap >> 2);
    k.threads.dispatch('AddInPlace', f64, Math.ceil(n / chunk), { dst: ptrOf(dst), src: ptrOf(src), n, chunk });
    return;
  }
  (f64 ? k.wasm.addInPlace_f64 : k.wasm.addInPlace_f32)(ptrOf(dst), ptrOf(src), n);
}
