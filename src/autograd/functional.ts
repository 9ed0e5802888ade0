// grad and valueAndGrad: gradients as return values, with no `.grad` touched.

import { Tensor } from '../tensor.js';
import { WasmgradError } from '../errors.js';
import { runBackward } from './backward.js';
import { isGradEnabled } from './tape.js';
import { empty } from '../ops/util.js';

type Fn = (...xs: Tensor[]) => Tensor;

function prepare(name: string, xs: Tensor[]): { args: Tensor[]; createGraph: boolean } {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new WasmgradError(`${name}: argument ${i} is not a Tensor`);
    x.assertLive(name);
  });
  // Inputs already on a tape (an outer grad, or parameters) are differentiated in place and the
  // pass is recorded, so the result can be differentiated again; others get a fresh leaf view.
  const createGraph = isGradEnabled() && xs.some((x) => x.requiresGrad);
  const args = xs.map((x) => {
    if (x.requiresGrad) return x;
    const v = x.detach();
    v.requiresGrad = true;
    return v;
  });
  return { args, createGraph };
}

function run(name: string, f: Fn, xs: Tensor[]): { value: Tensor; grads: Tensor[] } {
  if (typeof f !== 'function') throw new WasmgradError(`${name}: expected a function`);
  const { args, createGraph } = prepare(name, xs);
  const value = f(...args);
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
  const full = grads.map((g, i) => g ?? zerosOf(args[i]));
  return { value, grads: full };
}

function zerosOf(x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype, x.backend);
  x.backend.fill(out.storage, 0);
  return out;
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
    const { value, grads } = run('grad', f, xs);
    // The value is not returned: free it, unless f handed back one of its own inputs.
    if (!xs.includes(value) && !grads.includes(value) && value.isLeaf === false) value.dispose();
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
  return (...xs: Tensor[]) => run('valueAndGrad', f, xs);
}
