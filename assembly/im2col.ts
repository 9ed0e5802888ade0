// The convolution's geometry (the Plan a call writes into its scratch slot) and the implicit
// im2col of assembly/conv.ts: col(x)[k, p] = x[c, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw] for
// tap k = (c, ky, kx) and output position p = (oy, ox), zero outside the image, produced one tap
// row at a time (each output row a run of zeros, a strided read of an input row, zeros: the
// valid range is computed, not tested per element), its adjoint col2im, and the packing of
// col(x) blocks into matmul's NR-column panels.

import { elemShift, lanes } from './simd';
import { matmulPackB, nr } from './matmul';

/** One call's geometry and unit sizes, written at the start of a scratch slot. */
@unmanaged export class Plan {
  out: usize; a: usize; b: usize;
  N: i32; C: i32; H: i32; W: i32; O: i32; KH: i32; KW: i32; OH: i32; OW: i32;
  sh: i32; sw: i32; ph: i32; pw: i32; dh: i32; dw: i32; groups: i32;
  kind: i32; rowBlock: i32; colBlock: i32; slotBytes: i32;
  /** Weight gradient: images per image block, and the blocks' accumulators (0: one block, summed in the unit). */
  imgBlock: i32; partials: usize;
}

@inline export function cg(p: Plan): i32 { return p.C / p.groups; }
@inline export function og(p: Plan): i32 { return p.O / p.groups; }
@inline export function kg(p: Plan): i32 { return cg(p) * p.KH * p.KW; }
@inline export function positions(p: Plan): i32 { return p.OH * p.OW; }
/** 1x1, stride 1, no padding: col(x) is x itself ([Cg, H*W] with P = H*W). */
@inline export function isPointwise(p: Plan): bool {
  return p.KH == 1 && p.KW == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && p.OH == p.H && p.OW == p.W;
}

// ---- implicit im2col ----------------------------------------------------------------------------

/** ceil(a / b) for b > 0 and any sign of a. */
@inline export function ceilDiv(a: i32, b: i32): i32 { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

/** n zeros at dst (short runs: a loop, not a bulk-memory call, which costs more at this length). */
@inline export function zeroRun<T>(dst: usize, n: i32): void {
  const shift = elemShift<T>();
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) v128.store(dst + (<usize>i << shift), v128.splat<T>(<T>0));
  for (; i < n; i++) store<T>(dst + (<usize>i << shift), <T>0);
}

/** n elements from src to dst (no overlap). */
@inline export function copyRun<T>(dst: usize, src: usize, n: i32): void {
  const shift = elemShift<T>();
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) v128.store(dst + (<usize>i << shift), v128.load(src + (<usize>i << shift)));
  for (; i < n; i++) store<T>(dst + (<usize>i << shift), load<T>(src + (<usize>i << shift)));
}

/**
 * Row k = (c, ky, kx) of col(x) over output positions [p0, p0 + count) into buf (count
 * elements): plane is channel c's H x W image. Each output row is a run of zeros, a strided
 * read of one input row, and zeros (the valid ox range is computed, not tested per element).
 */
export function im2colRow<T>(buf: usize, plane: usize, p: Plan, ky: i32, kx: i32, p0: i32, count: i32): void {
  const shift = elemShift<T>();
  const OW = p.OW, sw = p.sw;
  const iyOff = ky * p.dh - p.ph, ixOff = kx * p.dw - p.pw;
  const oxLo = max(0, ceilDiv(-ixOff, sw)), oxHi = max(0, ceilDiv(p.W - ixOff, sw));
  let oy = p0 / OW, ox = p0 % OW, left = count;
  while (left > 0) {
    const n = min(left, OW - ox);
    const iy = oy * p.sh + iyOff;
    if (iy < 0 || iy >= p.H) {
      zeroRun<T>(buf, n);
    } else {
      const a = min(max(oxLo, ox), ox + n), b = max(a, min(oxHi, ox + n));
      zeroRun<T>(buf, a - ox);
      const src = plane + ((<usize>iy * <usize>p.W + <usize>(a * sw + ixOff)) << shift);
      const dst = buf + (<usize>(a - ox) << shift);
      const len = b - a;
      if (sw == 1) {
        copyRun<T>(dst, src, len);
      } else {
        const step = <usize>sw << shift;
        for (let i = 0; i < len; i++) store<T>(dst + (<usize>i << shift), load<T>(src + <usize>i * step));
      }
      zeroRun<T>(buf + (<usize>(b - ox) << shift), ox + n - b);
    }
    buf += <usize>n << shift;
    left -= n;
    oy++;
    ox = 0;
  }
}

/** The adjoint of im2colRow: adds buf (count elements) into channel plane at the taps' positions. */
export function col2imRow<T>(buf: usize, plane: usize, p: Plan, ky: i32, kx: i32, p0: i32, count: i32): void {
  const shift = elemShift<T>();
  const OW = p.OW, sw = p.sw;
  const iyOff = ky * p.dh - p.ph, ixOff = kx * p.dw - p.pw;
  const oxLo = max(0, ceilDiv(-ixOff, sw)), oxHi = max(0, ceilDiv(p.W - ixOff, sw));
  let oy = p0 / OW, ox = p0 % OW, left = count;
  while (left > 0) {
    const n = min(left, OW - ox);
    const iy = oy * p.sh + iyOff;
    if (iy >= 0 && iy < p.H) {
      const a = min(max(oxLo, ox), ox + n), b = max(a, min(oxHi, ox + n));
      let dst = plane + ((<usize>iy * <usize>p.W + <usize>(a * sw + ixOff)) << shift);
      let src = buf + (<usize>(a - ox) << shift);
      let i = 0;
      const len = b - a;
      if (sw == 1) {
        for (; i + lanes<T>() <= len; i += lanes<T>()) {
          v128.store(dst, v128.add<T>(v128.load(dst), v128.load(src)));
          dst += 16; src += 16;
        }
      }
      const step = <usize>sw << shift;
      for (; i < len; i++) {
        store<T>(dst, load<T>(dst) + load<T>(src));
        dst += step; src += sizeof<T>();
      }
    }
    buf += <usize>n << shift;
    left -= n;
    oy++;
    ox = 0;
  }
}

/**
 * Packs col(x) rows [k0, k0 + kc) x columns [j0, j0 + ncols) of one image's group (xg: its
 * first channel) into NR-column panels, as matmulPackB would from a stored matrix.
 */
export function packIm2col<T>(dst: usize, buf: usize, xg: usize, p: Plan, k0: i32, kc: i32, j0: i32, ncols: i32): void {
  const shift = elemShift<T>();
  const NR = nr<T>();
  if (isPointwise(p)) {
    matmulPackB<T>(dst, xg + ((<usize>k0 * <usize>positions(p) + <usize>j0) << shift), kc, ncols, positions(p), 1);
    return;
  }
  const KHW = p.KH * p.KW, plane = <usize>(p.H * p.W) << shift;
  const panelBytes = <usize>(NR * kc) << shift, rowBytes = <usize>NR << shift;
  for (let r = 0; r < kc; r++) {
    const k = k0 + r, c = k / KHW, t = k % KHW;
    im2colRow<T>(buf, xg + <usize>c * plane, p, t / p.KW, t % p.KW, j0, ncols);
    // Row r of every panel: NR elements of the row buffer (zeros past ncols).
    let out = dst + <usize>r * rowBytes, src = buf;
    let j = 0;
    for (; j + NR <= ncols; j += NR) {
      v128.store(out, v128.load(src));
      v128.store(out, v128.load(src, 16), 16);
      out += panelBytes; src += 32;
    }
    if (j < ncols) {
      for (let i = 0; i < NR; i++) store<T>(out + (<usize>i << shift), j + i < ncols ? load<T>(src + (<usize>i << shift)) : <T>0);
    }
  }
}
