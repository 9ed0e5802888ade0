// The pure-JS backend: plain typed-array loops. It is the reference the wasm kernels are tested
// against, the fallback where WebAssembly SIMD is missing, and the baseline of the benchmarks.

import {
  Backend, Binary, Reduce, SType, Storage, Unary, UnaryGrad, bytesPer,
} from '../backend.js';
import { collapseDims } from '../strides.js';
import { OutOfMemoryError, WasmgradError } from '../../errors.js';

type FArray = Float32Array | Float64Array;
type AnyArray = FArray | Int32Array;

export class JsStorage implements Storage {
  readonly backend = 'js' as const;
  refs = 0;
  freed = false;
  readonly bytes: number;
  constructor(readonly dtype: SType, readonly size: number, public arr: AnyArray) {
    this.bytes = size * bytesPer(dtype);
  }
}

const MAX_ELEMENTS = 2 ** 31 - 1;

function makeArray(dtype: SType, n: number): AnyArray {
  if (dtype === 'float64') return new Float64Array(n);
  if (dtype === 'int32') return new Int32Array(n);
  return new Float32Array(n);
}

function arr(s: Storage): FArray {
  return (s as JsStorage).arr as FArray;
}

function sigmoid(x: number): number {
  // Stable on both sides: exp of a non-positive number only.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function unaryFn(op: Unary): (x: number) => number {
  switch (op) {
    case Unary.Neg: return (x) => -x;
    case Unary.Exp: return Math.exp;
    case Unary.Log: return Math.log;
    case Unary.Sqrt: return Math.sqrt;
    case Unary.Abs: return Math.abs;
    case Unary.Tanh: return Math.tanh;
    case Unary.Sigmoid: return sigmoid;
    case Unary.Relu: return (x) => (x > 0 ? x : 0);
    case Unary.Step: return (x) => (x > 0 ? 1 : 0);
    case Unary.Sign: return (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);
    case Unary.Square: return (x) => x * x;
    case Unary.Reciprocal: return (x) => 1 / x;
  }
  throw new WasmgradError(`unary: unknown op code ${op}`);
}

function binaryFn(op: Binary): (a: number, b: number) => number {
  switch (op) {
    case Binary.Add: return (a, b) => a + b;
    case Binary.Sub: return (a, b) => a - b;
    case Binary.Mul: return (a, b) => a * b;
    case Binary.Div: return (a, b) => a / b;
    case Binary.Pow: return Math.pow;
    case Binary.Maximum: return (a, b) => (a !== a || b !== b ? NaN : a >= b ? a : b);
    case Binary.Minimum: return (a, b) => (a !== a || b !== b ? NaN : a <= b ? a : b);
    case Binary.GreaterEqual: return (a, b) => (a >= b ? 1 : 0);
    case Binary.Less: return (a, b) => (a < b ? 1 : 0);
    case Binary.LessEqual: return (a, b) => (a <= b ? 1 : 0);
    case Binary.Greater: return (a, b) => (a > b ? 1 : 0);
  }
  throw new WasmgradError(`binary: unknown op code ${op}`);
}

export class JsBackend implements Backend {
  readonly name = 'js' as const;

  /** Live storages and their bytes, counted here where they are made and freed. */
  private live = { count: 0, bytes: 0 };

  alloc(dtype: SType, size: number): Storage {
    if (!Number.isInteger(size) || size < 0) {
      throw new WasmgradError(`alloc: cannot allocate ${String(size)} elements of ${dtype}`);
    }
    let a: AnyArray;
    try {
      if (size > MAX_ELEMENTS) throw new RangeError(`the js backend holds at most ${MAX_ELEMENTS} elements per tensor`);
      a = makeArray(dtype, size);
    } catch (e) {
      // The limit, or the engine's own refusal (e.g. "Array buffer allocation failed").
      throw new OutOfMemoryError(`alloc: cannot allocate ${size * bytesPer(dtype)} bytes (${size} elements): ${(e as Error).message}`);
    }
    const s = new JsStorage(dtype, size, a);
    this.live.count++;
    this.live.bytes += s.bytes;
    return s;
  }

  free(s: Storage): void {
    const js = s as JsStorage;
    if (js.freed) return;
    js.freed = true;
    js.arr = makeArray(js.dtype, 0);
    this.live.count--;
    this.live.bytes -= js.bytes;
  }

  liveAllocations(): { count: number; bytes: number } {
    return { ...this.live };
  }

  write(s: Storage, src: ArrayLike<number>, offset = 0): void {
    const a = (s as JsStorage).arr;
    if (ArrayBuffer.isView(src)) a.set(src as unknown as ArrayLike<number>, offset);
    else for (let i = 0; i < src.length; i++) a[offset + i] = src[i];
  }

  read(s: Storage): Float32Array | Float64Array | Int32Array {
    return (s as JsStorage).arr.slice();
  }

  get(s: Storage, index: number): number {
    return (s as JsStorage).arr[index];
  }

  fill(s: Storage, value: number): void {
    (s as JsStorage).arr.fill(value);
  }

  cast(out: Storage, a: Storage): void {
    (out as JsStorage).arr.set((a as JsStorage).arr);
  }

  heapBytes(): number {
    return 0;
  }

  unary(op: Unary, out: Storage, a: Storage): void {
    const o = arr(out), x = arr(a), n = out.size;
    const f = unaryFn(op);
    for (let i = 0; i < n; i++) o[i] = f(x[i]);
  }

  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
    const o = arr(out), s = arr(saved), g = arr(dy), n = out.size;
    switch (op) {
      case UnaryGrad.Sigmoid: for (let i = 0; i < n; i++) o[i] = g[i] * s[i] * (1 - s[i]); break;
      case UnaryGrad.Tanh: for (let i = 0; i < n; i++) o[i] = g[i] * (1 - s[i] * s[i]); break;
      case UnaryGrad.Relu: for (let i = 0; i < n; i++) o[i] = s[i] > 0 ? g[i] : 0; break;
      case UnaryGrad.Abs:
        for (let i = 0; i < n; i++) o[i] = s[i] > 0 ? g[i] : s[i] < 0 ? -g[i] : s[i] === 0 ? 0 : NaN;
        break;
      default: throw new WasmgradError(`unaryGrad: unknown op code ${op}`);
    }
  }

  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void {
    if (out.size === 0) return;
    const o = arr(out), x = arr(a), y = arr(b);
    const f = binaryFn(op);
    const c = collapseDims(shape, [aStrides, bStrides]);
    const dims = c.shape, as = c.strides[0], bs = c.strides[1];
    const nd = dims.length;
    if (nd === 0) { o[0] = f(x[0], y[0]); return; }
    const inner = dims[nd - 1], ai = as[nd - 1], bi = bs[nd - 1];
    const outerCount = out.size / inner;
    const idx = new Array<number>(nd).fill(0);
    let pa = 0, pb = 0, po = 0;
    for (let r = 0; r < outerCount; r++) {
      let ia = pa, ib = pb;
      for (let j = 0; j < inner; j++, ia += ai, ib += bi) o[po++] = f(x[ia], y[ib]);
      // advance the odometer over the outer dims
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]++;
        pa += as[d]; pb += bs[d];
        if (idx[d] < dims[d]) break;
        pa -= as[d] * dims[d]; pb -= bs[d] * dims[d];
        idx[d] = 0;
      }
    }
  }

  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
    if (out.size === 0) return;
    const o = (out as JsStorage).arr, x = (a as JsStorage).arr;
    const c = collapseDims(shape, [strides]);
    const dims = c.shape, st = c.strides[0], nd = dims.length;
    if (nd === 0) { o[0] = x[offset]; return; }
    const inner = dims[nd - 1], si = st[nd - 1];
    const outerCount = out.size / inner;
    const idx = new Array<number>(nd).fill(0);
    let p = offset, po = 0;
    for (let r = 0; r < outerCount; r++) {
      let ia = p;
      for (let j = 0; j < inner; j++, ia += si) o[po++] = x[ia];
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]++;
        p += st[d];
        if (idx[d] < dims[d]) break;
        p -= st[d] * dims[d];
        idx[d] = 0;
      }
    }
  }

  addInPlace(dst: Storage, src: Storage): void {
    const d = arr(dst), s = arr(src), n = dst.size;
    for (let i = 0; i < n; i++) d[i] += s[i];
  }

  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    const o = arr(out), x = arr(a);
    const isMax = op === Reduce.Max;
    // Accumulate in float64 then round once (the wasm backend accumulates in the dtype itself;
    // both stay within float32 tolerance of each other).
    for (let p = 0; p < outer; p++) {
      for (let i = 0; i < inner; i++) {
        let acc = isMax ? -Infinity : 0;
        let base = p * red * inner + i;
        for (let r = 0; r < red; r++, base += inner) {
          const v = x[base];
          if (isMax) { if (v > acc || v !== v) { acc = v; if (v !== v) break; } } else acc += v;
        }
        o[p * inner + i] = acc;
      }
    }
  }

  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    const o = arr(out), x = arr(a);
    o.fill(0);
    for (let p = 0; p < outer; p++) {
      for (let i = 0; i < inner; i++) {
        const base = p * red * inner + i;
        let best = -Infinity, bestR = 0;
        for (let r = 0; r < red; r++) {
          const v = x[base + r * inner];
          if (v !== v) { bestR = r; break; }
          if (v > best) { best = v; bestR = r; }
        }
        if (red > 0) o[base + bestR * inner] = 1;
      }
    }
  }

  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
    const c = arr(out), x = arr(a), y = arr(b);
    // Element (i, k) of op(A) and (k, j) of op(B) through strides.
    const aRow = transA ? 1 : K, aCol = transA ? M : 1;
    const bRow = transB ? 1 : N, bCol = transB ? K : 1;
    const row = new Float64Array(N);
    for (let t = 0; t < batch; t++) {
      const ao = t * aBatchStride, bo = t * bBatchStride, co = t * M * N;
      for (let i = 0; i < M; i++) {
        row.fill(0);
        // i-k-j order: the inner loop walks a row of op(B) (contiguous unless transB).
        for (let k = 0; k < K; k++) {
          const aik = x[ao + i * aRow + k * aCol];
          const bk = bo + k * bRow;
          for (let j = 0; j < N; j++) row[j] += aik * y[bk + j * bCol];
        }
        for (let j = 0; j < N; j++) c[co + i * N + j] = row[j];
      }
    }
  }

  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
    const o = arr(out), x = arr(a);
    for (let p = 0; p < outer; p++) {
      for (let i = 0; i < inner; i++) {
        const base = p * n * inner + i;
        let m = -Infinity;
        for (let r = 0; r < n; r++) { const v = x[base + r * inner]; if (v > m || v !== v) m = v; }
        if (m === -Infinity) m = 0;
        let s = 0;
        for (let r = 0; r < n; r++) s += Math.exp(x[base + r * inner] - m);
        if (log) {
          const logSum = Math.log(s);
          for (let r = 0; r < n; r++) o[base + r * inner] = (x[base + r * inner] - m) - logSum;
        } else {
          const inv = 1 / s;
          for (let r = 0; r < n; r++) o[base + r * inner] = Math.exp(x[base + r * inner] - m) * inv;
        }
      }
    }
  }

  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
    const o = arr(out), s = arr(y), g = arr(dy);
    for (let p = 0; p < outer; p++) {
      for (let i = 0; i < inner; i++) {
        const base = p * n * inner + i;
        let acc = 0;
        if (log) {
          for (let r = 0; r < n; r++) acc += g[base + r * inner];
          for (let r = 0; r < n; r++) {
            const k = base + r * inner;
            o[k] = g[k] - Math.exp(s[k]) * acc;
          }
        } else {
          for (let r = 0; r < n; r++) acc += g[base + r * inner] * s[base + r * inner];
          for (let r = 0; r < n; r++) {
            const k = base + r * inner;
            o[k] = s[k] * (g[k] - acc);
          }
        }
      }
    }
  }

  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
    const p = arr(probs), x = arr(logits), lab = (labels as JsStorage).arr;
    let total = 0;
    for (let i = 0; i < N; i++) {
      const base = i * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) { const v = x[base + c]; if (v > m || v !== v) m = v; }
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
      const inv = 1 / s;
      for (let c = 0; c < C; c++) p[base + c] = Math.exp(x[base + c] - m) * inv;
      total += m + Math.log(s) - x[base + lab[i]];
    }
    return N > 0 ? total / N : NaN;
  }

  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
    const o = arr(out), p = arr(probs), lab = (labels as JsStorage).arr;
    for (let i = 0; i < N; i++) {
      const base = i * C;
      for (let c = 0; c < C; c++) o[base + c] = scale * p[base + c];
      o[base + lab[i]] -= scale;
    }
  }

  // ---- optimizer updates -----------------------------------------------------------------------
  // Written in the order PyTorch evaluates them; state is read back after each store, so a
  // float32 step uses the rounded values it keeps (as the wasm kernels do).

  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
    const p = arr(param), g = arr(grad), n = param.size;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) {
        let d = g[i];
        if (weightDecay !== 0) d = d + weightDecay * p[i];
        p[i] = p[i] - lr * d;
      }
      return;
    }
    if (velocity === null) throw new WasmgradError('sgdStep: momentum > 0 needs a velocity buffer');
    const b = arr(velocity), damp = 1 - dampening;
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (weightDecay !== 0) d = d + weightDecay * p[i];
      b[i] = firstStep ? d : momentum * b[i] + damp * d;
      d = nesterov ? d + momentum * b[i] : b[i];
      p[i] = p[i] - lr * d;
    }
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void {
    const p = arr(param), g = arr(grad), ma = arr(m), va = arr(v), n = param.size;
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    const b1c = 1 - beta1, b2c = 1 - beta2, decay = 1 - lr * weightDecay;
    const decayParam = weightDecay !== 0 && decoupled, decayGrad = weightDecay !== 0 && !decoupled;
    for (let i = 0; i < n; i++) {
      if (decayParam) p[i] = p[i] * decay;
      let gi = g[i];
      if (decayGrad) gi = gi + weightDecay * p[i];
      ma[i] = beta1 * ma[i] + b1c * gi;
      va[i] = beta2 * va[i] + b2c * gi * gi;
      const denom = Math.sqrt(va[i]) / bc2Sqrt + eps;
      p[i] = p[i] - stepSize * (ma[i] / denom);
    }
  }
}

export const jsBackend: Backend = new JsBackend();
