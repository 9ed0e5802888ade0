// grad and valueAndGrad: gradients as return values, with no `.grad` touched.
//
// They are function transforms (as in JAX): f is always recorded, also inside noGrad, so
// grad(f) called from noGrad code (gradcheck's finite differences, say) gives real gradients.
// The gradients themselves are recorded only when the caller records and an argument is on a
// tape, which is exactly the case inside an outer grad: that is how grad(grad(f)) nests.

import { Tensor } from '../tensor.js';
import { WasmgradError } from '../errors.js';
import { runBackward } from './backward.js';
import { isGradEnabled, setGradEnabled } from './tape.js';
import { filledLike } from '../alloc.js';

type Fn = (...xs: Tensor[]) => Tensor;

function prepare(name: string, xs: Tensor[]): { args: Tensor[]; createGraph: boolean } {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new WasmgradError(`${name}: argument ${i} is not a Tensor`);
    x.assertLive(name);
  });
  // Inputs already on a tape (an outer grad, or parameters), with the caller recording, are
  // differentiated in place and the pass is recorded, so the result can be differentiated
  // again. Otherwise each argument gets a fresh leaf view, so the pass stops there (and never
  // walks into, or releases, a graph the argument came from).
  const createGraph = isGradEnabled() && xs.some((x) => x.requiresGrad);
  const args = xs.map((x) => {
    if (createGraph && x.requiresGrad) return x;
    const v = x.detach();
    v.requiresGrad = true;
    return v;
  });
  return { args, createGraph };
}

function run(name: string, f: Fn, xs: Tensor[]): { value: Tensor; grads: Tensor[]; createGraph: boolean } {
  if (typeof f !== 'function') throw new WasmgradError(`${name}: expected a function`);
  const { args, createGraph } = prepare(name, xs);
  // f is recorded even inside noGrad: differentiating it is the point of the call.
  const prev = setGradEnabled(true);
  let value: Tensor;
  try {
    value = f(...args);
  } finally {
    setGradEnabled(prev);
  }
  if (!(value instanceof Tensor)) throw new WasmgradError(`${name}: the function must return a Tensor`);
  if (value.size !== 1) {
    throw new WasmgradError(`${name}: the function must return a one-element tensor, got shape ${value.shapeString}`);
  }
  let grads: (Tensor | null)[];
  if (!value.requiresGrad) {
    grads = args.map(() => null);
  } else {
    grads = runBackward(value, undefined, { createGraph }, args);
  }
  // An input the output does not depend on has a zero gradient.
  const full = grads.map((g, i) => g ?? filledLike(args[i], 0));
  return { value, grads: full, createGraph };
}

/**
 * grad(f)(...xs) → the gradients of the scalar f(...xs) with respect to each x.
 *
 * Like JAX's `grad` (PyTorch's `torch.func.grad`): f must return a one-element tensor; each
 * gradient has its input's shape, and an input f does not use gets zeros. Nested calls give
 * higher-order gradients. Throws a WasmgradError if f is not a function, an argument is not a
 * Tensor, or f returns something else than a one-element tensor.
 *
 * @example wg.grad((x) => x.mul(x).sum())(wg.tensor([1, 2]))[0] // tensor([2, 4])
 */
export function grad(f: Fn): (...xs: Tensor[]) => Tensor[] {
  return (...xs: Tensor[]) => {
    const { value, grads, createGraph } = run('grad', f, xs);
    // The value is not returned: free it, unless f handed back one of its own inputs, or the
    // pass was recorded: then the gradients' graph may still use it (tanh, exp, sigmoid and
    // sqrt save their output), and it goes with that graph (tidy, or garbage collection).
    if (!createGraph && !xs.includes(value) && !grads.includes(value) && value.isLeaf === false) value.dispose();
    return grads;
  };
}

/**
 * valueAndGrad(f)(...xs) → { value: f(...xs), grads }.
 *
 * `value` is the one-element tensor f returned, `grads` one gradient per input as in `grad`.
 *
 * @example wg.valueAndGrad((x) => x.mul(x).sum())(wg.tensor([3])).value // tensor(9)
 */
export function valueAndGrad(f: Fn): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs: Tensor[]) => {
    const { value, grads } = run('valueAndGrad', f, xs);
    return { value, grads };
  };
}
