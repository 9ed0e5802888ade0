// Pooling of the js backend over [planes, H, W] planes (the reference of assembly/pool.ts, the
// same loops in the same order): max pooling with the winner's in-plane index, average pooling
// (fixed or adaptive windows) and its adjoint. Geometry: PoolGeom in backend.ts.

import type { PoolGeom, Storage } from '../backend.js';
import { arr } from './storage.js';

export function maxPool2d(y: Storage, indices: Storage, x: Storage, g: PoolGeom): void {
  const Y = arr(y), I = arr(indices), X = arr(x);
  const { H, W, OH, OW, KH, KW, strideH, strideW, padH, padW, dilationH: dH, dilationW: dW } = g;
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const base = p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      let iy0 = oy * strideH - padH;
      const iy1 = Math.min(iy0 + (KH - 1) * dH + 1, H);
      if (iy0 < 0) iy0 += Math.ceil(-iy0 / dH) * dH; // the first tap inside the plane
      for (let ox = 0; ox < OW; ox++, o++) {
        let ix0 = ox * strideW - padW;
        const ix1 = Math.min(ix0 + (KW - 1) * dW + 1, W);
        if (ix0 < 0) ix0 += Math.ceil(-ix0 / dW) * dW;
        let best = -Infinity;
        let at = iy0 * W + ix0;
        for (let iy = iy0; iy < iy1; iy += dH) {
          for (let ix = ix0; ix < ix1; ix += dW) {
            const v = X[base + iy * W + ix];
            // PyTorch's rule: strictly greater replaces (ties keep the first), every NaN replaces
            if (v > best || v !== v) { best = v; at = iy * W + ix; }
          }
        }
        Y[o] = best;
        I[o] = at;
      }
    }
  }
}

/** dx = dy added at each window's winner (indices from maxPool2d), per plane in output order. */
export function maxPool2dBackward(dx: Storage, dy: Storage, indices: Storage, g: PoolGeom): void {
  const DX = arr(dx), DY = arr(dy), I = arr(indices);
  const plane = g.H * g.W, oplane = g.OH * g.OW;
  DX.fill(0);
  for (let p = 0; p < g.planes; p++) {
    for (let o = p * oplane; o < (p + 1) * oplane; o++) DX[p * plane + I[o]] += DY[o];
  }
}

/** The window of output o along one dimension: [lo, hi) inside the input and its size with padding. */
function avgWindow(o: number, size: number, outSize: number, k: number, s: number, p: number, adaptive: boolean): [number, number, number] {
  if (adaptive) {
    const lo = Math.floor((o * size) / outSize), hi = Math.ceil(((o + 1) * size) / outSize);
    return [lo, hi, hi - lo];
  }
  const lo = o * s - p;
  const hi = Math.min(lo + k, size + p);
  return [Math.max(lo, 0), Math.min(hi, size), hi - lo];
}

/** Visits every non-empty window: visit(output index, plane offset, y0, y1, x0, x1, divisor). */
function forEachWindow(g: PoolGeom, visit: (o: number, base: number, y0: number, y1: number, x0: number, x1: number, div: number) => void,
  empty: (o: number) => void): void {
  const { H, W, OH, OW, adaptive } = g;
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    for (let oy = 0; oy < OH; oy++) {
      const [y0, y1, py] = avgWindow(oy, H, OH, g.KH, g.strideH, g.padH, adaptive);
      for (let ox = 0; ox < OW; ox++, o++) {
        const [x0, x1, px] = avgWindow(ox, W, OW, g.KW, g.strideW, g.padW, adaptive);
        if (y0 >= y1 || x0 >= x1) { empty(o); continue; }
        const div = g.divisor !== 0 ? g.divisor : g.countIncludePad && !adaptive ? py * px : (y1 - y0) * (x1 - x0);
        visit(o, p * H * W, y0, y1, x0, x1, div);
      }
    }
  }
}

export function avgPool2d(y: Storage, x: Storage, g: PoolGeom): void {
  const Y = arr(y), X = arr(x), W = g.W;
  // float32 sums in float32, as the wasm kernel (Math.fround after each add)
  const round = y.dtype === 'float32' ? Math.fround : (v: number) => v;
  forEachWindow(g, (o, base, y0, y1, x0, x1, div) => {
    let sum = 0;
    for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) sum = round(sum + X[base + iy * W + ix]);
    Y[o] = sum / round(div);
  }, (o) => { Y[o] = 0; });
}

export function avgPool2dBackward(dx: Storage, dy: Storage, g: PoolGeom): void {
  const DX = arr(dx), DY = arr(dy), W = g.W;
  const round = dx.dtype === 'float32' ? Math.fround : (v: number) => v;
  DX.fill(0);
  forEachWindow(g, (o, base, y0, y1, x0, x1, div) => {
    const share = round(DY[o] / round(div));
    for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) DX[base + iy * W + ix] += share;
  }, () => {});
}
