// Pooling over [planes, H, W] planes (NCHW with planes = N·C; 1-d pooling uses H = KH = OH = 1):
// max pooling with the winner's index, average pooling (fixed or adaptive windows) and its
// adjoint, with their thread-task chunks. Pointers are byte addresses; sizes in elements.
// Planes are independent, so a chunk is a run of whole planes and no two chunks write one
// element. The geometry is checked by the TypeScript side (src/ops/pool.ts): every max-pooling
// window holds at least one input element.

import { MaxPoolSlot, MaxPoolBackwardSlot, AvgPoolSlot, AvgPoolBackwardSlot } from './opcodes';
import { argi, argp, arg, argF64, range, rangeHi } from './task';
import { elemShift } from './simd';

/**
 * Planes [p0, p1): y[p, oy, ox] = the max of x[p] over the window of (oy, ox); idx[p, oy, ox] =
 * its in-plane index iy·W + ix. As PyTorch: a later element wins only when strictly greater
 * (ties go to the first in window order), and every NaN wins (the value is then NaN).
 */
@inline function maxPoolPlanes<T>(y: usize, idx: usize, x: usize, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, p0: i32, p1: i32): void {
  const shift = elemShift<T>();
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  // f32 windows two columns wide at stride 2 (the common 2x2/2 and 3x2 layers): 4 outputs per
  // step with SIMD, for the outputs [oxA, oxB) whose columns lie inside the row
  const oxA = (pW + 1) >> 1, oxB = min(OW, ((W - 2 + pW) >> 1) + 1);
  const vec = sizeof<T>() == 4 && KW == 2 && sW == 2 && dW == 1 && oxB - oxA >= 4;
  for (let p = p0; p < p1; p++) {
    const xp = x + ((<usize>p * plane) << shift);
    let o = <usize>p * oplane;
    for (let oy = 0; oy < OH; oy++) {
      let iy0 = oy * sH - pH;
      const iy1 = min(iy0 + (KH - 1) * dH + 1, H);
      if (iy0 < 0) iy0 += ((-iy0 + dH - 1) / dH) * dH; // the first tap inside the plane
      for (let ox = 0; ox < OW; ox++, o++) {
        if (vec && ox >= oxA && ox < oxB) {
          // the last step of a row ends at oxB, overlapping the previous one (same values again)
          const s0 = min(ox, oxB - 4), back = <usize>(ox - s0);
          maxPool4x2(y + ((o - back) << 2), idx + ((o - back) << 2), xp, W, iy0, iy1, dH, s0 * 2 - pW);
          ox = s0 + 3;
          o += 3 - back;
          continue;
        }
        let ix0 = ox * sW - pW;
        const ix1 = min(ix0 + (KW - 1) * dW + 1, W);
        if (ix0 < 0) ix0 += ((-ix0 + dW - 1) / dW) * dW;
        let best = <T>-Infinity;
        let at = iy0 * W + ix0;
        for (let iy = iy0; iy < iy1; iy += dH) {
          const row = iy * W;
          for (let ix = ix0; ix < ix1; ix += dW) {
            const v = load<T>(xp + (<usize>(row + ix) << shift));
            if (v > best || v != v) { best = v; at = row + ix; }
          }
        }
        store<T>(y + (o << shift), best);
        store<i32>(idx + (o << 2), at);
      }
    }
  }
}

/**
 * Four f32 outputs of one output row whose windows are columns (c, c+1), (c+2, c+3), ... (c+6,
 * c+7) of rows iy0, iy0 + dH, ... < iy1: the even and odd columns are the two candidates per row,
 * taken in window order with the scalar rule (strictly greater, or NaN), lane by lane.
 */
@inline function maxPool4x2(y: usize, idx: usize, xp: usize, W: i32, iy0: i32, iy1: i32, dH: i32, c: i32): void {
  const evenCols = i32x4(0, 2, 4, 6);
  let best = f32x4.splat(-Infinity);
  let at = i32x4.add(i32x4.splat(iy0 * W + c), evenCols);
  for (let iy = iy0; iy < iy1; iy += dH) {
    const first = iy * W + c;
    const rowp = xp + (<usize>first << 2);
    const a = v128.load(rowp), b = v128.load(rowp, 16);
    const ie = i32x4.add(i32x4.splat(first), evenCols);
    let cand = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
    let take = v128.or(f32x4.gt(cand, best), f32x4.ne(cand, cand));
    best = v128.bitselect(cand, best, take);
    at = v128.bitselect(ie, at, take);
    cand = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    take = v128.or(f32x4.gt(cand, best), f32x4.ne(cand, cand));
    best = v128.bitselect(cand, best, take);
    at = v128.bitselect(i32x4.add(ie, i32x4.splat(1)), at, take);
  }
  v128.store(y, best);
  v128.store(idx, at);
}

/**
 * maxPool2d_f32(y: f32* [planes, OH, OW], idx: i32* [planes, OH, OW], x: f32* [planes, H, W], planes, H, W,
 * OH, OW, KH, KW, strideH, strideW, padH, padW, dilationH, dilationW): max pooling with indices.
 */
export function maxPool2d_f32(y: usize, idx: usize, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32): void {
  maxPoolPlanes<f32>(y, idx, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, dH, dW, 0, planes);
}
/** maxPool2d_f64: as maxPool2d_f32 with f64 elements. */
export function maxPool2d_f64(y: usize, idx: usize, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32): void {
  maxPoolPlanes<f64>(y, idx, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, dH, dW, 0, planes);
}

/**
 * Planes [p0, p1) of max pooling's backward: dx[p] (plane elements) zeroed, then each dy[p, o]
 * added at its winner's in-plane index idx[p, o], outputs in order (overlapping windows
 * accumulate). One pass per plane, while the plane is in cache, on the thread that owns it.
 */
@inline function maxPoolBackwardPlanes<T>(dx: usize, dy: usize, idx: usize, plane: i32, oplane: i32, p0: i32, p1: i32): void {
  const shift = elemShift<T>();
  for (let p = p0; p < p1; p++) {
    const d = dx + ((<usize>p * <usize>plane) << shift);
    memory.fill(d, 0, <usize>plane << shift);
    const o0 = <usize>p * <usize>oplane;
    for (let o: usize = 0; o < <usize>oplane; o++) {
      const at = d + (<usize>load<i32>(idx + ((o0 + o) << 2)) << shift);
      store<T>(at, load<T>(at) + load<T>(dy + ((o0 + o) << shift)));
    }
  }
}

/**
 * maxPool2dBackward_f32(dx: f32* [planes, plane] (overwritten), dy: f32* [planes, oplane],
 * idx: i32* [planes, oplane] (maxPool2d's indices), planes, plane = H*W, oplane = OH*OW):
 * dx = dy scattered to the winners, summed where windows share one.
 */
export function maxPool2dBackward_f32(dx: usize, dy: usize, idx: usize, planes: i32, plane: i32, oplane: i32): void {
  maxPoolBackwardPlanes<f32>(dx, dy, idx, plane, oplane, 0, planes);
}
/** maxPool2dBackward_f64: as maxPool2dBackward_f32 with f64 elements. */
export function maxPool2dBackward_f64(dx: usize, dy: usize, idx: usize, planes: i32, plane: i32, oplane: i32): void {
  maxPoolBackwardPlanes<f64>(dx, dy, idx, plane, oplane, 0, planes);
}

// ---- average pooling -----------------------------------------------------------------------------
// mode 0: fixed windows, divided by the window's size counting the padding (clipped at size + pad);
// mode 1: fixed windows, divided by the input elements they hold; mode 2: adaptive windows
// [floor(o·size/out), ceil((o+1)·size/out)). divisor != 0 replaces the count (divisorOverride).

/** The window of output o along one dimension: [winLo, winHi) inside the input, winPadded its size with padding. */
let winLo: i32 = 0, winHi: i32 = 0, winPadded: i32 = 0;
@inline function avgWindow(o: i32, size: i32, outSize: i32, k: i32, s: i32, p: i32, adaptive: bool): void {
  if (adaptive) {
    winLo = <i32>((<i64>o * <i64>size) / <i64>outSize);
    winHi = <i32>((<i64>(o + 1) * <i64>size + <i64>outSize - 1) / <i64>outSize);
    winPadded = winHi - winLo;
  } else {
    const lo = o * s - p;
    const hi = min(lo + k, size + p);
    winPadded = hi - lo;
    winLo = max(lo, 0);
    winHi = min(hi, size);
  }
}

/**
 * Planes [p0, p1) of average pooling (backward = false: y = the window means of x) or of its
 * adjoint (backward = true: x, zeroed here, receives y / divisor over each window).
 */
@inline function avgPoolPlanes<T>(y: usize, x: usize, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, mode: i32, divisor: T, backward: bool, p0: i32, p1: i32): void {
  const shift = elemShift<T>();
  const plane = <usize>H * <usize>W, oplane = <usize>OH * <usize>OW;
  const adaptive = mode == 2;
  if (backward) memory.fill(x + ((<usize>p0 * plane) << shift), 0, (<usize>(p1 - p0) * plane) << shift);
  for (let p = p0; p < p1; p++) {
    const xp = x + ((<usize>p * plane) << shift);
    let o = <usize>p * oplane;
    for (let oy = 0; oy < OH; oy++) {
      avgWindow(oy, H, OH, KH, sH, pH, adaptive);
      const iy0 = winLo, iy1 = winHi, py = winPadded;
      for (let ox = 0; ox < OW; ox++, o++) {
        avgWindow(ox, W, OW, KW, sW, pW, adaptive);
        const ix0 = winLo, ix1 = winHi, px = winPadded;
        const yo = y + (o << shift);
        if (iy0 >= iy1 || ix0 >= ix1) { // a window on the padding alone: 0, no gradient
          if (!backward) store<T>(yo, <T>0);
          continue;
        }
        const div: T = divisor != 0 ? divisor : <T>(mode == 0 ? py * px : (iy1 - iy0) * (ix1 - ix0));
        if (!backward) {
          let sum = <T>0;
          for (let iy = iy0; iy < iy1; iy++) {
            const row = xp + ((<usize>iy * <usize>W) << shift);
            for (let ix = ix0; ix < ix1; ix++) sum += load<T>(row + (<usize>ix << shift));
          }
          store<T>(yo, sum / div);
        } else {
          const g = load<T>(yo) / div;
          for (let iy = iy0; iy < iy1; iy++) {
            const row = xp + ((<usize>iy * <usize>W) << shift);
            for (let ix = ix0; ix < ix1; ix++) {
              const at = row + (<usize>ix << shift);
              store<T>(at, load<T>(at) + g);
            }
          }
        }
      }
    }
  }
}

/**
 * avgPool2d_f32(y: f32* [planes, OH, OW], x: f32* [planes, H, W], planes, H, W, OH, OW, KH, KW,
 * strideH, strideW, padH, padW, mode, divisor): average pooling (mode and divisor as above).
 */
export function avgPool2d_f32(y: usize, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, mode: i32, divisor: f64): void {
  avgPoolPlanes<f32>(y, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, <f32>divisor, false, 0, planes);
}
/** avgPool2d_f64: as avgPool2d_f32 with f64 elements. */
export function avgPool2d_f64(y: usize, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, mode: i32, divisor: f64): void {
  avgPoolPlanes<f64>(y, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, divisor, false, 0, planes);
}
/** avgPool2dBackward_f32(dx: f32* [planes, H, W] (overwritten), dy: f32* [planes, OH, OW], ...as avgPool2d_f32): the adjoint. */
export function avgPool2dBackward_f32(dx: usize, dy: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, mode: i32, divisor: f64): void {
  avgPoolPlanes<f32>(dy, dx, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, <f32>divisor, true, 0, planes);
}
/** avgPool2dBackward_f64: as avgPool2dBackward_f32 with f64 elements. */
export function avgPool2dBackward_f64(dx: usize, dy: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sH: i32, sW: i32, pH: i32, pW: i32, mode: i32, divisor: f64): void {
  avgPoolPlanes<f64>(dy, dx, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, divisor, true, 0, planes);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a MaxPool task: `per` planes. */
export function maxPoolChunk(args: usize, idx: i32): void {
  const p0 = <i32>range(idx, argp(args, MaxPoolSlot.Planes), argp(args, MaxPoolSlot.Per));
  const y = argp(args, MaxPoolSlot.Y), ix = argp(args, MaxPoolSlot.Idx), x = argp(args, MaxPoolSlot.X);
  const H = argi(args, MaxPoolSlot.H), W = argi(args, MaxPoolSlot.W), OH = argi(args, MaxPoolSlot.OH), OW = argi(args, MaxPoolSlot.OW);
  const KH = argi(args, MaxPoolSlot.KH), KW = argi(args, MaxPoolSlot.KW), sH = argi(args, MaxPoolSlot.SH), sW = argi(args, MaxPoolSlot.SW);
  const pH = argi(args, MaxPoolSlot.PH), pW = argi(args, MaxPoolSlot.PW), dH = argi(args, MaxPoolSlot.DH), dW = argi(args, MaxPoolSlot.DW);
  if (argF64(args)) maxPoolPlanes<f64>(y, ix, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, dH, dW, p0, <i32>rangeHi);
  else maxPoolPlanes<f32>(y, ix, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, dH, dW, p0, <i32>rangeHi);
}

/** Chunk idx of a MaxPoolBackward task: `per` planes of dx. */
export function maxPoolBackwardChunk(args: usize, idx: i32): void {
  const p0 = <i32>range(idx, argp(args, MaxPoolBackwardSlot.Planes), argp(args, MaxPoolBackwardSlot.Per));
  const dx = argp(args, MaxPoolBackwardSlot.Dx), dy = argp(args, MaxPoolBackwardSlot.Dy), ix = argp(args, MaxPoolBackwardSlot.Idx);
  const plane = argi(args, MaxPoolBackwardSlot.Plane), oplane = argi(args, MaxPoolBackwardSlot.Oplane);
  if (argF64(args)) maxPoolBackwardPlanes<f64>(dx, dy, ix, plane, oplane, p0, <i32>rangeHi);
  else maxPoolBackwardPlanes<f32>(dx, dy, ix, plane, oplane, p0, <i32>rangeHi);
}

/** Chunk idx of an AvgPool task: `per` planes. */
export function avgPoolChunk(args: usize, idx: i32): void {
  const p0 = <i32>range(idx, argp(args, AvgPoolSlot.Planes), argp(args, AvgPoolSlot.Per));
  const y = argp(args, AvgPoolSlot.Y), x = argp(args, AvgPoolSlot.X);
  const H = argi(args, AvgPoolSlot.H), W = argi(args, AvgPoolSlot.W), OH = argi(args, AvgPoolSlot.OH), OW = argi(args, AvgPoolSlot.OW);
  const KH = argi(args, AvgPoolSlot.KH), KW = argi(args, AvgPoolSlot.KW), sH = argi(args, AvgPoolSlot.SH), sW = argi(args, AvgPoolSlot.SW);
  const pH = argi(args, AvgPoolSlot.PH), pW = argi(args, AvgPoolSlot.PW), mode = argi(args, AvgPoolSlot.Mode);
  const divisor = arg(args, AvgPoolSlot.Divisor);
  if (argF64(args)) avgPoolPlanes<f64>(y, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, divisor, false, p0, <i32>rangeHi);
  else avgPoolPlanes<f32>(y, x, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, <f32>divisor, false, p0, <i32>rangeHi);
}

/** Chunk idx of an AvgPoolBackward task: `per` planes of dx. */
export function avgPoolBackwardChunk(args: usize, idx: i32): void {
  const p0 = <i32>range(idx, argp(args, AvgPoolBackwardSlot.Planes), argp(args, AvgPoolBackwardSlot.Per));
  const dx = argp(args, AvgPoolBackwardSlot.Dx), dy = argp(args, AvgPoolBackwardSlot.Dy);
  const H = argi(args, AvgPoolBackwardSlot.H), W = argi(args, AvgPoolBackwardSlot.W);
  const OH = argi(args, AvgPoolBackwardSlot.OH), OW = argi(args, AvgPoolBackwardSlot.OW);
  const KH = argi(args, AvgPoolBackwardSlot.KH), KW = argi(args, AvgPoolBackwardSlot.KW);
  const sH = argi(args, AvgPoolBackwardSlot.SH), sW = argi(args, AvgPoolBackwardSlot.SW);
  const pH = argi(args, AvgPoolBackwardSlot.PH), pW = argi(args, AvgPoolBackwardSlot.PW);
  const mode = argi(args, AvgPoolBackwardSlot.Mode), divisor = arg(args, AvgPoolBackwardSlot.Divisor);
  if (argF64(args)) avgPoolPlanes<f64>(dy, dx, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, divisor, true, p0, <i32>rangeHi);
  else avgPoolPlanes<f32>(dy, dx, H, W, OH, OW, KH, KW, sH, sW, pH, pW, mode, <f32>divisor, true, p0, <i32>rangeHi);
}
