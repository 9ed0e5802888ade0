// The TensorFlow.js engine for the random programs: each wasmgrad op mapped to its tf.js
// counterpart (cpu backend, float32) — elementwise and reduce ops by the catalog's `tf` name
// (test/catalog/ops.ts), the others below. Where tf.js lacks a form, it is composed from ops it has,
// which keeps the comparison independent of wasmgrad:
// - matmul with 1-D operands: reshape to a row/column and back (NumPy's rule);
// - matmul with broadcast batch dims: tf.broadcastTo first (tf.matMul's gradient does not
//   reduce broadcast batch dims);
// - softmax/logSoftmax on an axis other than the last: transpose it last and back;
// - crossEntropy: tf.losses.softmaxCrossEntropy with one-hot labels, reduction MEAN;
// - mseLoss: tf.losses.meanSquaredError with the target broadcast to the prediction;
// - the "other" ops (other-steps.ts): narrow → tf.slice, cat → tf.concat, pad → tf.pad then
//   tf.slice for negative (cropping) amounts, flip → tf.reverse, permute → tf.transpose,
//   squeeze → tf.squeeze of the named size-1 dims, unsqueeze → tf.expandDims, indexSelect →
//   tf.gather, where(gt) → tf.where(tf.greater) on operands broadcast first, clamp →
//   tf.clipByValue (±Infinity for a missing bound), prod → tf.prod, logsumexp → tf.logSumExp,
//   cumsum → tf.cumsum on the axis transposed last (tf.js's Cumsum gradient is wrong for other
//   axes; 0-d: the identity). gather (torch.gather) has no tf.js counterpart:
//   programs drawing it are skipped and counted.
// - more-steps.ts: stack → tf.stack, select → tf.slice + tf.squeeze, a split/chunk piece →
//   tf.slice, tril/triu → tf.mul by the 0/1 band mask (tf.linalg.bandPart takes no negative
//   diagonal), maskedFill → tf.where(tf.greater), var/std → mean, squared deviations, sum ÷
//   (N − correction) (tf.moments has no correction), norm → its formula in tf ops (tf.norm
//   takes two axes as a matrix norm), argmax/argmin → tf.argMax/argMin into tf.gather or
//   tf.equal (into torch.gather: skipped), crossEntropy → tf.losses.softmaxCrossEntropy with
//   labelSmoothing and weights 0 for ignored labels (mean = SUM_BY_NONZERO_WEIGHTS), nllLoss →
//   −Σ onehot·x with the same weights, l1Loss/huberLoss/BCE-with-logits →
//   tf.losses.absoluteDifference/huberLoss/sigmoidCrossEntropy.
// - cnn-steps.ts (conv, pooling, norms, embedding, attention, dropout): see cnn-tf.ts.

import * as tf from '@tensorflow/tfjs';
import type { Axis, BinaryOp, Engine, Outcome, Program, ReduceOp, Shape, UnaryOp } from './programs.js';
import { evaluate } from './programs.js';
import type { OtherInstr } from './other-steps.js';
import { type MoreInstr, IGNORE_DEFAULT, pieceSizes, triangleMask } from './more-steps.js';
import { entry } from '../catalog/ops.js';
import { CNN_KINDS, type CnnInstr } from './cnn-steps.js';
import { cnnTfOk, tfCnn } from './cnn-tf.js';

let ready: Promise<void> | null = null;

/** Selects tf.js's cpu backend once (quietly: tf.js prints a hint about tfjs-node on import). */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

function axesOf(ndim: number, axis: Axis): number[] | undefined {
  if (axis === undefined) return undefined;
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + ndim : a));
}

function broadcastBoth(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const n = Math.max(a.rank, b.rank);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.shape[a.rank - n + i] ?? 1, y = b.shape[b.rank - n + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  const to = (t: tf.Tensor) => (t.shape.join() === out.join() ? t : tf.broadcastTo(t, out));
  return [to(a), to(b)];
}

function broadcastShape(s: number[], t: number[]): number[] {
  const n = Math.max(s.length, t.length);
  return Array.from({ length: n }, (_, i) => {
    const x = s[s.length - n + i] ?? 1, y = t[t.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** The tf.js function a catalog entry names (its `tf` field). */
function tfOp(op: string): (...args: any[]) => tf.Tensor {
  const name = entry(op).tf;
  const f = name === undefined ? undefined : (tf as any)[name];
  if (typeof f !== 'function') throw new Error(`${op}: no tf.js counterpart (the catalog's tf field): the program should have been skipped`);
  return f;
}

/**
 * Whether every op of the program has a tf.js counterpart (the catalog's `tf` field; not gather)
 * and no node is empty: tf.js's gradients of broadcasting and gather into or out of size-0
 * tensors reshape them to non-empty shapes and throw (size-0 shapes are checked wasm vs js).
 */
export function tfComparable(prog: Program): boolean {
  return prog.shapes.every((s) => !s.includes(0))
    && prog.instrs.every((ins) => ins.k !== 'gather' && !(ins.k === 'argIndex' && ins.use === 'gather')
      && (!('op' in ins) || entry(ins.op).tf !== undefined) && (!CNN_KINDS.includes(ins.k) || cnnTfOk(ins as CnnInstr)));
}

class TfEngine implements Engine<tf.Tensor> {
  input(data: Float64Array, shape: Shape): tf.Tensor { return tf.tensor(Float32Array.from(data), shape, 'float32'); }
  constant(data: Float64Array, shape: Shape): tf.Tensor { return tf.tensor(Float32Array.from(data), shape, 'float32'); }
  // tf.js's Maximum/Minimum gradients do not sum over broadcast dims: both operands are broadcast first
  bin(op: BinaryOp, a: tf.Tensor, b: tf.Tensor): tf.Tensor { return tfOp(op)(...broadcastBoth(a, b)); }
  num(op: BinaryOp, a: tf.Tensor, c: number, numFirst: boolean): tf.Tensor {
    const s = tf.scalar(c, 'float32');
    return numFirst ? this.bin(op, s, a) : this.bin(op, a, s);
  }
  un(op: UnaryOp, a: tf.Tensor): tf.Tensor { return tfOp(op)(a); }
  red(op: ReduceOp, a: tf.Tensor, axis: Axis, keepdims: boolean): tf.Tensor {
    const ax = axesOf(a.rank, axis);
    if (ax !== undefined && ax.length === 0) return tf.clone(a); // NumPy: reducing over no axes is the identity
    return tfOp(op)(a, ax, keepdims);
  }
  reshape(a: tf.Tensor, shape: Shape): tf.Tensor { return tf.reshape(a, shape); }
  transpose(a: tf.Tensor, perm: number[] | undefined): tf.Tensor { return tf.transpose(a, perm); }
  matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    const aVec = a.rank === 1, bVec = b.rank === 1;
    let A = aVec ? tf.reshape(a, [1, a.shape[0]]) : a;
    let B = bVec ? tf.reshape(b, [b.shape[0], 1]) : b;
    const ab = A.shape.slice(0, -2), bb = B.shape.slice(0, -2);
    const n = Math.max(ab.length, bb.length);
    const batch: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = ab[ab.length - n + i] ?? 1, y = bb[bb.length - n + i] ?? 1;
      batch.push(x === 1 ? y : x);
    }
    if (n > 0) {
      const at = [...batch, ...A.shape.slice(-2)], bt = [...batch, ...B.shape.slice(-2)];
      if (at.join() !== A.shape.join()) A = tf.broadcastTo(A, at);
      if (bt.join() !== B.shape.join()) B = tf.broadcastTo(B, bt);
    }
    const C = tf.matMul(A, B);
    let shape = C.shape.slice();
    if (bVec) shape.pop();
    if (aVec) shape.splice(shape.length - (bVec ? 1 : 2), 1);
    if (shape.join() !== C.shape.join()) return tf.reshape(C, shape);
    return C;
  }
  softmax(a: tf.Tensor, axis: number, log: boolean): tf.Tensor {
    const n = a.rank;
    const ax = axis < 0 ? axis + n : axis;
    const f = (t: tf.Tensor) => (log ? tf.logSoftmax(t) : tf.softmax(t));
    if (ax === n - 1) return f(a);
    const perm = Array.from({ length: n }, (_, i) => i).filter((i) => i !== ax).concat([ax]);
    const inv = new Array<number>(n);
    perm.forEach((p, i) => { inv[p] = i; });
    return tf.transpose(f(tf.transpose(a, perm)), inv);
  }
  crossEntropy(a: tf.Tensor, labels: number[]): tf.Tensor {
    const C = a.shape[1]!;
    // tf.oneHot needs depth >= 2; a one-hot matrix is built directly (C may be 1)
    const data = new Float32Array(labels.length * C);
    labels.forEach((l, i) => { data[i * C + l] = 1; });
    const onehot = tf.tensor2d(data, [labels.length, C]);
    return tf.losses.softmaxCrossEntropy(onehot, a, undefined, 0, tf.Reduction.MEAN);
  }
  mse(pred: tf.Tensor, target: tf.Tensor): tf.Tensor {
    const t = target.shape.join() === pred.shape.join() ? target : tf.broadcastTo(target, pred.shape);
    return tf.losses.meanSquaredError(t, pred, undefined, tf.Reduction.MEAN);
  }
  other(ins: OtherInstr, xs: tf.Tensor[]): tf.Tensor {
    const [a] = xs;
    const n = a.rank;
    const nd = (d: number, rank = n) => (d < 0 ? d + rank : d);
    switch (ins.k) {
      case 'narrow': {
        const d = nd(ins.dim), size = a.shape[d]!;
        const begin = a.shape.map(() => 0), len = a.shape.slice();
        begin[d] = ins.start < 0 ? ins.start + size : ins.start;
        len[d] = ins.length;
        return tf.slice(a, begin, len);
      }
      case 'cat': return tf.concat(xs, nd(ins.dim));
      case 'pad': {
        const pairs: [number, number][] = a.shape.map(() => [0, 0]);
        for (let k = 0; k < ins.pads.length / 2; k++) pairs[n - 1 - k] = [ins.pads[2 * k], ins.pads[2 * k + 1]];
        const padded = tf.pad(a, pairs.map(([x, y]) => [Math.max(x, 0), Math.max(y, 0)] as [number, number]), ins.value);
        if (pairs.every(([x, y]) => x >= 0 && y >= 0)) return padded;
        const begin = pairs.map(([x]) => Math.max(-x, 0));
        const size = padded.shape.map((s, d) => s - begin[d] - Math.max(-pairs[d][1], 0));
        return tf.slice(padded, begin, size);
      }
      case 'flip': return tf.reverse(a, (Array.isArray(ins.dims) ? ins.dims : [ins.dims]).map((d) => nd(d)));
      case 'permute': return tf.transpose(a, ins.dims.map((d) => nd(d)));
      case 'squeeze': {
        if (ins.dim === undefined) return tf.squeeze(a);
        const ones = (Array.isArray(ins.dim) ? ins.dim : [ins.dim]).map((d) => nd(d)).filter((d) => a.shape[d] === 1);
        return ones.length === 0 ? tf.clone(a) : tf.squeeze(a, ones);
      }
      case 'unsqueeze': return tf.expandDims(a, nd(ins.dim, n + 1));
      case 'indexSelect': return tf.gather(a, tf.tensor1d(ins.indices, 'int32'), nd(ins.dim));
      case 'gather': throw new Error('gather has no tf.js counterpart: the program should have been skipped');
      case 'where': {
        const [c1, c2, x, y] = xs;
        // tf.Greater has no gradient function: the mask enters as a constant (no gradient through it)
        const gt = tf.greater(c1, c2);
        const cond = tf.tensor(gt.dataSync(), gt.shape, 'bool');
        const out = [cond.shape, x.shape, y.shape].reduce((s, t) => broadcastShape(s, t));
        const to = (t: tf.Tensor) => (t.shape.join() === out.join() ? t : tf.broadcastTo(t, out));
        return tf.where(to(cond), to(x), to(y));
      }
      case 'clamp': return tf.clipByValue(a, ins.min ?? -Infinity, ins.max ?? Infinity);
      case 'prod': {
        const ax = axesOf(n, ins.axis);
        if (ax !== undefined && ax.length === 0) return tf.clone(a);
        return tf.prod(a, ax, ins.keepdims);
      }
      case 'logsumexp': return tf.logSumExp(a, axesOf(n, ins.axis), ins.keepdims);
      case 'cumsum': {
        // tf.js's Cumsum gradient transposes wrongly for an axis other than the last: move it last
        if (n === 0) return tf.clone(a);
        const ax = nd(ins.dim);
        if (ax === n - 1) return tf.cumsum(a, ax);
        const perm = a.shape.map((_, i) => i).filter((i) => i !== ax).concat([ax]);
        const inv = new Array<number>(n);
        perm.forEach((p, i) => { inv[p] = i; });
        return tf.transpose(tf.cumsum(tf.transpose(a, perm), n - 1), inv);
      }
      default: return this.more(ins, xs);
    }
  }
  more(ins: MoreInstr, xs: tf.Tensor[]): tf.Tensor {
    const [a] = xs;
    const n = a.rank;
    const nd = (d: number, rank = n) => (d < 0 ? d + rank : d);
    const reduction = (r: string | undefined, weighted = false) => (r === 'sum' ? tf.Reduction.SUM : r === 'none' ? tf.Reduction.NONE
      : weighted ? tf.Reduction.SUM_BY_NONZERO_WEIGHTS : tf.Reduction.MEAN);
    const axes = (axis: Axis) => axesOf(n, axis);
    switch (ins.k) {
      case 'stack': return tf.stack(xs, nd(ins.dim, n + 1));
      case 'select': {
        const d = nd(ins.dim), size = a.shape.slice();
        const begin = a.shape.map(() => 0);
        begin[d] = ins.index < 0 ? ins.index + a.shape[d]! : ins.index;
        size[d] = 1;
        return tf.squeeze(tf.slice(a, begin, size), [d]);
      }
      case 'piece': {
        const d = nd(ins.dim), size = a.shape.slice();
        const begin = a.shape.map(() => 0);
        begin[d] = ins.offset;
        size[d] = pieceSizes(ins.how, ins.arg, a.shape[d]!)[ins.take];
        return tf.slice(a, begin, size);
      }
      case 'triangle': {
        const [rows, cols] = a.shape.slice(-2) as number[];
        return tf.mul(a, tf.tensor(Float32Array.from(triangleMask(rows, cols, ins.upper, ins.diagonal)), [rows, cols]));
      }
      case 'maskedFill': {
        const [c1, c2, x] = xs;
        const gt = tf.greater(c1, c2);
        const cond = tf.broadcastTo(tf.tensor(gt.dataSync(), gt.shape, 'bool'), x.shape);
        return tf.where(cond, tf.fill(x.shape, ins.value), x);
      }
      case 'variance': {
        const ax = axes(ins.axis) ?? a.shape.map((_, i) => i);
        const count = ax.reduce((t, d) => t * a.shape[d]!, 1);
        const dev = tf.sub(a, tf.mean(a, ax, true));
        const v = tf.div(tf.sum(tf.mul(dev, dev), ax, ins.keepdims), count - ins.correction);
        return ins.std ? tf.sqrt(v) : v;
      }
      case 'norm': {
        const ax = axes(ins.axis), k = ins.keepdims, p = ins.p;
        if (p === 2 || p === 'fro') return tf.sqrt(tf.sum(tf.square(a), ax, k));
        if (p === 1) return tf.sum(tf.abs(a), ax, k);
        if (p === Infinity) return tf.max(tf.abs(a), ax, k);
        if (p === 0) {
          const count = tf.sum(constant(tf.cast(tf.notEqual(a, 0), 'float32')), ax, k);
          return tf.add(count, tf.mul(tf.sum(a, ax, k), 0)); // on the graph, with a zero gradient
        }
        return tf.pow(tf.sum(tf.pow(tf.abs(a), p), ax, k), 1 / p);
      }
      case 'argIndex': {
        const src = xs[1], d = nd(ins.dim);
        const idx = constant(ins.lowest ? tf.argMin(src, d) : tf.argMax(src, d));
        if (ins.use === 'indexSelect') return tf.gather(a, tf.reshape(idx, [-1]), d);
        if (ins.use === 'eq') return tf.mul(a, constant(tf.cast(tf.equal(tf.expandDims(idx, d), ins.match), 'float32')));
        throw new Error('argmax into gather has no tf.js counterpart: the program should have been skipped');
      }
      case 'ceX': case 'nll': {
        const [N, C] = a.shape as number[];
        const ignored = ins.ignoreIndex ?? IGNORE_DEFAULT;
        const data = new Float32Array(N * C);
        ins.labels.forEach((l, i) => { if (l !== ignored) data[i * C + l] = 1; });
        const onehot = tf.tensor2d(data, [N, C]);
        const w = tf.tensor1d(ins.labels.map((l) => (l === ignored ? 0 : 1)), 'float32');
        if (ins.k === 'ceX') return tf.losses.softmaxCrossEntropy(onehot, a, w, ins.smoothing, reduction(ins.reduction, true));
        const each = tf.mul(tf.neg(tf.sum(tf.mul(a, onehot), 1)), w);
        if (ins.reduction === 'none') return each;
        const total = tf.sum(each);
        return ins.reduction === 'sum' ? total : tf.div(total, ins.labels.filter((l) => l !== ignored).length);
      }
      case 'pointLoss': {
        const t = xs[1], r = reduction(ins.reduction);
        if (ins.loss === 'l1Loss') return tf.losses.absoluteDifference(t, a, undefined, r);
        if (ins.loss === 'huberLoss') return tf.losses.huberLoss(t, a, undefined, ins.delta ?? 1, r);
        return tf.losses.sigmoidCrossEntropy(t, a, undefined, 0, r);
      }
      default: return tfCnn(ins, xs); // conv, pooling, norms, embedding, attention, dropout (cnn-tf.ts)
    }
  }
  weightedSum(a: tf.Tensor, w: tf.Tensor): tf.Tensor { return tf.sum(tf.mul(a, w)); }
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor { return tf.add(a, b); }
  shapeOf(a: tf.Tensor): Shape { return a.shape.slice(); }
}

/** t's values as a new tensor off the graph (tf.js has no gradient for comparisons: they are constants). */
function constant(t: tf.Tensor): tf.Tensor { return tf.tensor(t.dataSync(), t.shape, t.dtype); }

/** Value and input gradients of a (repaired) program in tf.js. */
export function runTf(prog: Program): Outcome {
  let out: Outcome | null = null;
  tf.tidy(() => {
    const eng = new TfEngine();
    const inputs = prog.inputs.map((inp) => eng.input(inp.data, inp.shape));
    const f = (...xs: tf.Tensor[]) => evaluate(prog, eng, xs).total as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    out = {
      value: value.dataSync()[0],
      grads: grads.map((g, i) => {
        if (g.shape.join() !== prog.inputs[i].shape.join()) throw new Error(`tf grad of input #${i} has shape [${g.shape}]`);
        return Float64Array.from(g.dataSync());
      }),
    };
  });
  return out!;
}

export function tfMemory(): number {
  return tf.memory().numTensors;
}
