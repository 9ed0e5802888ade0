// Optimizer updates of the wasm backend (in place on param and state).

import type { Storage } from '../backend.js';
import { WasmgradError } from '../../errors.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR, taskMin } from './thresholds.js';

export function sgdStep(k: Kernels, param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
  dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
  if (momentum !== 0 && velocity === null) throw new WasmgradError('sgdStep: momentum > 0 needs a velocity buffer');
  const n = param.size;
  if (n === 0) return;
  const f64 = isF64(param);
  const vel = momentum === 0 || velocity === null ? 0 : ptrOf(velocity);
  if (k.threads.split(n, PAR.medium)) {
    const chunk = k.threads.chunkSize(n, PAR.medium >> 2);
    k.threads.dispatch('Sgd', f64, Math.ceil(n / chunk), {
      param: ptrOf(param), grad: ptrOf(grad), velocity: vel, n, lr, momentum, dampening, weightDecay,
      nesterov: nesterov ? 1 : 0, firstStep: firstStep ? 1 : 0, chunk,
    });
    return;
  }
  (f64 ? k.wasm.sgdStep_f64 : k.wasm.sgdStep_f32)(ptrOf(param), ptrOf(grad), vel, n,
    lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
}

export function adamStep(k: Kernels, param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number,
  beta2: number, eps: number, weightDecay: number, decoupled: boolean, step: number): void {
  const n = param.size;
  if (n === 0) return;
  const f64 = isF64(param);
  if (k.threads.split(n, PAR.costly)) {
    const chunk = k.threads.chunkSize(n, PAR.costly >> 2);
    k.threads.dispatch('Adam', f64, Math.ceil(n / chunk), {
      param: ptrOf(param), grad: ptrOf(grad), m: ptrOf(m), v: ptrOf(v), n, lr, beta1, beta2, eps, weightDecay,
      decoupled: decoupled ? 1 : 0, step, chunk,
    });
    return;
  }
  (f64 ? k.wasm.adamStep_f64 : k.wasm.adamStep_f32)(ptrOf(param), ptrOf(grad), ptrOf(m), ptrOf(v),
    n, lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, step);
}

export function rmspropStep(k: Kernels, param: Storage, grad: Storage, squareAvg: Storage, buf: Storage | null,
  gradAvg: Storage | null, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean): void {
  if (momentum > 0 && buf === null) throw new WasmgradError('rmspropStep: momentum > 0 needs a momentum buffer');
  if (centered && gradAvg === null) throw new WasmgradError('rmspropStep: centered needs a gradient average');
  const n = param.size;
  if (n === 0) return;
  const f64 = isF64(param);
  const b = momentum > 0 && buf !== null ? ptrOf(buf) : 0;
  const ga = centered && gradAvg !== null ? ptrOf(gradAvg) : 0;
  if (k.threads.split(n, taskMin('Rmsprop'))) {
    const chunk = k.threads.chunkSize(n, taskMin('Rmsprop') >> 2);
    k.threads.dispatch('Rmsprop', f64, Math.ceil(n / chunk), {
      param: ptrOf(param), grad: ptrOf(grad), squareAvg: ptrOf(squareAvg), buf: b, gradAvg: ga, n, lr, alpha, eps,
      weightDecay, momentum, centered: centered ? 1 : 0, chunk,
    });
    return;
  }
  (f64 ? k.wasm.rmspropStep_f64 : k.wasm.rmspropStep_f32)(ptrOf(param), ptrOf(grad), ptrOf(squareAvg), b, ga,
    n, lr, alpha, eps, weightDecay, momentum, centered ? 1 : 0);
}

export function adagradStep(k: Kernels, param: Storage, grad: Storage, sum: Storage, clr: number, weightDecay: number,
  eps: number): void {
  const n = param.size;
  if (n === 0) return;
  const f64 = isF64(param);
  if (k.threads.split(n, taskMin('Adagrad'))) {
    const chunk = k.threads.chunkSize(n, taskMin('Adagrad') >> 2);
    k.threads.dispatch('Adagrad', f64, Math.ceil(n / chunk), {
      param: ptrOf(param), grad: ptrOf(grad), sum: ptrOf(sum), n, clr, weightDecay, eps, chunk,
    });
    return;
  }
  (f64 ? k.wasm.adagradStep_f64 : k.wasm.adagradStep_f32)(ptrOf(param), ptrOf(grad), ptrOf(sum), n, clr, weightDecay, eps);
}
