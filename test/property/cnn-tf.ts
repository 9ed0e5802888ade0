// The TensorFlow.js counterparts of the CNN/transformer steps (cnn-steps.ts), composed from tf ops
// so the comparison stays independent of wasmgrad:
// - conv1d/conv2d → tf.conv2d in NHWC (1-D as H = 1) on the input padded with tf.pad, groups as
//   tf.split + tf.concat; dilation as a dilated filter (zeros inserted by two 0/1 matMuls: tf.js
//   has no gradient of a dilated conv2d, and refuses stride and dilation together);
// - convTranspose1d/2d → tf.conv2dTranspose ('valid', the full output) per group with the dilated
//   filter, then the outputPadding appended with tf.pad and the padding cropped with tf.slice;
// - maxPool2d/avgPool2d → tf.maxPool/tf.avgPool 'valid' on the input padded with tf.pad (−1e30
//   for max, 0 for avg with countIncludePad); skipped with ceilMode, dilation, or
//   countIncludePad: false with padding; adaptiveAvgPool2d: skipped;
// - batchNorm (training: batch statistics by tf.moments; eval: the running statistics),
//   groupNorm and layerNorm → (x − mean)/√(var + eps)·weight + bias with tf.moments;
// - embedding → tf.gather (the paddingIdx row enters as a constant: no gradient);
// - scaledDotProductAttention → tf.matMul, scale, an additive mask (−1e9 where masked), tf.softmax,
//   tf.matMul; dropout (p = 0 or eval) → the identity.

import * as tf from '@tensorflow/tfjs';
import type { CnnInstr } from './cnn-steps.js';

/** Whether tf.js has the step with the same semantics (else the program is not compared to tf). */
export function cnnTfOk(ins: CnnInstr): boolean {
  switch (ins.k) {
    case 'pool': return !ins.ceilMode && ins.dilation.every((d) => d === 1) && (ins.countIncludePad || ins.pad.every((p) => p === 0));
    case 'adaptivePool': return false;
    default: return true;
  }
}

const off = (t: tf.Tensor) => tf.tensor(t.dataSync(), t.shape, t.dtype);

export function tfCnn(ins: CnnInstr, xs: tf.Tensor[]): tf.Tensor {
  const [a] = xs;
  const affine = (y: tf.Tensor, shape: number[]): tf.Tensor => {
    let j = 1;
    if ('w' in ins && ins.w !== null) y = tf.mul(y, tf.reshape(xs[j++], shape));
    if ('bias' in ins && ins.bias !== null) y = tf.add(y, tf.reshape(xs[j++], shape));
    return y;
  };
  const normalize = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, eps: number) =>
    tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  switch (ins.k) {
    case 'conv': return conv(ins, xs);
    case 'pool': {
      let x = a.rank === 3 ? tf.expandDims(a, 0) : a;
      x = tf.transpose(x, [0, 2, 3, 1]);
      const [ph, pw] = ins.pad;
      if (ph > 0 || pw > 0) x = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]], ins.kind === 'max' ? -1e30 : 0);
      const k = ins.kernel as [number, number], s = ins.stride as [number, number];
      let y = ins.kind === 'max' ? tf.maxPool(x as tf.Tensor4D, k, s, 'valid') : tf.avgPool(x as tf.Tensor4D, k, s, 'valid');
      y = tf.transpose(y, [0, 3, 1, 2]);
      return a.rank === 3 ? tf.squeeze(y, [0]) : y;
    }
    case 'adaptivePool': throw new Error('adaptiveAvgPool2d has no tf.js counterpart: the program should have been skipped');
    case 'batchNorm': {
      const C = a.shape[1]!;
      const chan = a.shape.map((d, i) => (i === 1 ? C : 1));
      const axes = a.shape.map((_, i) => i).filter((i) => i !== 1);
      let mean: tf.Tensor, variance: tf.Tensor;
      if (ins.training) ({ mean, variance } = tf.moments(a, axes, true));
      else {
        mean = tf.tensor(Float32Array.from(ins.stats![0]), chan);
        variance = tf.tensor(Float32Array.from(ins.stats![1]), chan);
      }
      return affine(normalize(a, mean, variance, ins.eps), chan);
    }
    case 'groupNorm': {
      const [N, C] = a.shape as number[];
      const g = tf.reshape(a, [N, ins.groups, -1]);
      const { mean, variance } = tf.moments(g, [2], true);
      return affine(tf.reshape(normalize(g, mean, variance, ins.eps), a.shape), a.shape.map((d, i) => (i === 1 ? C : 1)));
    }
    case 'layerNorm': {
      const k = ins.nshape.length, n = a.rank;
      const { mean, variance } = tf.moments(a, Array.from({ length: k }, (_, i) => n - k + i), true);
      return affine(normalize(a, mean, variance, ins.eps), ins.nshape);
    }
    case 'embedding': {
      const [V, D] = a.shape as number[];
      let w = a;
      if (ins.paddingIdx !== null) {
        const p = ins.paddingIdx < 0 ? ins.paddingIdx + V : ins.paddingIdx;
        const keep = tf.tensor2d(Array.from({ length: V }, (_, i) => (i === p ? 0 : 1)), [V, 1]);
        w = tf.add(tf.mul(a, keep), tf.mul(off(a), tf.sub(1, keep)));
      }
      const rows = tf.gather(w, tf.tensor1d(ins.indices, 'int32'), 0);
      return tf.reshape(rows, [...ins.ishape, D]);
    }
    case 'attention': {
      const [q, k, v] = xs;
      const L = q.shape[q.rank - 2]!, E = q.shape[q.rank - 1]!, S = k.shape[k.rank - 2]!;
      const batch = [q, k, v].map((t) => t.shape.slice(0, -2) as number[]).reduce((x, y) => {
        const n = Math.max(x.length, y.length);
        return Array.from({ length: n }, (_, i) => {
          const p = x[x.length - n + i] ?? 1, r = y[y.length - n + i] ?? 1;
          return p === 1 ? r : p;
        });
      });
      const to = (t: tf.Tensor) => {
        const s = [...batch, ...t.shape.slice(-2)];
        return t.shape.join() === s.join() ? t : tf.broadcastTo(t, s);
      };
      let scores = tf.mul(tf.matMul(to(q), to(k), false, true), ins.scale ?? 1 / Math.sqrt(E));
      const m = ins.mask;
      if (m !== null) {
        let add: tf.Tensor;
        if (m.kind === 'causal') {
          add = tf.tensor2d(Array.from({ length: L * S }, (_, i) => (i % S <= Math.floor(i / S) ? 0 : -1e9)), [L, S]);
        } else if (m.kind === 'bool') add = tf.tensor(Float32Array.from(m.data, (x) => (x !== 0 ? 0 : -1e9)), m.shape);
        else add = tf.tensor(Float32Array.from(m.data), m.shape);
        scores = tf.add(scores, add);
      }
      return tf.matMul(tf.softmax(scores), to(v));
    }
    case 'dropout': return a;
  }
}

/** conv1d/conv2d/convTranspose1d/convTranspose2d in NHWC (1-D as H = 1), groups by split + concat. */
function conv(ins: Extract<CnnInstr, { k: 'conv' }>, xs: tf.Tensor[]): tf.Tensor {
  let [x, w] = xs;
  const bias = ins.bias === null ? null : xs[2];
  if (ins.unbatched) x = tf.expandDims(x, 0);
  if (ins.dims === 1) { x = tf.expandDims(x, 2); w = tf.expandDims(w, 2); }
  x = tf.transpose(x, [0, 2, 3, 1]);
  const g = ins.groups;
  const xg = g > 1 ? tf.split(x, g, 3) : [x];
  const wg = g > 1 ? tf.split(w, g, 0) : [w];
  const s = ins.stride as [number, number];
  const outs = xg.map((xi, i) => {
    // [kh, kw, in, out] (transposed: [kh, kw, out, in])
    const filter = dilate(tf.transpose(wg[i], [2, 3, 1, 0]) as tf.Tensor4D, ins.dilation);
    if (!ins.transpose) {
      const padded = tf.pad(xi, [[0, 0], ins.pad[0], ins.pad[1], [0, 0]]) as tf.Tensor4D;
      return tf.conv2d(padded, filter, s, 'valid');
    }
    const [N, H, W] = xi.shape as number[];
    const [kh, kw, outC] = filter.shape;
    const full: [number, number, number, number] = [N, (H - 1) * s[0] + kh, (W - 1) * s[1] + kw, outC];
    return tf.conv2dTranspose(xi as tf.Tensor4D, filter, full, s, 'valid');
  });
  let y = outs.length > 1 ? tf.concat(outs, 3) : outs[0];
  if (ins.transpose) {
    const [oh, ow] = ins.outPad;
    if (oh > 0 || ow > 0) y = tf.pad(y, [[0, 0], [0, oh], [0, ow], [0, 0]]);
    const [ph, pw] = [ins.pad[0][0], ins.pad[1][0]];
    y = tf.slice(y, [0, ph, pw, 0], [y.shape[0]!, y.shape[1]! - 2 * ph, y.shape[2]! - 2 * pw, y.shape[3]!]);
  }
  if (bias !== null) y = tf.add(y, tf.reshape(bias, [1, 1, 1, -1]));
  y = tf.transpose(y, [0, 3, 1, 2]);
  if (ins.dims === 1) y = tf.squeeze(y, [2]);
  return ins.unbatched ? tf.squeeze(y, [0]) : y;
}

/** A filter [kh, kw, i, o] with dilation-1 zeros between its taps: two matMuls by 0/1 matrices (differentiable). */
function dilate(f: tf.Tensor4D, dilation: number[]): tf.Tensor4D {
  const [kh, kw, ci, co] = f.shape;
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return f;
  const spread = (k: number, d: number) => {
    const n = d * (k - 1) + 1;
    return tf.tensor2d(Array.from({ length: n * k }, (_, j) => (Math.floor(j / k) === (j % k) * d ? 1 : 0)), [n, k]);
  };
  const KH = dh * (kh - 1) + 1, KW = dw * (kw - 1) + 1;
  let t = tf.matMul(spread(kh, dh), tf.reshape(f, [kh, kw * ci * co])); // [KH, kw·ci·co]
  t = tf.transpose(tf.reshape(t, [KH, kw, ci * co]), [1, 0, 2]); // [kw, KH, ci·co]
  t = tf.matMul(spread(kw, dw), tf.reshape(t, [kw, KH * ci * co])); // [KW, KH·ci·co]
  return tf.transpose(tf.reshape(t, [KW, KH, ci, co]), [1, 0, 2, 3]) as tf.Tensor4D;
}
