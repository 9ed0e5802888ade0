// Gradient clipping, as PyTorch's torch.nn.utils.clip_grad_norm_ / clip_grad_value_: in place
// on each parameter's .grad (parameters without a gradient are skipped), under noGrad.
//   clipGradNorm:  total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, …)‖ₚ (p = Infinity: the largest |g|);
//                  each g *= min(1, maxNorm / (total + 1e-6)); returns total
//   clipGradValue: each g = clamp(g, -clipValue, clipValue)

import { Tensor } from '../tensor.js';
import { DisposedError, WasmgradError, fmtValue } from '../errors.js';
import { noGrad } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { max, sum } from '../ops/reduce.js';
import { mul, pow } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { clamp_, mul_ } from '../ops/inplace.js';
import { describe } from './options.js';

/** The live gradients of `params` (a Tensor or an iterable of them), skipping null ones. */
function gradsOf(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : params;
  if (list === null || list === undefined || typeof (list as Iterable<Tensor>)[Symbol.iterator] !== 'function' || typeof list === 'string') {
    throw new WasmgradError(`${op}: params must be a Tensor or an iterable of Tensors (such as module.parameters()), got ${describe(params)}`);
  }
  const grads: Tensor[] = [];
  let i = 0;
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new WasmgradError(`${op}: parameter ${i} is not a Tensor (got ${describe(p)})`);
    if (p.isDisposed) throw new DisposedError(`${op}: parameter ${i} was disposed`);
    const g = p.grad;
    if (g !== null) {
      if (g.isDisposed) throw new DisposedError(`${op}: the gradient of parameter ${i} (shape ${p.shapeString}) was disposed`);
      grads.push(g);
    }
    i++;
  }
  return grads;
}

/**
 * Scales the parameters' gradients in place so that their joint p-norm is at most `maxNorm`
 * (`torch.nn.utils.clip_grad_norm_`): every gradient is multiplied by
 * min(1, maxNorm / (total + 1e-6)). Returns the total norm before clipping as a plain number
 * (PyTorch returns a 0-d tensor); 0 when no parameter has a gradient. `normType` is a number
 * > 0 or Infinity (default 2). A WasmgradError for a bad argument, a DisposedError for a
 * disposed parameter or gradient; nothing is changed on an error.
 *
 * @example const w = wg.tensor([3, 4], { requiresGrad: true }); w.mul(w).sum().mul(0.5).backward(); wg.optim.clipGradNorm([w], 1) // 5, and w.grad is [0.6, 0.8]
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2): number {
  const op = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || !Number.isFinite(maxNorm) || maxNorm < 0) {
    throw new WasmgradError(`${op}: maxNorm must be a finite number >= 0, got ${fmtValue(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new WasmgradError(`${op}: normType must be a number > 0 or Infinity, got ${fmtValue(normType)}`);
  }
  const grads = gradsOf(op, params);
  if (grads.length === 0) return 0;
  return noGrad(() => tidy(() => {
    let total = 0;
    for (const g of grads) {
      if (g.size === 0) continue;
      if (normType === Infinity) total = Math.max(total, max(abs(g)).item());
      else total += (normType === 2 ? sum(mul(g, g)) : normType === 1 ? sum(abs(g)) : sum(pow(abs(g), normType))).item();
    }
    if (normType !== Infinity) total = normType === 2 ? Math.sqrt(total) : normType === 1 ? total : total ** (1 / normType);
    const coef = maxNorm / (total + 1e-6);
    // (also when coef is NaN, as PyTorch's clamp(coef, max=1) passes NaN through)
    if (!(coef >= 1)) for (const g of grads) mul_(g, coef);
    return total;
  }));
}

/**
 * Clamps every element of the parameters' gradients into [-clipValue, clipValue], in place
 * (`torch.nn.utils.clip_grad_value_`). A WasmgradError unless clipValue is a finite number
 * >= 0 or for a bad parameter list; a DisposedError for a disposed parameter or gradient.
 *
 * @example const w = wg.tensor([1, 2], { requiresGrad: true }); w.mul(wg.tensor([3, -0.5])).sum().backward(); wg.optim.clipGradValue([w], 1) // w.grad is [1, -0.5]
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || !Number.isFinite(clipValue) || clipValue < 0) {
    throw new WasmgradError(`${op}: clipValue must be a finite number >= 0, got ${fmtValue(clipValue)}`);
  }
  const grads = gradsOf(op, params);
  noGrad(() => { for (const g of grads) clamp_(g, -clipValue, clipValue); });
}
