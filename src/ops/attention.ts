// scaledDotProductAttention: softmax(q·kᵀ·scale + mask)·v as one gate (PyTorch's
// F.scaled_dot_product_attention, layout [..., L, E]).
//
// Forward: the scores S = q·kᵀ by the batched matmul with transB (no transposed copy), then the
// fused masked softmax kernel in place (scale, causal / boolean / additive mask and softmax in
// one pass per row), then P·v. Only P (one L×S matrix per batch entry) is saved.
// Backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = scale · P ⊙ (dP − rowsum(dP ⊙ P)) (fused kernel, in
// place on dP, the only L×S temporary), dQ = dS·K, dK = dSᵀ·Q.
// An additive mask that requires a gradient gets the unscaled dS, summed to its shape.
// Under createGraph the same rule is written with ops on a P recomputed with ops from q and k,
// so it differentiates again; the composite (attentionComposite) is also the test oracle and
// the path for dropoutP > 0.

import type { AttnMask } from '../backend/backend.js';
import { sizeOf, collapseDims } from '../backend/strides.js';
import { Tensor } from '../tensor.js';
import { applyGate, isGradEnabled, type Gate } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, fmtShape, fmtValue } from '../errors.js';
import { broadcastShapes, broadcastStrides, empty, requireTensor } from './util.js';
import { add, mul, sub } from './binary.js';
import { sum, sumTo } from './reduce.js';
import { broadcastTo } from './shape.js';
import { matmulFlags } from './matmul.js';
import { softmax } from './softmax.js';
import { randomUniform } from './random.js';

interface AttnAttrs {
  readonly batchShape: readonly number[];
  readonly L: number; readonly S: number; readonly E: number; readonly Ev: number;
  readonly scale: number;
  readonly causal: boolean;
  /** How the kernel reads the mask (input 3), null without one. */
  readonly mask: Omit<AttnMask, 'storage'> | null;
}

/** Per-problem element stride of an operand with `rows × cols` matrices: 0 when it broadcasts. */
function batchStride(t: Tensor, rows: number, cols: number): number {
  return sizeOf(t.shape.slice(0, -2)) === 1 ? 0 : rows * cols;
}

/** The additive form of a mask as a constant: a bool (int32) mask gives 0 where nonzero, -Inf where 0. */
function additiveMask(mask: Tensor, like: Tensor): Tensor {
  if (mask.dtype !== 'int32') return mask;
  const m = mask.backend.read(mask.storage);
  const a = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) a[i] = m[i] !== 0 ? 0 : -Infinity;
  const t = empty(mask.shape, like.dtype, like.backend);
  like.backend.write(t.storage, a);
  return t;
}

/** The causal mask as an additive constant [L, S]: -Inf where j > i (top-left aligned, as PyTorch). */
function causalMask(L: number, S: number, like: Tensor): Tensor {
  const a = new Float64Array(L * S);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) a[i * S + j] = -Infinity;
  const t = empty([L, S], like.dtype, like.backend);
  like.backend.write(t.storage, a);
  return t;
}

/** P = softmax(q·kᵀ·scale + mask) with ops (differentiable in q and k; the mask is a constant). */
function attentionWeights(q: Tensor, k: Tensor, mask: Tensor | null, scale: number, causal: boolean): Tensor {
  let s = mul(matmulFlags(q, k, false, true), scale);
  const L = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  if (causal) s = add(s, causalMask(L, S, q));
  if (mask !== null) s = add(s, additiveMask(mask, q));
  return softmax(s, -1);
}

/**
 * The composite: softmax(q·kᵀ·scale + mask)·v with ops, with inverted dropout on the weights
 * when dropoutP > 0 (the fused gate's oracle, and the dropout path).
 */
export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale: number, causal: boolean,
  dropoutP = 0): Tensor {
  let p = attentionWeights(q, k, mask, scale, causal);
  if (dropoutP > 0) {
    const u = randomUniform(p.size);
    const keep = 1 / (1 - dropoutP);
    for (let i = 0; i < u.length; i++) u[i] = u[i] >= dropoutP ? keep : 0;
    const d = empty(p.shape, p.dtype, p.backend);
    p.backend.write(d.storage, u);
    p = mul(p, d);
  }
  return matmulFlags(p, v, false, false);
}

const attentionGate: Gate<AttnAttrs> = {
  name: 'scaledDotProductAttention',
  acceptsInt32: true, // the boolean mask (input 3) is int32; q, k, v are checked by the op
  forward(ctx, inputs, at) {
    const [q, k, v] = inputs;
    const mask = inputs[3] ?? null;
    const { L, S, E, Ev } = at;
    const B = sizeOf(at.batchShape);
    const be = q.backend;
    const p = empty([...at.batchShape, L, S], q.dtype, be, 'scaledDotProductAttention');
    be.matmul(p.storage, q.storage, k.storage, B, L, S, E, false, true, batchStride(q, L, E), batchStride(k, S, E));
    be.attnSoftmax(p.storage, B, L, S, at.scale, at.causal, mask === null || at.mask === null ? null : { storage: mask.storage, ...at.mask });
    const out = empty([...at.batchShape, L, Ev], q.dtype, be, 'scaledDotProductAttention');
    be.matmul(out.storage, p.storage, v.storage, B, L, Ev, S, false, false, L * S, batchStride(v, S, Ev));
    ctx.save(p);
    return out;
  },
  backward(ctx, dO) {
    const [q, k, v] = ctx.inputs;
    const mask = ctx.inputs[3] ?? null;
    const at = ctx.attrs;
    const needQ = ctx.needsInputGrad(0), needK = ctx.needsInputGrad(1), needV = ctx.needsInputGrad(2);
    const needM = mask !== null && ctx.needsInputGrad(3); // an additive mask that requires a gradient
    if (isGradEnabled()) { // createGraph: the rule with ops, on a P that depends on q and k
      const p = attentionWeights(q, k, mask, at.scale, at.causal);
      const dv = needV ? sumTo(matmulFlags(p, dO, true, false), v.shape) : null;
      let dq: Tensor | null = null, dk: Tensor | null = null, dm: Tensor | null = null;
      if (needQ || needK || needM) {
        const dp = matmulFlags(dO, v, false, true);
        const dScores = mul(p, sub(dp, sum(mul(dp, p), -1, true))); // the gradient of the masked scores
        const ds = mul(dScores, at.scale);
        if (needQ) dq = sumTo(matmulFlags(ds, k, false, false), q.shape);
        if (needK) dk = sumTo(matmulFlags(ds, q, true, false), k.shape);
        if (needM) dm = sumTo(dScores, mask!.shape);
      }
      return [dq, dk, dv, dm];
    }
    const p = ctx.saved[0];
    const { L, S, E, Ev, batchShape } = at;
    const B = sizeOf(batchShape);
    const be = q.backend;
    let dq: Tensor | null = null, dk: Tensor | null = null, dv: Tensor | null = null, dm: Tensor | null = null;
    if (needV) {
      dv = empty([...batchShape, S, Ev], q.dtype, be, 'scaledDotProductAttention');
      be.matmul(dv.storage, p.storage, dO.storage, B, S, Ev, L, true, false, L * S, L * Ev);
      dv = sumTo(dv, v.shape);
    }
    if (needQ || needK || needM) {
      // dS in place on dP, with the scale folded in; a mask that takes a gradient needs it unscaled
      const raw = empty([...batchShape, L, S], q.dtype, be, 'scaledDotProductAttention');
      let ds = raw;
      try {
        be.matmul(raw.storage, dO.storage, v.storage, B, L, S, Ev, false, true, L * Ev, batchStride(v, S, Ev));
        be.attnSoftmaxGrad(raw.storage, p.storage, raw.storage, B * L, S, needM ? 1 : at.scale);
        if (needM) {
          dm = sumTo(raw, mask!.shape);
          if (needQ || needK) ds = mul(raw, at.scale);
        }
        if (needQ) {
          dq = empty([...batchShape, L, E], q.dtype, be, 'scaledDotProductAttention');
          be.matmul(dq.storage, ds.storage, k.storage, B, L, E, S, false, false, L * S, batchStride(k, S, E));
          dq = sumTo(dq, q.shape);
        }
        if (needK) {
          dk = empty([...batchShape, S, E], q.dtype, be, 'scaledDotProductAttention');
          be.matmul(dk.storage, ds.storage, q.storage, B, S, E, L, true, false, L * S, batchStride(q, L, E));
          dk = sumTo(dk, k.shape);
        }
      } finally {
        if (ds !== raw) ds.dispose();
        if (raw !== dm) raw.dispose();
      }
    }
    return [dq, dk, dv, dm];
  },
};

/** Options of `scaledDotProductAttention` (PyTorch's keyword arguments, camelCase). */
export interface AttentionOptions {
  /**
   * Broadcastable to `[..., L, S]`: an int32 tensor is PyTorch's boolean mask (nonzero = may
   * attend), a float tensor (q's dtype) is added to the scaled scores. It takes a gradient when it requires one (learned position biases).
   */
  attnMask?: Tensor | null;
  /** Query i attends to keys j <= i (top-left aligned when L ≠ S); an error together with attnMask. */
  isCausal?: boolean;
  /** The factor on q·kᵀ (default 1/√E). */
  scale?: number | null;
  /** Inverted dropout on the attention weights with this probability (default 0; runs the composite path). */
  dropoutP?: number;
}

/** Checks q, k, v: live float tensors of one dtype with at least 2 dimensions. */
function operand(t: unknown, what: string, dtype?: string): Tensor {
  const x = requireTensor('scaledDotProductAttention', t, what);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`scaledDotProductAttention: ${what} must be float32 or float64, got ${x.dtype} ${x.shapeString}`);
  }
  if (dtype !== undefined && x.dtype !== dtype) {
    throw new DTypeError(`scaledDotProductAttention: dtypes differ: query ${dtype}, ${what} ${x.dtype} ${x.shapeString} (use astype)`);
  }
  if (x.ndim < 2) throw new ShapeError(`scaledDotProductAttention: ${what} must have at least 2 dimensions [..., len, dim], got ${x.shapeString}`);
  return x;
}

/** How the kernel reads `mask` broadcast to [...batch, L, S]; null when the batch strides need a copy. */
function maskLayout(mask: Tensor, full: readonly number[], nb: number): Omit<AttnMask, 'storage'> | null {
  const st = broadcastStrides(mask.shape, full);
  const c = collapseDims(full.slice(0, nb), [st.slice(0, nb)]);
  const sl = st[nb], ss = st[nb + 1];
  if (c.shape.length === 0) return { kind: mask.dtype === 'int32' ? 'bool' : 'add', b1: 1, sb0: 0, sb1: 0, sl, ss };
  if (c.shape.length === 1) return { kind: mask.dtype === 'int32' ? 'bool' : 'add', b1: c.shape[0], sb0: 0, sb1: c.strides[0][0], sl, ss };
  if (c.shape.length === 2) {
    return { kind: mask.dtype === 'int32' ? 'bool' : 'add', b1: c.shape[1], sb0: c.strides[0][0], sb1: c.strides[0][1], sl, ss };
  }
  return null;
}

/**
 * Attention `softmax(q·kᵀ·scale + mask)·v` (`torch.nn.functional.scaled_dot_product_attention`):
 * q `[..., L, E]`, k `[..., S, E]`, v `[..., S, Ev]` → `[..., L, Ev]`, the leading dimensions
 * broadcast. `scale` defaults to 1/√E. `attnMask` (broadcastable to `[..., L, S]`) is an int32
 * tensor used as PyTorch's boolean mask (nonzero = may attend) or a float tensor added to the
 * scores; `isCausal` lets query i attend to keys j <= i. A query row with every key masked gives
 * NaN, as in PyTorch. One fused gate saving only the attention weights; errors (ShapeError,
 * DTypeError, WasmgradError) name the op and the offending shapes or values.
 *
 * @example wg.scaledDotProductAttention(wg.ones([1, 2, 4]), wg.ones([1, 3, 4]), wg.ones([1, 3, 5])).shape // [1, 2, 5]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  const o = checkOptions(op, opts, ['attnMask', 'isCausal', 'scale', 'dropoutP']) as AttentionOptions;
  const Q = operand(q, 'query');
  const K = operand(k, 'key', Q.dtype), V = operand(v, 'value', Q.dtype);
  for (const t of [K, V]) {
    if (t.backendName !== Q.backendName) throw new WasmgradError(`${op}: backends differ: query ${Q.backendName}, ${t.backendName} (use to(backend))`);
  }
  const L = Q.shape[Q.ndim - 2], E = Q.shape[Q.ndim - 1], S = K.shape[K.ndim - 2], Ev = V.shape[V.ndim - 1];
  if (K.shape[K.ndim - 1] !== E) throw new ShapeError(`${op}: query ${Q.shapeString} and key ${K.shapeString} differ in the last dimension (E)`);
  if (V.shape[V.ndim - 2] !== S) throw new ShapeError(`${op}: key ${K.shapeString} and value ${V.shapeString} differ in the sequence dimension (S)`);
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(op, broadcastShapes(op, Q.shape.slice(0, -2), K.shape.slice(0, -2)), V.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`${op}: batch dimensions do not broadcast: query ${Q.shapeString}, key ${K.shapeString}, value ${V.shapeString}`);
  }
  const causal = o.isCausal ?? false;
  if (typeof causal !== 'boolean') throw new WasmgradError(`${op}: isCausal must be a boolean, got ${fmtValue(causal)}`);
  const scale = o.scale ?? 1 / Math.sqrt(E);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new WasmgradError(`${op}: scale must be a finite number, got ${fmtValue(o.scale)}`);
  const dropoutP = o.dropoutP ?? 0;
  if (typeof dropoutP !== 'number' || !(dropoutP >= 0 && dropoutP < 1)) {
    throw new WasmgradError(`${op}: dropoutP must be a number in [0, 1), got ${fmtValue(dropoutP)}`);
  }
  let mask: Tensor | null = null;
  if (o.attnMask !== undefined && o.attnMask !== null) {
    mask = requireTensor(op, o.attnMask, 'attnMask');
    if (causal) throw new WasmgradError(`${op}: attnMask and isCausal cannot both be given (as in PyTorch)`);
    if (mask.dtype !== 'int32' && mask.dtype !== Q.dtype) {
      throw new DTypeError(`${op}: attnMask must be int32 (a boolean mask) or ${Q.dtype} (additive), got ${mask.dtype} ${mask.shapeString}`);
    }
    if (mask.backendName !== Q.backendName) throw new WasmgradError(`${op}: attnMask is on ${mask.backendName}, query on ${Q.backendName}`);
    const full = [...batchShape, L, S];
    let ok = mask.ndim <= full.length;
    for (let i = 1; ok && i <= mask.ndim; i++) {
      const m = mask.shape[mask.ndim - i], f = full[full.length - i];
      if (m !== f && m !== 1) ok = false;
    }
    if (!ok) throw new ShapeError(`${op}: attnMask of shape ${mask.shapeString} does not broadcast to the scores' shape ${fmtShape(full)}`);
  }
  if (dropoutP > 0) return attentionComposite(Q, K, V, mask, scale, causal, dropoutP);

  // Operands whose batch neither matches the broadcast batch nor is a single matrix are expanded
  // (a copy, recorded as such); the others reach the kernels with a batch stride.
  const B = sizeOf(batchShape);
  const made: Tensor[] = [];
  const fit = (t: Tensor): Tensor => {
    const n = sizeOf(t.shape.slice(0, -2));
    if (n === 1 || n === B) return t;
    const e = broadcastTo(t, [...batchShape, ...t.shape.slice(-2)]);
    made.push(e);
    return e;
  };
  const inputs = [fit(Q), fit(K), fit(V)];
  let layout: Omit<AttnMask, 'storage'> | null = null;
  if (mask !== null) {
    const full = [...batchShape, L, S];
    layout = maskLayout(mask, full, batchShape.length);
    if (layout === null) {
      mask = broadcastTo(mask, full);
      made.push(mask);
      layout = maskLayout(mask, full, batchShape.length);
    }
    inputs.push(mask);
  }
  try {
    return applyGate(attentionGate, inputs, { batchShape, L, S, E, Ev, scale, causal, mask: layout });
  } finally {
    // without a graph the copies are not needed afterwards (with one, the graph keeps them)
    if (!inputs.some((t) => t.requiresGrad) || !isGradEnabled()) for (const t of made) t.dispose();
  }
}
