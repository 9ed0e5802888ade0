// defineGate: the public way to add an op. It is the mechanism the library's own ops use
// (applyGate): forward computes the output with recording off and saves what backward needs;
// backward turns the upstream gradient into one gradient per input, written with ops.

import type { Tensor, TensorLike } from '../tensor.js';
import { applyGate, type Gate, type GateContext } from './tape.js';
import { WasmgradError } from '../errors.js';
import { asTensor } from '../alloc.js';

/** What `defineGate` takes: a name, a forward and a backward rule. */
export interface GateDefinition {
  /** Names the gate in errors and in graph drawings. */
  name: string;
  /**
   * Computes the output from the inputs with ops; call ctx.save(...) for backward. Inputs may
   * include int32 tensors (indices), which get no gradient (return null for them).
   *
   * @example forward(ctx, x) { ctx.save(x); return x.exp(); }
   */
  forward(ctx: GateContext<undefined>, ...inputs: Tensor[]): Tensor;
  /**
   * Returns one gradient per input (null where none), each shaped like its input.
   *
   * @example backward(ctx, dy) { const [x] = ctx.saved; return [dy.mul(x.exp())]; }
   */
  backward(ctx: GateContext<undefined>, dy: Tensor): readonly (Tensor | null | undefined)[];
}

/**
 * Defines a new differentiable op.
 *
 *   const softplus = wg.defineGate({
 *     name: 'softplus',
 *     forward(ctx, x) { ctx.save(x); return x.exp().add(1).log(); },
 *     backward(ctx, dy) { const [x] = ctx.saved; return [dy.mul(x.sigmoid())]; },
 *   });
 *   softplus(x).sum().backward();
 *
 * The returned function takes tensors (or numbers) and records one gate on the tape, like
 * PyTorch's `torch.autograd.Function`. The engine checks each gradient the rule returns against
 * its input's shape and dtype and throws naming the gate. A WasmgradError for a malformed
 * definition.
 *
 * @example wg.defineGate({ name: 'double', forward: (ctx, x) => x.mul(2), backward: (ctx, dy) => [dy.mul(2)] })(wg.tensor([1, 2])) // tensor([2, 4])
 */
export function defineGate(def: GateDefinition): (...inputs: TensorLike[]) => Tensor {
  if (def === null || typeof def !== 'object' || typeof def.name !== 'string'
    || typeof def.forward !== 'function' || typeof def.backward !== 'function') {
    throw new WasmgradError('defineGate: expected { name: string, forward(ctx, ...inputs), backward(ctx, dy) }');
  }
  const gate: Gate<undefined> = {
    name: def.name,
    acceptsInt32: true, // e.g. an index argument; the ops inside check their own inputs
    forward: (ctx, inputs) => def.forward(ctx, ...inputs),
    backward: (ctx, dy) => {
      const grads = def.backward(ctx, dy);
      if (!Array.isArray(grads) || grads.length !== ctx.inputs.length) {
        const got = Array.isArray(grads) ? `${grads.length} gradients` : typeof grads;
        throw new WasmgradError(`${def.name}: backward must return an array with one gradient (or null) per input: expected ${ctx.inputs.length}, got ${got}`);
      }
      return grads;
    },
  };
  return (...inputs: TensorLike[]) => applyGate(gate, inputs.map((x) => asTensor(def.name, x)), undefined);
}
