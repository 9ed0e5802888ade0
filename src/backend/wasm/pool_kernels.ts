// Pooling of the wasm backend (assembly/pool.ts). Planes are independent, so above the
// 'reduce' threshold (window elements visited) a call is split into runs of whole planes.
// (The file is not pool.ts: that name is the worker pool's.)

import type { PoolGeom, Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR } from './thresholds.js';

/** Window elements a call visits (its work, for the thread threshold). */
const work = (g: PoolGeom): number => g.planes * g.OH * g.OW * g.KH * g.KW;
/** Average-pooling mode of the kernels: 0 counts the padding, 1 does not, 2 adaptive windows. */
const avgMode = (g: PoolGeom): number => (g.adaptive ? 2 : g.countIncludePad ? 0 : 1);

export function maxPool2d(k: Kernels, y: Storage, indices: Storage, x: Storage, g: PoolGeom): void {
  if (y.size === 0) return;
  const f64 = isF64(y);
  if (k.threads.split(work(g), PAR.reduce)) {
    const per = k.threads.perChunk(g.planes, work(g), PAR.reduce >> 2);
    k.threads.dispatch('MaxPool', f64, Math.ceil(g.planes / per), {
      y: ptrOf(y), idx: ptrOf(indices), x: ptrOf(x), planes: g.planes, H: g.H, W: g.W, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW,
      sH: g.strideH, sW: g.strideW, pH: g.padH, pW: g.padW, dH: g.dilationH, dW: g.dilationW, per,
    });
    return;
  }
  (f64 ? k.wasm.maxPool2d_f64 : k.wasm.maxPool2d_f32)(ptrOf(y), ptrOf(indices), ptrOf(x), g.planes, g.H, g.W, g.OH, g.OW,
    g.KH, g.KW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW);
}

/** dx = dy scattered to the winners (indices from maxPool2d); split over planes, each zeroed by its chunk. */
export function maxPool2dBackward(k: Kernels, dx: Storage, dy: Storage, indices: Storage, g: PoolGeom): void {
  if (dx.size === 0) return;
  const f64 = isF64(dx), plane = g.H * g.W, oplane = g.OH * g.OW;
  if (k.threads.split(dx.size, PAR.reduce)) {
    const per = k.threads.perChunk(g.planes, dx.size, PAR.reduce >> 2);
    k.threads.dispatch('MaxPoolBackward', f64, Math.ceil(g.planes / per), {
      dx: ptrOf(dx), dy: ptrOf(dy), idx: ptrOf(indices), planes: g.planes, plane, oplane, per,
    });
    return;
  }
  (f64 ? k.wasm.maxPool2dBackward_f64 : k.wasm.maxPool2dBackward_f32)(ptrOf(dx), ptrOf(dy), ptrOf(indices), g.planes, plane, oplane);
}

export function avgPool2d(k: Kernels, y: Storage, x: Storage, g: PoolGeom): void {
  if (y.size === 0) return;
  const f64 = isF64(y), mode = avgMode(g);
  if (k.threads.split(work(g), PAR.reduce)) {
    const per = k.threads.perChunk(g.planes, work(g), PAR.reduce >> 2);
    k.threads.dispatch('AvgPool', f64, Math.ceil(g.planes / per), {
      y: ptrOf(y), x: ptrOf(x), planes: g.planes, H: g.H, W: g.W, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW,
      sH: g.strideH, sW: g.strideW, pH: g.padH, pW: g.padW, mode, divisor: g.divisor, per,
    });
    return;
  }
  (f64 ? k.wasm.avgPool2d_f64 : k.wasm.avgPool2d_f32)(ptrOf(y), ptrOf(x), g.planes, g.H, g.W, g.OH, g.OW,
    g.KH, g.KW, g.strideH, g.strideW, g.padH, g.padW, mode, g.divisor);
}

export function avgPool2dBackward(k: Kernels, dx: Storage, dy: Storage, g: PoolGeom): void {
  if (dx.size === 0) return;
  if (dy.size === 0) { k.heap.fill(dx, 0); return; }
  const f64 = isF64(dx), mode = avgMode(g);
  if (k.threads.split(work(g), PAR.reduce)) {
    const per = k.threads.perChunk(g.planes, work(g), PAR.reduce >> 2);
    k.threads.dispatch('AvgPoolBackward', f64, Math.ceil(g.planes / per), {
      dx: ptrOf(dx), dy: ptrOf(dy), planes: g.planes, H: g.H, W: g.W, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW,
      sH: g.strideH, sW: g.strideW, pH: g.padH, pW: g.padW, mode, divisor: g.divisor, per,
    });
    return;
  }
  (f64 ? k.wasm.avgPool2dBackward_f64 : k.wasm.avgPool2dBackward_f32)(ptrOf(dx), ptrOf(dy), g.planes, g.H, g.W, g.OH, g.OW,
    g.KH, g.KW, g.strideH, g.strideW, g.padH, g.padW, mode, g.divisor);
}
