// Normalisation: batchNorm, groupNorm and layerNorm (torch.nn.functional names and semantics).
//
// All three view x as [N, C, S] and run one fused gate (assembly/norm.ts): statistics and
// normalise+affine in one forward per channel (batch norm) or per (n, group) unit (group norm;
// layer norm is group norm with one group over the normalised trailing dims, S = 1), saving mean
// and invstd. Its backward is the fused kernel
//   dx = invstd·(g − mean(g) − x̂·mean(g·x̂)),  g = dy·γ,   dγ = Σ dy·x̂,   dβ = Σ dy,
// and, under createGraph (recording on while the backward runs), the same rule written with ops
// whose statistics are recomputed from x, so it differentiates again. Eval-mode batch norm is an
// affine map written with ops.

import type { Tensor } from '../tensor.js';
import { applyGate, checkFloat, isGradEnabled, type Gate } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { BackendError, DTypeError, ShapeError, WasmgradError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import { empty, emptyLike, requireTensor } from './util.js';
import { add, mul, sub } from './binary.js';
import { reciprocal, rsqrt, square } from './unary.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';
import { add_, mul_ } from './inplace.js';

interface NormAttrs {
  kind: 'batchNorm' | 'groupNorm' | 'layerNorm';
  /** x as [N, C, S]; C = G·cpg (batch norm: G = C, cpg = 1). */
  N: number; C: number; S: number; G: number; cpg: number;
  eps: number;
  /** Input positions of γ and β (-1: absent), and their shape ([C], or layer norm's normalizedShape). */
  gi: number; bi: number; affineShape: readonly number[];
  /** Batch norm in training with running statistics: updates them from the batch's mean and invstd. */
  onStats: ((mean: Tensor, invstd: Tensor) => void) | null;
}

const normGate: Gate<NormAttrs> = {
  name: 'norm', // named per op in GATES
  forward(ctx, inputs, at) {
    const [x] = inputs;
    const gamma = at.gi < 0 ? null : inputs[at.gi].storage, beta = at.bi < 0 ? null : inputs[at.bi].storage;
    const units = at.kind === 'batchNorm' ? at.C : at.N * at.G;
    const y = emptyLike(x);
    const m = empty([units], x.dtype, x.backend), invstd = empty([units], x.dtype, x.backend);
    if (at.kind === 'batchNorm') {
      x.backend.batchNorm(y.storage, m.storage, invstd.storage, x.storage, gamma, beta, at.N, at.C, at.S, at.eps);
    } else {
      x.backend.groupNorm(y.storage, m.storage, invstd.storage, x.storage, gamma, beta, at.N, at.G, at.cpg, at.S, at.eps);
    }
    ctx.save(m, invstd);
    at.onStats?.(m, invstd);
    return y;
  },
  backward(ctx, dy) {
    const at = ctx.attrs;
    const x = ctx.inputs[0];
    const gamma = at.gi < 0 ? null : ctx.inputs[at.gi], beta = at.bi < 0 ? null : ctx.inputs[at.bi];
    const needX = ctx.needsInputGrad(0);
    const needG = gamma !== null && ctx.needsInputGrad(at.gi), needB = beta !== null && ctx.needsInputGrad(at.bi);
    let grads: [Tensor | null, Tensor | null, Tensor | null];
    if (isGradEnabled()) {
      grads = composedGrads(x, gamma, dy, at, needX, needG, needB);
    } else {
      const [m, invstd] = ctx.saved;
      const dx = needX ? emptyLike(x) : null, dg = needG ? emptyLike(gamma!) : null, db = needB ? emptyLike(beta!) : null;
      const b = x.backend;
      if (at.kind === 'batchNorm') {
        b.batchNormGrad(dx?.storage ?? null, dg?.storage ?? null, db?.storage ?? null, dy.storage, x.storage, m.storage,
          invstd.storage, gamma?.storage ?? null, at.N, at.C, at.S);
      } else {
        if (dx !== null) b.groupNormGrad(dx.storage, dy.storage, x.storage, m.storage, invstd.storage, gamma?.storage ?? null, at.N, at.G, at.cpg, at.S);
        if (dg !== null || db !== null) {
          b.normAffineGrad(dg?.storage ?? null, db?.storage ?? null, dy.storage, x.storage, m.storage, invstd.storage, at.N, at.G, at.cpg, at.S);
        }
      }
      grads = [dx, dg, db];
    }
    const out: (Tensor | null)[] = [grads[0]];
    if (gamma !== null) out.push(grads[1]);
    if (beta !== null) out.push(grads[2]);
    return out;
  },
};

/**
 * The fused backward's rule written with ops (for createGraph): mean and invstd are recomputed
 * from x with ops, so the gradients are themselves differentiable in x, γ and dy.
 */
function composedGrads(x: Tensor, gamma: Tensor | null, dy: Tensor, at: NormAttrs, needX: boolean, needG: boolean,
  needB: boolean): [Tensor | null, Tensor | null, Tensor | null] {
  const { N, C, S, G, cpg, eps } = at;
  const v3 = [N, C, S];
  const dy3 = reshape(dy, v3);
  const g3 = gamma === null ? dy3 : mul(dy3, reshape(gamma, [1, C, 1]));
  // The statistics view: batch norm reduces [N, C, S] over axes 0 and 2, group norm [N, G, cpg·S] over axis 2.
  const view = at.kind === 'batchNorm' ? v3 : [N, G, cpg * S];
  const axes = at.kind === 'batchNorm' ? [0, 2] : [2];
  const xv = reshape(x, view);
  const d = sub(xv, mean(xv, axes, true));
  const invstd = rsqrt(add(mean(mul(d, d), axes, true), eps));
  const xh = mul(d, invstd);
  let dx: Tensor | null = null;
  if (needX) {
    const g = reshape(g3, view);
    dx = reshape(mul(invstd, sub(sub(g, mean(g, axes, true)), mul(xh, mean(mul(g, xh), axes, true)))), x.shape);
  }
  const dg = needG ? reshape(sum(mul(dy3, reshape(xh, v3)), [0, 2]), gamma!.shape) : null;
  const db = needB ? reshape(sum(dy3, [0, 2]), at.affineShape) : null;
  return [dx, dg, db];
}

// ---- argument checks ---------------------------------------------------------------------------

function checkEps(op: string, eps: unknown): number {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) {
    throw new WasmgradError(`${op}: eps must be a finite number >= 0, got ${describeValue(eps)}`);
  }
  return eps;
}

/** An optional per-channel tensor (weight, bias, running statistics): null, or of `shape` with x's dtype and backend. */
function optionalLike(op: string, what: string, t: unknown, shape: readonly number[], x: Tensor, shapeNote: string): Tensor | null {
  if (t === undefined || t === null) return null;
  const v = requireTensor(op, t, what);
  if (v.dtype !== x.dtype) {
    throw new DTypeError(`${op}: ${what} is ${v.dtype} ${v.shapeString} but the input is ${x.dtype} ${x.shapeString} (use astype)`);
  }
  if (v.backendName !== x.backendName) {
    throw new BackendError(`${op}: ${what} is on ${v.backendName} but the input is on ${x.backendName} (use to(backend))`);
  }
  if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${what} must have shape ${fmtShape(shape)} (${shapeNote}), got ${v.shapeString} for input ${x.shapeString}`);
  }
  return v;
}

function floatInput(op: string, x: unknown, minDims: number): Tensor {
  const t = requireTensor(op, x);
  checkFloat(op, t);
  if (t.ndim < minDims) {
    throw new ShapeError(`${op}: input must have at least ${minDims} dimensions ([N, C, *]), got ${t.shapeString}`);
  }
  return t;
}

/** One gate per op name (errors and graph drawings name the op); the same forward and rule. */
const GATES = {
  batchNorm: { ...normGate, name: 'batchNorm' },
  groupNorm: { ...normGate, name: 'groupNorm' },
  layerNorm: { ...normGate, name: 'layerNorm' },
} as const satisfies Record<NormAttrs['kind'], Gate<NormAttrs>>;

function runGate(x: Tensor, gamma: Tensor | null, beta: Tensor | null, at: Omit<NormAttrs, 'gi' | 'bi'>): Tensor {
  const inputs = [x];
  const gi = gamma === null ? -1 : inputs.push(gamma) - 1;
  const bi = beta === null ? -1 : inputs.push(beta) - 1;
  return applyGate(GATES[at.kind], inputs, { ...at, gi, bi });
}

// ---- the ops -------------------------------------------------------------------------------------

/** The options of batchNorm. */
export interface BatchNormOptions {
  /** Batch statistics (and running-statistics updates) when true; the running statistics when false (default). */
  training?: boolean;
  /** Weight of the batch in running = (1 − momentum)·running + momentum·batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation (`torch.nn.functional.batch_norm`) of x [N, C, *] over every dim but 1:
 * (x − mean)/√(var + eps)·weight + bias with weight, bias [C] (optional). In training the batch
 * mean and biased variance are used, and the running statistics [C] (when given) are updated in
 * place: running = (1 − momentum)·running + momentum·batch, with the unbiased variance for
 * runningVar. In evaluation (the default) the running statistics are used. Errors name the
 * shapes: running statistics or weight/bias of the wrong size, one value per channel when training.
 *
 * @example wg.batchNorm(wg.tensor([[1], [3]]), null, null, null, null, { training: true }) // tensor([[-1], [1]])
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined,
  weight?: Tensor | null, bias?: Tensor | null, opts?: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  const o = checkOptions(op, opts, ['training', 'momentum', 'eps']);
  const t = floatInput(op, x, 2);
  const training = o.training === undefined ? false : o.training;
  if (typeof training !== 'boolean') throw new WasmgradError(`${op}: training must be true or false, got ${describeValue(training)}`);
  const momentum = o.momentum === undefined ? 0.1 : o.momentum;
  if (typeof momentum !== 'number' || !Number.isFinite(momentum)) {
    throw new WasmgradError(`${op}: momentum must be a finite number, got ${describeValue(o.momentum)} `
      + '(the cumulative average, momentum null, needs num_batches_tracked: use nn.BatchNorm1d/2d)');
  }
  const eps = checkEps(op, o.eps === undefined ? 1e-5 : o.eps);
  const C = t.shape[1], N = t.shape[0], S = t.size / Math.max(1, N * C);
  const perChannel = `one per channel of input ${t.shapeString}`;
  const rm = optionalLike(op, 'runningMean', runningMean, [C], t, perChannel);
  const rv = optionalLike(op, 'runningVar', runningVar, [C], t, perChannel);
  const gamma = optionalLike(op, 'weight', weight, [C], t, perChannel);
  const beta = optionalLike(op, 'bias', bias, [C], t, perChannel);
  if ((rm === null) !== (rv === null)) {
    throw new WasmgradError(`${op}: runningMean and runningVar must both be given or both be null (input ${t.shapeString})`);
  }
  if (!training) {
    if (rm === null || rv === null) {
      throw new WasmgradError(`${op}: runningMean and runningVar must be given in evaluation mode (training: false), input ${t.shapeString}`);
    }
    return evalBatchNorm(t, rm, rv, gamma, beta, eps);
  }
  const count = N * S;
  if (count === 1) {
    throw new ShapeError(`${op}: Expected more than 1 value per channel when training, got input size ${t.shapeString}`);
  }
  let onStats: NormAttrs['onStats'] = null;
  if (rm !== null && rv !== null && count > 1) {
    onStats = (m, invstd) => {
      // biased var = 1/invstd² − eps; the running variance takes the unbiased one, var·n/(n − 1).
      const unbiased = mul(sub(reciprocal(square(invstd)), eps), count / (count - 1));
      add_(mul_(rm, 1 - momentum), mul(m, momentum));
      add_(mul_(rv, 1 - momentum), mul(unbiased, momentum));
    };
  }
  return runGate(t, gamma, beta, { kind: 'batchNorm', N, C, S, G: C, cpg: 1, eps, affineShape: [C], onStats });
}

/** Eval-mode batch norm: x·scale + shift with scale = weight/√(runningVar + eps), shift = bias − runningMean·scale. */
function evalBatchNorm(x: Tensor, rm: Tensor, rv: Tensor, gamma: Tensor | null, beta: Tensor | null, eps: number): Tensor {
  const C = x.shape[1];
  const bshape = x.shape.map((d, i) => (i === 1 ? C : 1));
  const body = (): Tensor => {
    let scale = rsqrt(add(rv, eps));
    if (gamma !== null) scale = mul(scale, gamma);
    let shift = mul(rm, scale);
    shift = beta !== null ? sub(beta, shift) : mul(shift, -1);
    return add(mul(x, reshape(scale, bshape)), reshape(shift, bshape));
  };
  const recording = isGradEnabled() && [x, rm, rv, gamma, beta].some((t) => t !== null && t.requiresGrad);
  return recording ? body() : tidy(body);
}

/**
 * Group normalisation (`torch.nn.functional.group_norm`) of x [N, C, *]: the C channels are split
 * into `numGroups` groups and each (sample, group) is normalised over its channels and positions,
 * then scaled by weight [C] and shifted by bias [C] (optional). Errors name the shapes when
 * numGroups does not divide C.
 *
 * @example wg.groupNorm(wg.tensor([[1, 3]]), 1) // tensor([[-1, 1]])
 */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  const t = floatInput(op, x, 2);
  const C = t.shape[1], N = t.shape[0];
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1) {
    throw new WasmgradError(`${op}: numGroups must be a positive integer, got ${describeValue(numGroups)} (input ${t.shapeString})`);
  }
  if (C % numGroups !== 0) {
    throw new ShapeError(`${op}: Expected number of channels in input to be divisible by numGroups, but got input of shape ${t.shapeString} and numGroups=${numGroups}`);
  }
  checkEps(op, eps);
  const note = `one per channel of input ${t.shapeString}`;
  const gamma = optionalLike(op, 'weight', weight, [C], t, note);
  const beta = optionalLike(op, 'bias', bias, [C], t, note);
  const S = t.size / Math.max(1, N * C);
  return runGate(t, gamma, beta, { kind: 'groupNorm', N, C, S, G: numGroups, cpg: C / numGroups, eps, affineShape: [C], onStats: null });
}

/**
 * Layer normalisation (`torch.nn.functional.layer_norm`): x is normalised over its trailing dims
 * `normalizedShape` (a number or an array), then scaled by weight and shifted by bias (optional,
 * of shape normalizedShape). Errors name the shapes when normalizedShape is not x's trailing dims.
 *
 * @example wg.layerNorm(wg.tensor([[1, 3]]), [2]) // tensor([[-1, 1]])
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null,
  eps = 1e-5): Tensor {
  const op = 'layerNorm';
  const t = floatInput(op, x, 0);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(ns) || ns.length === 0 || ns.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${op}: normalizedShape must be a non-negative integer or a non-empty array of them, got ${fmtValue(normalizedShape)} (input ${t.shapeString})`);
  }
  const lead = t.ndim - ns.length;
  if (lead < 0 || ns.some((d, i) => t.shape[lead + i] !== d)) {
    throw new ShapeError(`${op}: Given normalizedShape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${t.shapeString}`);
  }
  checkEps(op, eps);
  const note = 'normalizedShape';
  const gamma = optionalLike(op, 'weight', weight, ns, t, note);
  const beta = optionalLike(op, 'bias', bias, ns, t, note);
  const D = ns.reduce((a, b) => a * b, 1);
  const N = t.shape.slice(0, lead).reduce((a, b) => a * b, 1);
  return runGate(t, gamma, beta, { kind: 'layerNorm', N, C: D, S: 1, G: 1, cpg: D, eps, affineShape: ns, onStats: null });
}
