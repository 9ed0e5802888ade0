// MultiheadAttention: PyTorch's nn.MultiheadAttention (the algorithm of
// F.multi_head_attention_forward) with its parameter names, so weights move both ways through
// safetensors: in_proj_weight [3E, E], in_proj_bias [3E], out_proj.weight, out_proj.bias.

import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, fmtShape, fmtValue } from '../errors.js';
import { add, mul } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { matmulFlags } from '../ops/matmul.js';
import { mean } from '../ops/reduce.js';
import { reshape, transpose } from '../ops/shape.js';
import { narrow } from '../ops/slice.js';
import { permute } from '../ops/view.js';
import { softmax } from '../ops/softmax.js';
import { randomUniform } from '../ops/random.js';
import { scaledDotProductAttention } from '../ops/attention.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { uniformInit } from './init.js';

/** Options of `MultiheadAttention` (PyTorch's keyword arguments, camelCase). */
export interface MultiheadAttentionOptions {
  /** Biases in the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and output `[N, L, E]` when true; `[L, N, E]` when false (PyTorch's default). */
  batchFirst?: boolean;
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Key features: only embedDim is supported (an error otherwise). */
  kdim?: number | null;
  /** Value features: only embedDim is supported (an error otherwise). */
  vdim?: number | null;
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

/** Options of `MultiheadAttention.forward` (PyTorch's keyword arguments, camelCase). */
export interface MultiheadAttentionForwardOptions {
  /** `[N, S]` (`[S]` unbatched): int32 nonzero (PyTorch's True) = that key is ignored; a float mask is added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); false runs the fused attention. */
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`: int32 nonzero (PyTorch's True) = may not attend; a float mask is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true): `[N, L, S]`, else `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (as PyTorch, attnMask is required with it). */
  isCausal?: boolean;
}

/** The additive form of an MHA mask: int32 nonzero (PyTorch's True) → -Inf, zero → 0; floats as they are. */
function additive(op: string, what: string, m: Tensor, dtype: DType): Tensor {
  if (m.dtype === 'int32') {
    const d = m.data();
    const a = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) a[i] = d[i] !== 0 ? -Infinity : 0;
    return tensor(a, { shape: m.shape.slice(), dtype });
  }
  if (m.dtype !== dtype) throw new DTypeError(`${op}: ${what} must be int32 (boolean) or ${dtype}, got ${m.dtype} ${m.shapeString}`);
  return m;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): the inputs are projected by
 * `in_proj_weight` / `in_proj_bias`, split into `numHeads` heads of `embedDim / numHeads`,
 * attended with `softmax(q·kᵀ/√d + mask)·v` and projected by `out_proj`.
 */
export class MultiheadAttention extends Module {
  /** The stacked q, k, v projections, `[3·embedDim, embedDim]` (xavier-uniform). */
  readonly in_proj_weight: Tensor;
  /** Their biases, `[3·embedDim]` (zeros); null with `{ bias: false }`. */
  readonly in_proj_bias: Tensor | null;
  /** The output projection (its bias zeros). */
  readonly out_proj: Linear;
  /** The size of each head, embedDim / numHeads. */
  readonly headDim: number;
  /** Inputs and outputs `[N, L, E]` when true, `[L, N, E]` when false. */
  readonly batchFirst: boolean;
  /** Dropout probability on the attention weights (training mode only). */
  readonly dropout: number;

  /**
   * PyTorch's initialisation: `in_proj_weight` xavier-uniform, `in_proj_bias` and
   * `out_proj.bias` zeros, `out_proj.weight` as a Linear's. A WasmgradError if embedDim is not
   * divisible by numHeads, for kdim/vdim other than embedDim, or for an unknown option.
   *
   * @param embedDim The model dimension E.
   * @param numHeads The number of heads (divides E).
   * @param opts `bias`, `batchFirst`, `dropout`, `kdim`, `vdim`, `dtype`.
   * @example new wg.nn.MultiheadAttention(8, 2, { batchFirst: true }).in_proj_weight.shape // [24, 8]
   */
  constructor(readonly embedDim: number, readonly numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const op = 'MultiheadAttention';
    for (const [k, v] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new WasmgradError(`${op}: ${k} must be a positive integer, got ${fmtValue(v)}`);
    }
    if (embedDim % numHeads !== 0) throw new WasmgradError(`${op}: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    checkOptions(op, opts, ['bias', 'batchFirst', 'dropout', 'kdim', 'vdim', 'dtype']);
    for (const k of ['bias', 'batchFirst'] as const) {
      if (opts[k] !== undefined && typeof opts[k] !== 'boolean') throw new WasmgradError(`${op}: ${k} must be a boolean, got ${fmtValue(opts[k])}`);
    }
    for (const k of ['kdim', 'vdim'] as const) {
      const d = opts[k];
      if (d !== undefined && d !== null && d !== embedDim) {
        throw new WasmgradError(`${op}: ${k} ${fmtValue(d)} differs from embedDim ${embedDim}; only kdim = vdim = embedDim is supported`);
      }
    }
    const dropout = opts.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new WasmgradError(`${op}: dropout must be a number in [0, 1), got ${fmtValue(dropout)}`);
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new WasmgradError(`${op}: dtype must be 'float32' or 'float64', got ${fmtValue(dtype)}`);
    this.headDim = embedDim / numHeads;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = dropout;
    const bias = opts.bias ?? true;
    // xavier_uniform_: fan_in = E, fan_out = 3E
    this.in_proj_weight = this.registerParameter('in_proj_weight', uniformInit([3 * embedDim, embedDim], Math.sqrt(6 / (4 * embedDim)), dtype));
    this.in_proj_bias = bias ? this.registerParameter('in_proj_bias', tensor(new Float64Array(3 * embedDim), { dtype })) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype });
    if (this.out_proj.bias !== null) this.out_proj.bias.backend.fill(this.out_proj.bias.storage, 0);
  }

  /**
   * Attends `query` to `key`/`value`: `[L, N, E]`, `[S, N, E]`, `[S, N, E]` (`[N, L, E]` … with
   * batchFirst; `[L, E]` … unbatched). Returns `[output, weights]` as PyTorch returns a tuple:
   * output like query, weights `[N, L, S]` averaged over heads (`[N, numHeads, L, S]` with
   * `averageAttnWeights: false`; no N unbatched) or null with `needWeights: false`. Int32 masks
   * follow PyTorch's boolean masks here: nonzero = masked out. A row with every key masked is
   * NaN. ShapeErrors name the offending shapes.
   *
   * @example new wg.nn.MultiheadAttention(4, 2).forward(wg.ones([3, 1, 4]), wg.ones([5, 1, 4]), wg.ones([5, 1, 4]))[0].shape // [3, 1, 4]
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const o = checkOptions(op, opts, ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']) as MultiheadAttentionForwardOptions;
    for (const [what, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw new WasmgradError(`${op}: ${what} must be a Tensor, got ${fmtValue(t)}`);
      t.assertLive(op);
    }
    const E = this.embedDim, H = this.numHeads, hd = this.headDim;
    const unbatched = query.ndim === 2;
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== query.ndim || value.ndim !== query.ndim
      || query.shape[query.ndim - 1] !== E || key.shape[key.ndim - 1] !== E || value.shape[value.ndim - 1] !== E) {
      throw new ShapeError(`${op}: query, key and value must be 3-D (or all 2-D, unbatched) ending in embedDim ${E}, got `
        + `query ${query.shapeString}, key ${key.shapeString}, value ${value.shapeString}`);
    }
    // to [N, len, E]
    const nle = (x: Tensor) => (unbatched ? reshape(x, [1, ...x.shape]) : this.batchFirst ? x : transpose(x, [1, 0, 2]));
    const [qx, kx, vx] = [nle(query), nle(key), nle(value)];
    const [N, L] = qx.shape, S = kx.shape[1];
    if (kx.shape[0] !== N || vx.shape[0] !== N || vx.shape[1] !== S) {
      throw new ShapeError(`${op}: key ${key.shapeString} and value ${value.shapeString} do not match query ${query.shapeString} `
        + `(same batch, and key and value the same length${this.batchFirst ? '; batchFirst: [N, L, E]' : '; [L, N, E] unless batchFirst'})`);
    }
    const needWeights = o.needWeights ?? true, average = o.averageAttnWeights ?? true, isCausal = o.isCausal ?? false;
    for (const [k, v] of [['needWeights', needWeights], ['averageAttnWeights', average], ['isCausal', isCausal]] as const) {
      if (typeof v !== 'boolean') throw new WasmgradError(`${op}: ${k} must be a boolean, got ${fmtValue(v)}`);
    }
    const dtype = query.dtype;
    let mask: Tensor | null = null;
    if (o.attnMask !== undefined && o.attnMask !== null) {
      const m = o.attnMask;
      if (!(m instanceof Tensor)) throw new WasmgradError(`${op}: attnMask must be a Tensor, got ${fmtValue(m)}`);
      const ok = (m.ndim === 2 && m.shape[0] === L && m.shape[1] === S)
        || (m.ndim === 3 && m.shape[0] === N * H && m.shape[1] === L && m.shape[2] === S);
      if (!ok) throw new ShapeError(`${op}: attnMask must be ${fmtShape([L, S])} or ${fmtShape([N * H, L, S])}, got ${m.shapeString}`);
      mask = additive(op, 'attnMask', m, dtype);
      if (m.ndim === 3) mask = reshape(mask, [N, H, L, S]);
    } else if (isCausal) {
      throw new WasmgradError(`${op}: isCausal is a hint that needs attnMask (as in PyTorch); pass the causal mask as attnMask`);
    }
    let padding = false;
    if (o.keyPaddingMask !== undefined && o.keyPaddingMask !== null) {
      const m = o.keyPaddingMask;
      if (!(m instanceof Tensor)) throw new WasmgradError(`${op}: keyPaddingMask must be a Tensor, got ${fmtValue(m)}`);
      const want = unbatched ? [S] : [N, S];
      if (m.ndim !== want.length || m.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${op}: keyPaddingMask must be ${fmtShape(want)}, got ${m.shapeString}`);
      }
      const kp = reshape(additive(op, 'keyPaddingMask', m, dtype), [N, 1, 1, S]);
      mask = mask === null ? kp : add(mask, kp);
      padding = true;
    }
    // projections, then heads: [N, len, E] → [N, H, len, hd]
    const proj = (x: Tensor, i: number) => {
      const y = matmulFlags(x, narrow(this.in_proj_weight, 0, i * E, E), false, true);
      return this.in_proj_bias === null ? y : add(y, narrow(this.in_proj_bias, 0, i * E, E));
    };
    const heads = (y: Tensor, len: number) => permute(reshape(y, [N, len, H, hd]), [0, 2, 1, 3]);
    const q = heads(proj(qx, 0), L), k = heads(proj(kx, 1), S), v = heads(proj(vx, 2), S);
    const p = this.training ? this.dropout : 0;
    let out: Tensor, weights: Tensor | null = null;
    if (needWeights) {
      let s = matmulFlags(mul(q, 1 / Math.sqrt(hd)), k, false, true);
      if (mask !== null) s = add(s, mask);
      weights = softmax(s, -1);
      if (p > 0) {
        const u = randomUniform(weights.size);
        for (let i = 0; i < u.length; i++) u[i] = u[i] >= p ? 1 / (1 - p) : 0;
        weights = mul(weights, tensor(u, { shape: weights.shape.slice(), dtype }));
      }
      out = matmulFlags(weights, v, false, false);
      if (average) weights = mean(weights, 1);
      if (unbatched) weights = reshape(weights, weights.shape.slice(1));
    } else {
      // PyTorch passes the causal hint to the fused kernel when no other mask needs merging
      const hint = isCausal && !padding;
      out = scaledDotProductAttention(q, k, v, { attnMask: hint ? null : mask, isCausal: hint, dropoutP: p });
    }
    out = this.out_proj.forward(reshape(permute(out, [0, 2, 1, 3]), [N, L, E]));
    out = unbatched ? reshape(out, [L, E]) : this.batchFirst ? out : transpose(out, [1, 0, 2]);
    return [out, weights];
  }
}
