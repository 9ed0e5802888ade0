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

export function rmspropStep(param: Storage, grad: Storage, squareAvg: Storage, buf: Storage | null, gradAvg: Storage | null,
  lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean): void {
  if (momentum > 0 && buf === null) throw new WasmgradError('rmspropStep: momentum > 0 needs a momentum buffer');
  if (centered && gradAvg === null) throw new WasmgradError('rmspropStep: centered needs a gradient average');
  const p = arr(param), gr = arr(grad), sq = arr(squareAvg), n = param.size, a1 = 1 - alpha;
  const b = buf === null ? null : arr(buf), ga = gradAvg === null ? null : arr(gradAvg);
  for (let i = 0; i < n; i++) {
    let g = gr[i];
    if (weightDecay !== 0) g = g + weightDecay * p[i];
    sq[i] = alpha * sq[i] + a1 * g * g;
    let avg: number;
    if (centered) {
      ga![i] = alpha * ga![i] + a1 * g;
      avg = Math.sqrt(sq[i] - ga![i] * ga![i]) + eps;
    } else {
      avg = Math.sqrt(sq[i]) + eps;
    }
    if (momentum > 0) {
      b![i] = momentum * b![i] + g / avg;
      p[i] = p[i] - lr * b![i];
    } else {
      p[i] = p[i] - lr * (g / avg);
    }
  }
}

export function adagradStep(param: Storage, grad: Storage, sum: Storage, clr: number, weightDecay: number, eps: number): void {
  const p = arr(param), gr = arr(grad), s = arr(sum), n = param.size;
  for (let i = 0; i < n; i++) {
    let g = gr[i];
    if (weightDecay !== 0) g = g + weightDecay * p[i];
    s[i] = s[i] + g * g;
    p[i] = p[i] - clr * (g / (Math.sqrt(s[i]) + eps));
  }
}
