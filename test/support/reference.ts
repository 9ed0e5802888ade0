// A small plain-JS float64 reference implementation of the ops (row-major, NumPy semantics)
// that the op tests compare against. Nothing here uses the library's kernels.

import { sizeOf } from './random.js';

export interface Ref {
  shape: number[];
  data: number[];
}

export function ref(data: readonly number[], shape: readonly number[]): Ref {
  if (data.length !== sizeOf(shape)) throw new Error('ref: size mismatch');
  return { shape: shape.slice(), data: data.slice() };
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('ref: shapes do not broadcast');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Reads `x` broadcast to `shape` as flat data. */
export function broadcastTo(x: Ref, shape: readonly number[]): number[] {
  const n = shape.length;
  const xs = stridesOf(x.shape);
  const strides = shape.map((d, i) => {
    const j = x.shape.length - n + i;
    return j < 0 || x.shape[j] === 1 ? 0 : xs[j];
  });
  const out: number[] = [];
  const idx = new Array(n).fill(0);
  for (let k = 0; k < sizeOf(shape); k++) {
    let off = 0;
    for (let i = 0; i < n; i++) off += idx[i] * strides[i];
    out.push(x.data[off]);
    for (let i = n - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

export function refBinary(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const x = broadcastTo(a, shape);
  const y = broadcastTo(b, shape);
  return { shape, data: x.map((v, i) => f(v, y[i])) };
}

export function refUnary(a: Ref, f: (x: number) => number): Ref {
  return { shape: a.shape.slice(), data: a.data.map(f) };
}

export function normAxes(axis: number | number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + ndim : a)))].sort((p, q) => p - q);
}

/** Reduction over `axis` with `f` folding a list of values into one. */
export function refReduce(a: Ref, axis: number | number[] | undefined, keepdims: boolean,
  f: (vals: number[]) => number): Ref {
  const axes = normAxes(axis, a.shape.length);
  const keptShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  const ks = stridesOf(keptShape);
  const idx = new Array(a.shape.length).fill(0);
  for (let k = 0; k < a.data.length; k++) {
    let off = 0;
    for (let i = 0; i < idx.length; i++) if (!axes.includes(i)) off += idx[i] * ks[i];
    groups[off].push(a.data[k]);
    for (let i = idx.length - 1; i >= 0; i--) {
      if (++idx[i] < a.shape[i]) break;
      idx[i] = 0;
    }
  }
  const shape = keepdims ? keptShape : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: groups.map(f) };
}

export const fsum = (v: number[]) => v.reduce((p, q) => p + q, 0);
export const fmean = (v: number[]) => fsum(v) / v.length;
export const fmax = (v: number[]) => v.reduce((p, q) => (q > p ? q : p), -Infinity);

export function refTranspose(a: Ref, axes?: number[]): Ref {
  const n = a.shape.length;
  const perm = axes ?? Array.from({ length: n }, (_, i) => n - 1 - i);
  const shape = perm.map((p) => a.shape[p]);
  const as = stridesOf(a.shape);
  const strides = perm.map((p) => as[p]);
  const out: number[] = [];
  const idx = new Array(n).fill(0);
  for (let k = 0; k < a.data.length; k++) {
    let off = 0;
    for (let i = 0; i < n; i++) off += idx[i] * strides[i];
    out.push(a.data[off]);
    for (let i = n - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape, data: out };
}

/** NumPy matmul: 1-D operands are promoted and the added dimension removed afterwards. */
export function refMatmul(a: Ref, b: Ref): Ref {
  const aVec = a.shape.length === 1;
  const bVec = b.shape.length === 1;
  const A = aVec ? { shape: [1, a.shape[0]], data: a.data } : a;
  const B = bVec ? { shape: [b.shape[0], 1], data: b.data } : b;
  const M = A.shape[A.shape.length - 2];
  const K = A.shape[A.shape.length - 1];
  const K2 = B.shape[B.shape.length - 2];
  const N = B.shape[B.shape.length - 1];
  if (K !== K2) throw new Error('ref: inner dims');
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const Ab = broadcastTo(A, [...batch, M, K]);
  const Bb = broadcastTo(B, [...batch, K, N]);
  const nb = sizeOf(batch);
  const out: number[] = [];
  for (let p = 0; p < nb; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += Ab[p * M * K + i * K + k] * Bb[p * K * N + k * N + j];
        out.push(s);
      }
    }
  }
  let shape = [...batch, M, N];
  if (aVec) shape = [...shape.slice(0, -2), N];
  if (bVec) shape = aVec ? batch.slice() : [...batch, M];
  return { shape, data: out };
}

/** Softmax (or log-softmax) along one axis. */
export function refSoftmax(a: Ref, axis: number, log: boolean): Ref {
  const n = a.shape.length;
  const ax = axis < 0 ? axis + n : axis;
  const outer = sizeOf(a.shape.slice(0, ax));
  const len = a.shape[ax];
  const inner = sizeOf(a.shape.slice(ax + 1));
  const out = a.data.slice();
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => o * len * inner + k * inner + i;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, a.data[at(k)]);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp(a.data[at(k)] - m);
      for (let k = 0; k < len; k++) {
        const z = a.data[at(k)] - m;
        out[at(k)] = log ? z - Math.log(s) : Math.exp(z) / s;
      }
    }
  }
  return { shape: a.shape.slice(), data: out };
}

export function refSigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Plain matrix helpers on row-major flat data. */
export function matT(a: number[], rows: number, cols: number): number[] {
  const out = new Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

export function matMul(a: number[], b: number[], M: number, K: number, N: number): number[] {
  const out = new Array(M * N).fill(0);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
      out[i * N + j] = s;
    }
  }
  return out;
}
