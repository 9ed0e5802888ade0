// Softmax family along n of a viewed as [outer, n, inner], plus fused softmax cross-entropy.
// Pointers are byte addresses; counts in elements. exp/log are scalar for now (a vectorised exp
// comes later), so these loops stay simple strided scalar code that also covers inner > 1.

import { elemShift, sexp, slog } from './simd';

/** NaN-propagating max of n elements spaced `step` bytes apart; 0 when all are -Infinity (or n = 0). */
@inline function stridedMax<T>(p: usize, n: i32, step: usize): T {
  let m: T = <T>-Infinity;
  for (let r = 0; r < n; r++) {
    const v = load<T>(p);
    if (v > m || v != v) m = v;
    p += step;
  }
  // An all -Infinity row would give -Inf - -Inf = NaN below; shifting by 0 keeps it finite.
  return m == <T>-Infinity ? <T>0 : m;
}

@inline function softmax<T>(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  const shift = elemShift<T>();
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const offset = (<usize>o * <usize>n * <usize>inner + <usize>i) << shift;
      const src = a + offset, dst = out + offset;
      const m = stridedMax<T>(src, n, step);
      let sum: T = <T>0;
      if (log) {
        let p = src;
        for (let r = 0; r < n; r++) { sum += sexp<T>(load<T>(p) - m); p += step; }
        // (x - m) - log(sum), not x - (m + log(sum)): for large logits m + log(sum) rounds
        // to m's ulp in float32, while x - m is exact.
        const logSum = slog<T>(sum);
        p = src;
        let q = dst;
        for (let r = 0; r < n; r++) { store<T>(q, (load<T>(p) - m) - logSum); p += step; q += step; }
      } else {
        let p = src, q = dst;
        for (let r = 0; r < n; r++) {
          const e = sexp<T>(load<T>(p) - m);
          store<T>(q, e);
          sum += e;
          p += step;
          q += step;
        }
        const inv = <T>1 / sum;
        q = dst;
        for (let r = 0; r < n; r++) { store<T>(q, load<T>(q) * inv); q += step; }
      }
    }
  }
}

/** softmax_f32(out: f32*, a: f32* [outer, n, inner], log: 0 softmax / 1 logSoftmax); out may alias a. */
export function softmax_f32(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmax<f32>(out, a, outer, n, inner, log);
}
/** softmax_f64: as softmax_f32 with f64 elements. */
export function softmax_f64(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmax<f64>(out, a, outer, n, inner, log);
}

@inline function softmaxGrad<T>(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  const shift = elemShift<T>();
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const offset = (<usize>o * <usize>n * <usize>inner + <usize>i) << shift;
      let acc: T = <T>0;
      let p = offset;
      if (log) {
        // dx = dy - exp(y) * sum(dy)
        for (let r = 0; r < n; r++) { acc += load<T>(dy + p); p += step; }
        p = offset;
        for (let r = 0; r < n; r++) {
          store<T>(out + p, load<T>(dy + p) - sexp<T>(load<T>(y + p)) * acc);
          p += step;
        }
      } else {
        // dx = y * (dy - sum(dy * y))
        for (let r = 0; r < n; r++) { acc += load<T>(dy + p) * load<T>(y + p); p += step; }
        p = offset;
        for (let r = 0; r < n; r++) {
          store<T>(out + p, load<T>(y + p) * (load<T>(dy + p) - acc));
          p += step;
        }
      }
    }
  }
}

/** softmaxGrad_f32(out: f32*, y: f32* cached forward output, dy: f32*, [outer, n, inner], log: 0/1). */
export function softmaxGrad_f32(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmaxGrad<f32>(out, y, dy, outer, n, inner, log);
}
/** softmaxGrad_f64: as softmaxGrad_f32 with f64 elements. */
export function softmaxGrad_f64(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmaxGrad<f64>(out, y, dy, outer, n, inner, log);
}

@inline function crossEntropy<T>(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  const shift = elemShift<T>();
  const rowBytes = <usize>C << shift;
  let total: f64 = 0;
  for (let i = 0; i < N; i++) {
    const src = logits + <usize>i * rowBytes, dst = probs + <usize>i * rowBytes;
    const m = stridedMax<T>(src, C, sizeof<T>());
    let sum: T = <T>0;
    for (let c = 0; c < C; c++) {
      const e = sexp<T>(load<T>(src + (<usize>c << shift)) - m);
      store<T>(dst + (<usize>c << shift), e);
      sum += e;
    }
    const inv = <T>1 / sum;
    for (let c = 0; c < C; c++) store<T>(dst + (<usize>c << shift), load<T>(dst + (<usize>c << shift)) * inv);
    // Loss via log-sum-exp in f64: log(prob) would underflow to -Infinity for confident mistakes.
    const label = load<i32>(labels + (<usize>i << 2));
    total += <f64>m + Math.log(<f64>sum) - <f64>load<T>(src + (<usize>label << shift));
  }
  return N > 0 ? total / <f64>N : NaN;
}

/** crossEntropy_f32(probs: f32* [N, C] written, logits: f32* [N, C], labels: i32* [N]) -> mean loss (f64). */
export function crossEntropy_f32(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  return crossEntropy<f32>(probs, logits, labels, N, C);
}
/** crossEntropy_f64: as crossEntropy_f32 with f64 elements. */
export function crossEntropy_f64(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  return crossEntropy<f64>(probs, logits, labels, N, C);
}

@inline function crossEntropyGrad<T>(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: T): void {
  const shift = elemShift<T>();
  const rowBytes = <usize>C << shift;
  const scaleVec = v128.splat<T>(scale);
  for (let i = 0; i < N; i++) {
    const src = probs + <usize>i * rowBytes, dst = out + <usize>i * rowBytes;
    const vecEnd = rowBytes & ~15;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) v128.store(dst + j, v128.mul<T>(v128.load(src + j), scaleVec));
    for (; j < rowBytes; j += sizeof<T>()) store<T>(dst + j, load<T>(src + j) * scale);
    const at = dst + (<usize>load<i32>(labels + (<usize>i << 2)) << shift);
    store<T>(at, load<T>(at) - scale);
  }
}

/** crossEntropyGrad_f32(out: f32* [N, C], probs: f32*, labels: i32* [N], scale): out = scale * (probs - onehot). */
export function crossEntropyGrad_f32(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: f64): void {
  crossEntropyGrad<f32>(out, probs, labels, N, C, <f32>scale);
}
/** crossEntropyGrad_f64: as crossEntropyGrad_f32 with f64 elements. */
export function crossEntropyGrad_f64(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: f64): void {
  crossEntropyGrad<f64>(out, probs, labels, N, C, scale);
}
