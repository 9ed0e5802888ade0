// The gate factories every elementwise family shares (unary.ts, activation.ts, binary.ts,
// compare.ts): a kernel call, a gate around it, and the function that applies it. A new
// elementwise op is then a few lines in its family file: one gate made here, with its
// gradient rule beside it, and the exported function with its doc comment.

import { Binary, Unary, UnaryGrad } from '../backend/backend.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, checkFloat, isGradEnabled, type Gate } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { asTensor, broadcastShapes, broadcastStrides, coercePair, empty, emptyLike, sameShape } from './util.js';
import { binarySameShape } from '../alloc.js';
import { sumTo } from './reduce.js';

// ---- binary, with NumPy broadcasting ---------------------------------------------------------------

/** Runs a binary kernel over the broadcast shape of a and b (no gate, no tape). */
export function binaryKernel(name: string, op: Binary, a: Tensor, b: Tensor): Tensor {
  if (sameShape(a.shape, b.shape)) return binarySameShape(op, a, b);
  const shape = broadcastShapes(name, a.shape, b.shape);
  const out = empty(shape, a.dtype, a.backend);
  a.backend.binary(op, out.storage, a.storage, b.storage, shape,
    broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
  return out;
}

/**
 * The rule of a binary gate: the gradients of a and b at the broadcast shape (null where not
 * needed); the gate sums them back to each input's shape. `out` is the cached output when the
 * gate saves it, else dy.
 */
export type BinaryGradRule = (a: Tensor, b: Tensor, out: Tensor, dy: Tensor, needA: boolean, needB: boolean) =>
  [Tensor | null, Tensor | null];

/** A broadcasting binary gate: one kernel forward; broadcasting's adjoint (sumTo) after the rule. */
export function binaryGate(name: string, op: Binary, backward: BinaryGradRule, savesOutput: boolean): Gate {
  return {
    name,
    forward(ctx, [a, b]) {
      const out = binaryKernel(name, op, a, b);
      if (savesOutput) ctx.save(out);
      return out;
    },
    backward(ctx, dy) {
      const [a, b] = ctx.inputs;
      const [ga, gb] = backward(a, b, savesOutput ? ctx.saved[0] : dy, dy, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
      return [ga === null ? null : sumTo(ga, a.shape), gb === null ? null : sumTo(gb, b.shape)];
    },
  };
}

/** Applies a binary gate; a plain number on either side becomes a 0-d tensor like the other. */
export function applyBinary(gate: Gate, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = coercePair(gate.name, a, b);
  try {
    return applyGate(gate, [ta, tb], undefined);
  } catch (e) {
    // A failed op leaves nothing behind: not even the 0-d tensors made for plain numbers.
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
    throw e;
  }
}

// ---- unary -------------------------------------------------------------------------------------------

function unaryKernel(op: Unary, a: Tensor): Tensor {
  const out = emptyLike(a);
  a.backend.unary(op, out.storage, a.storage);
  return out;
}

/** The rule of a unary gate: x the input, y the cached output (dy when not saved), dy upstream. */
export type UnaryGradRule = (x: Tensor, y: Tensor, dy: Tensor) => Tensor;

/** A unary gate: one kernel forward; `savesOutput` when the rule reads the output (exp, tanh). */
export function unaryGate(name: string, op: Unary, savesOutput: boolean, backward: UnaryGradRule): Gate {
  return {
    name,
    forward(ctx, [a]) {
      const out = unaryKernel(op, a);
      if (savesOutput) ctx.save(out);
      return out;
    },
    backward(ctx, dy) {
      return [backward(ctx.inputs[0], savesOutput ? ctx.saved[0] : dy, dy)];
    },
  };
}

/** Applies a unary gate; a plain number becomes a 0-d float32 tensor on the current backend. */
export function applyUnary(gate: Gate, a: TensorLike): Tensor {
  const t = asTensor(gate.name, a);
  try {
    return applyGate(gate, [t], undefined);
  } catch (e) {
    if (t !== a) t.dispose();
    throw e;
  }
}

// ---- composite ops ---------------------------------------------------------------------------------
/**
 * Runs the body of a composite op (one written with other ops, whose gradient autograd derives):
 * a plain number becomes a tensor with errors naming `op`. With nothing to record (no input needs a
 * gradient, or recording is off) the body's intermediates are freed at once; while recording they
 * belong to the graph, which frees them after backward.
 */
export function composite(op: string, a: TensorLike, body: (x: Tensor) => Tensor): Tensor {
  const x = asTensor(op, a);
  x.assertLive(op);
  checkFloat(op, x); // name the composite op, not the first gate of its body
  try {
    return isGradEnabled() && x.requiresGrad ? body(x) : tidy(() => body(x));
  } finally {
    if (x !== a) x.dispose();
  }
}

// ---- fused gradient gates ------------------------------------------------------------------------
// Each is an op in its own right (inputs: the saved value s and the upstream gradient dy), so a
// backward pass run with createGraph records them and they can be differentiated again.

/** The rule of a gradient gate: gradients for s and dy from the upstream g (null where not needed). */
export type GradGateRule = (s: Tensor, dy: Tensor, g: Tensor, needS: boolean, needDy: boolean) => [Tensor | null, Tensor | null];

/** A gradient gate running one UnaryGrad kernel on (s, dy). */
export function gradGate(name: string, op: UnaryGrad, backward: GradGateRule): Gate {
  return {
    name,
    forward(_ctx, [s, dy]) {
      const out = emptyLike(dy);
      dy.backend.unaryGrad(op, out.storage, s.storage, dy.storage);
      return out;
    },
    backward(ctx, g) {
      const [s, dy] = ctx.inputs;
      return backward(s, dy, g, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
    },
  };
}
