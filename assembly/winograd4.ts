// The transforms of Winograd F(4x4, 3x3) (Lavin & Gray 2015) for assembly/winograd.ts, which
// runs them like those of F(2x2, 3x3): 6x6 input patches, 36 GEMMs, 4x4 output tiles (2.25
// multiplies per output and channel instead of 4, for larger rounding errors). Four horizontally
// adjacent tiles per vector, as there. Toom-Cook interpolation points 0, 1, -1, 1/2, -2 and ∞
// (Barabasz et al. 2018): simulated in float32 over 64 channels, their largest error is 2.2x
// below that of the usual 0, ±1, ±2, ∞ (3.8e-6 against 8.5e-6 of the largest output; ±1/2 gives
// 1.3e-5), for transforms a third denser.
//   Bᵀ = [1 -3/2 -2 3/2 1 0; 0 -1 1/2 5/2 1 0; 0 1 -5/2 1/2 1 0; 0 -2 -1 2 1 0; 0 1/2 -1 -1/2 1 0;
//         0 1 -3/2 -2 3/2 1]
//   G  = [1 0 0; 1/3 1/3 1/3; -1/3 1/3 -1/3; -16/15 -8/15 -4/15; 1/15 -2/15 4/15; 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0; 0 1 -1 1/8 -8 1]

/** G, row-major 6 x 3. */
const G6 = memory.data<f64>([
  1, 0, 0,
  1.0 / 3, 1.0 / 3, 1.0 / 3,
  -1.0 / 3, 1.0 / 3, -1.0 / 3,
  -16.0 / 15, -8.0 / 15, -4.0 / 15,
  1.0 / 15, -2.0 / 15, 4.0 / 15,
  0, 0, 1,
]);

/** G g Gᵀ of one 3x3 filter g (rows r0, r1, r2) to dst + ξ*stride for ξ = 6i + j, computed in float64. */
export function filterTransform4(dst: usize, stride: usize,
  g00: f64, g01: f64, g02: f64, g10: f64, g11: f64, g12: f64, g20: f64, g21: f64, g22: f64): void {
  for (let i = 0; i < 6; i++) {
    // Row i of G g.
    const at = G6 + (<usize>(i * 3) << 3);
    const a = load<f64>(at), b = load<f64>(at, 8), c = load<f64>(at, 16);
    const t0 = a * g00 + b * g10 + c * g20, t1 = a * g01 + b * g11 + c * g21, t2 = a * g02 + b * g12 + c * g22;
    for (let j = 0; j < 6; j++) {
      const gj = G6 + (<usize>(j * 3) << 3);
      store<f32>(dst + <usize>(i * 6 + j) * stride, <f32>(t0 * load<f64>(gj) + t1 * load<f64>(gj, 8) + t2 * load<f64>(gj, 16)));
    }
  }
}

@inline function sp(x: f32): v128 { return f32x4.splat(x); }

/** Bᵀ applied to (d0 .. d5): the 6 results to out, out + stride, ... */
@inline function bt6(out: usize, stride: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128): void {
  const e = v128.sub<f32>(d3, d1), q = v128.sub<f32>(d4, d2);
  // d0 - 3/2 d1 - 2 d2 + 3/2 d3 + d4 = (d0 - d2) + q + 3/2 e
  v128.store(out, v128.add<f32>(v128.add<f32>(v128.sub<f32>(d0, d2), q), v128.mul<f32>(sp(1.5), e)));
  // -d1 + 1/2 d2 + 5/2 d3 + d4
  v128.store(out + stride, v128.add<f32>(v128.sub<f32>(d4, d1), v128.mul<f32>(sp(0.5), v128.add<f32>(d2, v128.mul<f32>(sp(5), d3)))));
  // d1 - 5/2 d2 + 1/2 d3 + d4
  v128.store(out + 2 * stride, v128.add<f32>(v128.add<f32>(d4, d1), v128.mul<f32>(sp(0.5), v128.sub<f32>(d3, v128.mul<f32>(sp(5), d2)))));
  // -2 d1 - d2 + 2 d3 + d4 = q + 2 e;  1/2 d1 - d2 - 1/2 d3 + d4 = q - 1/2 e
  v128.store(out + 3 * stride, v128.add<f32>(q, v128.add<f32>(e, e)));
  v128.store(out + 4 * stride, v128.sub<f32>(q, v128.mul<f32>(sp(0.5), e)));
  // d1 - 3/2 d2 - 2 d3 + 3/2 d4 + d5 = (d5 - d3) - e + 3/2 q
  v128.store(out + 5 * stride, v128.add<f32>(v128.sub<f32>(v128.sub<f32>(d5, d3), e), v128.mul<f32>(sp(1.5), q)));
}

/** Aᵀ applied to (m0 .. m5): the 4 results to out, out + stride, ... */
@inline function at6(out: usize, stride: usize, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): void {
  const s12 = v128.add<f32>(m1, m2), d12 = v128.sub<f32>(m1, m2);
  v128.store(out, v128.add<f32>(v128.add<f32>(m0, s12), v128.add<f32>(m3, m4)));
  v128.store(out + stride, v128.add<f32>(d12, v128.sub<f32>(v128.mul<f32>(sp(0.5), m3), v128.mul<f32>(sp(2), m4))));
  v128.store(out + 2 * stride, v128.add<f32>(s12, v128.add<f32>(v128.mul<f32>(sp(0.25), m3), v128.mul<f32>(sp(4), m4))));
  v128.store(out + 3 * stride,
    v128.add<f32>(v128.add<f32>(d12, v128.sub<f32>(v128.mul<f32>(sp(0.125), m3), v128.mul<f32>(sp(8), m4))), m5));
}

/**
 * Bᵀ d B for four adjacent tiles (lane l: the 6x6 patch at src + 4l columns, rows rowBytes
 * apart; src holds 20 readable floats per row): element ξ = 6i + j to dst + ξ*xiStride. tmp:
 * 576 bytes for the row pass.
 */
@inline export function inputTiles4(dst: usize, xiStride: usize, src: usize, rowBytes: usize, tmp: usize): void {
  for (let r = 0; r < 6; r++) {
    const s = src + <usize>r * rowBytes;
    const a = v128.load(s), b = v128.load(s, 16), c = v128.load(s, 32), d = v128.load(s, 48), e = v128.load(s, 64);
    // Columns 0..3 of the four patches: a 4x4 transpose; columns 4 and 5: lanes 0 and 1 of b..e.
    const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5), t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
    const u0 = v128.shuffle<f32>(b, c, 0, 4, 1, 5), u1 = v128.shuffle<f32>(d, e, 0, 4, 1, 5);
    bt6(tmp + <usize>(r * 96), 16,
      v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7),
      v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7),
      v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
  }
  for (let j = 0; j < 6; j++) {
    const t = tmp + <usize>(j * 16);
    bt6(dst + <usize>j * xiStride, 6 * xiStride,
      v128.load(t), v128.load(t, 96), v128.load(t, 192), v128.load(t, 288), v128.load(t, 384), v128.load(t, 480));
  }
}

/** The first n (< 4) lanes of v to dst. */
@inline function storeLanes(dst: usize, v: v128, n: i32): void {
  if (n > 0) store<f32>(dst, v128.extract_lane<f32>(v, 0));
  if (n > 1) store<f32>(dst, v128.extract_lane<f32>(v, 1), 4);
  if (n > 2) store<f32>(dst, v128.extract_lane<f32>(v, 2), 8);
}

/** Output row of four tiles (yc: lane l = column c of tile l): 16 floats at dst, cropped to n. */
@inline function storeRow4(dst: usize, y0: v128, y1: v128, y2: v128, y3: v128, n: i32): void {
  const t0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
  const p0 = v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), p1 = v128.shuffle<f32>(t0, t2, 2, 3, 6, 7);
  const p2 = v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), p3 = v128.shuffle<f32>(t1, t3, 2, 3, 6, 7);
  if (n >= 16) {
    v128.store(dst, p0); v128.store(dst, p1, 16); v128.store(dst, p2, 32); v128.store(dst, p3, 48);
    return;
  }
  if (n < 4) { storeLanes(dst, p0, n); return; }
  v128.store(dst, p0);
  if (n < 8) { storeLanes(dst + 16, p1, n - 4); return; }
  v128.store(dst, p1, 16);
  if (n < 12) { storeLanes(dst + 32, p2, n - 8); return; }
  v128.store(dst, p2, 32);
  storeLanes(dst + 48, p3, n - 12);
}

/**
 * Aᵀ m A for four tiles (m[ξ] at src + ξ*xiStride) into `rows` (≤ 4) output rows from dst,
 * rowBytes apart, cols (≤ 16) columns. tmp: 384 bytes for the column pass.
 */
@inline export function outputTiles4(dst: usize, rowBytes: usize, src: usize, xiStride: usize, rows: i32, cols: i32, tmp: usize): void {
  for (let j = 0; j < 6; j++) {
    const m = src + <usize>j * xiStride, step = xiStride * 6;
    at6(tmp + <usize>(j * 16), 96, v128.load(m), v128.load(m + step), v128.load(m + 2 * step), v128.load(m + 3 * step),
      v128.load(m + 4 * step), v128.load(m + 5 * step));
  }
  for (let r = 0; r < rows; r++) {
    const t = tmp + <usize>(r * 96);
    at6(t, 16, v128.load(t), v128.load(t, 16), v128.load(t, 32), v128.load(t, 48), v128.load(t, 64), v128.load(t, 80));
    storeRow4(dst + <usize>r * rowBytes, v128.load(t), v128.load(t, 16), v128.load(t, 32), v128.load(t, 48), cols);
  }
}
