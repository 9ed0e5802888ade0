// Convolution of the js backend: direct loops over the geometry (backend.ts ConvGeom). It is the
// reference the wasm GEMM kernels (assembly/conv.ts) are tested against, so it is written for
// clarity: each output element is the sum over its receptive field, and the two adjoints visit
// the same (output, tap) pairs and scatter or accumulate instead.

import type { ConvGeom, Storage } from '../backend.js';
import { arr } from './storage.js';

/**
 * Calls visit(yIndex, xIndex, wIndex) for every (output element, kernel tap) pair whose input
 * position lies inside x (taps on the zero padding contribute nothing and are skipped).
 */
function forEachTap(g: ConvGeom, visit: (yi: number, xi: number, wi: number) => void): void {
  const { N, C, H, W, O, KH, KW, OH, OW, groups } = g;
  const Cg = C / groups, Og = O / groups;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const grp = Math.floor(o / Og);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const yi = ((n * O + o) * OH + oy) * OW + ox;
          for (let c = 0; c < Cg; c++) {
            const ci = grp * Cg + c;
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * g.strideH - g.padH + ky * g.dilationH;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * g.strideW - g.padW + kx * g.dilationW;
                if (ix < 0 || ix >= W) continue;
                visit(yi, ((n * C + ci) * H + iy) * W + ix, ((o * Cg + c) * KH + ky) * KW + kx);
              }
            }
          }
        }
      }
    }
  }
}

export function conv2d(y: Storage, x: Storage, w: Storage, g: ConvGeom): void {
  const Y = arr(y), X = arr(x), Wt = arr(w);
  Y.fill(0);
  forEachTap(g, (yi, xi, wi) => { Y[yi] += X[xi] * Wt[wi]; });
}

export function conv2dBackwardInput(dx: Storage, dy: Storage, w: Storage, g: ConvGeom): void {
  const DX = arr(dx), DY = arr(dy), Wt = arr(w);
  DX.fill(0);
  forEachTap(g, (yi, xi, wi) => { DX[xi] += DY[yi] * Wt[wi]; });
}

export function conv2dBackwardWeight(dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void {
  const DW = arr(dw), X = arr(x), DY = arr(dy);
  DW.fill(0);
  forEachTap(g, (yi, xi, wi) => { DW[wi] += X[xi] * DY[yi]; });
}
