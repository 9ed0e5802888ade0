// The shape of a catalog entry and of the gradient-check cases derived from it.

import type fc from 'fast-check';
import type * as wg from '../../src/index.js';
import type { Domain, Sampling } from './domains.js';
import type { Shape } from './shapes.js';

export type Tensor = ReturnType<typeof wg.tensor>;

/** A fixed gradient-check case: inputs of given shapes drawn by `sampling`, and the function. */
export interface OpCase {
  name: string;
  inputs: { shape: number[]; sampling: Sampling }[];
  f: (...xs: Tensor[]) => Tensor;
}

/** A random-shape gradient-check case (property tests). */
export interface PropCase {
  shapes: Shape[];
  samplings: Sampling[];
  f: (...xs: Tensor[]) => Tensor;
  label: string;
}

/**
 * unary / binary: elementwise, derived completely from the entry (gradcheck cases, random-shape
 * cases, random programs, tf.js). reduce: sum-like `(axis?, keepdims?)`. other: the entry lists
 * its own cases and random-shape arbitrary; `program` names its hand-written step in programs.ts.
 */
export type Family = 'unary' | 'binary' | 'reduce' | 'other';

export interface OpEntry {
  /** The function exported by src/index.ts (and the Tensor method when `method`). */
  name: string;
  family: Family;
  /** Tensor inputs. */
  arity: number;
  /** Per input (one Domain for all inputs when not an array). */
  domain: Domain | Domain[];
  /** Unary: inputs where the derivative jumps (kept away from in checks, `fix`ed in programs). */
  kinks: number[];
  /** The derivative jumps where operands (binary) or reduced elements (reduce) tie. */
  ties?: boolean;
  /** The TensorFlow.js function the random programs compare against (absent: not compared). */
  tf?: string;
  /** Also a Tensor method. */
  method: boolean;
  /** Its backward rule is made of ops, so createGraph differentiates it again. */
  secondOrder: boolean;
  /**
   * Unary, for ops not monotone between their kinks (sin, cos, silu): the points in [lo, hi]
   * where the op turns (its local extrema), so the programs' interval bounds include them.
   */
  turns?: (lo: number, hi: number) => number[];
  /** Unary/binary: the float64 value, for the programs' interval bounds. */
  ref?: (...xs: number[]) => number;
  /** Binary: plain numbers tried on either side (free function) or as the argument (method). */
  numbers?: number[];
  /** Reduce: the result grows with the number of reduced elements (sum); an empty reduction is fine. */
  grows?: boolean;
  /** Reduce: reducing no elements into a non-empty result throws (max: no identity). */
  emptyThrows?: boolean;
  /** Other: fixed gradient-check cases. */
  cases?: OpCase[];
  /** Other: random-shape gradient-check cases. */
  property?: fc.Arbitrary<PropCase>;
  /** Other: the random programs' hand-written step that draws this op (programs.ts). */
  program?: 'reshape' | 'transpose' | 'matmul' | 'softmax' | 'crossEntropy' | 'mseLoss';
}

export function domains(e: OpEntry): Domain[] {
  return Array.isArray(e.domain) ? e.domain : Array.from({ length: e.arity }, () => e.domain as Domain);
}
