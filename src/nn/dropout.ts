// Dropout: in training mode zeroes each element (dropout) or each whole channel (dropout2d) with
// probability p and scales the rest by 1/(1-p) (inverted dropout, so eval needs no rescaling);
// in eval mode the identity. One rule, `dropMask`, serves the functions and the modules.
//
// The mask is a constant drawn from the library's seeded generator (`manualSeed`), the same
// numbers on both backends; `mul` routes the gradient through the kept elements, and its own
// backward is made of ops, so createGraph differentiates dropout again.

import type { Tensor } from '../tensor.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import { mul } from '../ops/binary.js';
import { empty, requireTensor } from '../ops/util.js';
import { randomUniform } from '../ops/random.js';
import { isGradEnabled } from '../autograd/tape.js';
import { Module } from './module.js';

/** p as PyTorch accepts it: a number in [0, 1] (p = 1 drops everything). */
function checkP(op: string, p: unknown): number {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new WasmgradError(`${op}: p must be a number in [0, 1], got ${fmtValue(p)}`);
  return p;
}

function checkTraining(op: string, training: unknown): boolean {
  if (typeof training !== 'boolean') throw new WasmgradError(`${op}: training must be a boolean, got ${describeValue(training)}`);
  return training;
}

function checkInput(op: string, x: unknown): Tensor {
  const t = requireTensor(op, x);
  if (t.dtype === 'int32') throw new DTypeError(`${op}: expected a float32 or float64 tensor, got int32 of shape ${fmtShape(t.shape)}`);
  return t;
}

/**
 * x times a constant mask of `maskShape` (x's shape, or x's with 1s that broadcast a draw over
 * whole channels): each entry 0 with probability p, else 1/(1-p).
 */
function dropMask(x: Tensor, p: number, maskShape: readonly number[]): Tensor {
  const n = maskShape.reduce((a, b) => a * b, 1);
  const u = randomUniform(n);
  const scale = 1 / (1 - p);
  // u is in [0, 1): u >= 1 never holds, so p = 1 gives an all-zero mask (and no 1/0 is stored)
  for (let i = 0; i < n; i++) u[i] = u[i] >= p ? scale : 0;
  const mask = empty(maskShape, x.dtype, x.backend, 'dropout');
  let recorded = false;
  try {
    x.backend.write(mask.storage, u);
    const y = mul(x, mask);
    recorded = isGradEnabled() && x.requiresGrad;
    return y;
  } finally {
    // while recording, the mul gate keeps the mask for its backward (the graph owns it then)
    if (!recorded) mask.dispose();
  }
}

/**
 * Inverted dropout (`torch.nn.functional.dropout`): in training each element of x is zeroed
 * with probability `p` and the rest are scaled by 1/(1-p); with `training = false` (or p = 0)
 * x itself is returned. p = 1 gives zeros. Random, reproducible after `wg.manualSeed`. A
 * WasmgradError unless 0 <= p <= 1 and training is a boolean; a DTypeError for an int32 tensor.
 *
 * @param x A float tensor of any shape.
 * @param p The probability of zeroing an element (default 0.5).
 * @param training Apply dropout (true, the default) or return x (false).
 * @example wg.dropout(wg.ones([4]), 0.5, false) // tensor([1, 1, 1, 1])
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  const t = checkInput('dropout', x);
  const prob = checkP('dropout', p);
  if (!checkTraining('dropout', training) || prob === 0) return t;
  return dropMask(t, prob, t.shape);
}

/**
 * Channel dropout (`torch.nn.functional.dropout2d`): in training each whole channel of x
 * (`[N, C, H, W]`, or unbatched `[C, H, W]`) is zeroed with probability `p` and the others
 * scaled by 1/(1-p); with `training = false` (or p = 0) x itself is returned. A 3-D input is
 * read as unbatched `[C, H, W]` (the behaviour PyTorch announces; PyTorch 2.x still reads it as
 * `[N, C, L]` with a warning). A ShapeError for other ranks; otherwise as `dropout`.
 *
 * @param x A float tensor `[N, C, H, W]` or `[C, H, W]`.
 * @param p The probability of zeroing a channel (default 0.5).
 * @param training Apply dropout (true, the default) or return x (false).
 * @example wg.dropout2d(wg.ones([1, 2, 2, 2]), 0.5, false).shape // [1, 2, 2, 2]
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  const t = checkInput('dropout2d', x);
  if (t.ndim !== 3 && t.ndim !== 4) {
    throw new ShapeError(`dropout2d: expected a 4-D input [N, C, H, W] or a 3-D input [C, H, W], got shape ${fmtShape(t.shape)}`);
  }
  const prob = checkP('dropout2d', p);
  if (!checkTraining('dropout2d', training) || prob === 0) return t;
  // one draw per channel, broadcast over H and W
  return dropMask(t, prob, [...t.shape.slice(0, -2), 1, 1]);
}

/** The options form of Dropout's constructor: `new Dropout({ p: 0.2 })`. */
export interface DropoutOptions {
  /** The probability of zeroing an element, in [0, 1] (default 0.5). */
  p?: number;
}

function moduleP(op: string, p: number | DropoutOptions): number {
  const prob = typeof p === 'object' && p !== null ? checkOptions(op, p, ['p']).p ?? 0.5 : p;
  return checkP(op, prob);
}

/**
 * Inverted dropout (PyTorch's `nn.Dropout`): in training mode each element is zeroed with
 * probability `p` and the rest scaled by 1/(1-p); in evaluation mode (`eval()`) the identity.
 * The rule is `wg.dropout`'s.
 */
export class Dropout extends Module {
  /** The probability of zeroing an element. */
  readonly p: number;

  /**
   * `new Dropout(0.2)` or `new Dropout({ p: 0.2 })`; p defaults to 0.5 as in PyTorch. A
   * WasmgradError unless 0 <= p <= 1, or for an unknown option.
   *
   * @param p The probability of zeroing an element (default 0.5), or `{ p }`.
   * @example new wg.nn.Dropout({ p: 0.1 }).p // 0.1
   */
  constructor(p: number | DropoutOptions = 0.5) {
    super();
    this.p = moduleP('Dropout', p);
  }

  /**
   * Same shape as x; random (reproducible after `manualSeed`) in training mode, x itself in eval.
   *
   * @example new wg.nn.Dropout(0.5).eval().forward(wg.ones([2])) // tensor([1, 1])
   */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/**
 * Channel dropout (PyTorch's `nn.Dropout2d`): in training mode each whole channel of
 * `[N, C, H, W]` (or `[C, H, W]`) is zeroed with probability `p` and the others scaled by
 * 1/(1-p); in evaluation mode the identity. The rule is `wg.dropout2d`'s.
 */
export class Dropout2d extends Module {
  /** The probability of zeroing a channel. */
  readonly p: number;

  /**
   * `new Dropout2d(0.2)` or `new Dropout2d({ p: 0.2 })`; p defaults to 0.5 as in PyTorch. A
   * WasmgradError unless 0 <= p <= 1, or for an unknown option.
   *
   * @param p The probability of zeroing a channel (default 0.5), or `{ p }`.
   * @example new wg.nn.Dropout2d(0.1).p // 0.1
   */
  constructor(p: number | DropoutOptions = 0.5) {
    super();
    this.p = moduleP('Dropout2d', p);
  }

  /**
   * Same shape as x; random (reproducible after `manualSeed`) in training mode, x itself in eval.
   *
   * @example new wg.nn.Dropout2d(0.5).eval().forward(wg.ones([1, 2, 2, 2])).shape // [1, 2, 2, 2]
   */
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}
