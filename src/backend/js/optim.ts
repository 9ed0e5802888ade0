// Optimizer updates of the js backend, written in the order PyTorch evaluates them; state is
// read back after each store, so a float32 step uses the rounded values it keeps (as the wasm
// kernels do).

import type { Storage } from '../backend.js';
import { WasmgradError } from '../../errors.js';
import { arr } from './storage.js';

export function sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
  dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
  const p = arr(param), g = arr(grad), n = param.size;
  if (momentum === 0) {
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (weightDecay !== 0) d = d + weightDecay * p[i];
      p[i] = p[i] - lr * d;
    }
    return;
  }
  if (velocity === null) throw new WasmgradError('sgdStep: momentum > 0 needs a velocity buffer');
  const b = arr(velocity), damp = 1 - dampening;
  for (let i = 0; i < n; i++) {
    let d = g[i];
    if (weightDecay !== 0) d = d + weightDecay * p[i];
    b[i] = firstStep ? d : momentum * b[i] + damp * d;
    d = nesterov ? d + momentum * b[i] : b[i];
    p[i] = p[i] - lr * d;
  }
}

export function adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
  eps: number, weightDecay: number, decoupled: boolean, step: number): void {
  const p = arr(param), g = arr(grad), ma = arr(m), va = arr(v), n = param.size;
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const b1c = 1 - beta1, b2c = 1 - beta2, decay = 1 - lr * weightDecay;
  const decayParam = weightDecay !== 0 && decoupled, decayGrad = weightDecay !== 0 && !decoupled;
  for (let i = 0; i < n; i++) {
    if (decayParam) p[i] = p[i] * decay;
    let gi = g[i];
    if (decayGrad) gi = gi + weightDecay * p[i];
    ma[i] = beta1 * ma[i] + b1c * gi;
    va[i] = beta2 * va[i] + b2c * gi * gi;
    const denom = Math.sqrt(va[i]) / bc2Sqrt + eps;
    p[i] = p[i] - stepSize * (ma[i] / denom);
  }
}
