// Optimizer updates, in place on the parameter and its state (velocity; m and v). Semantics are
// those of sgdStep/adamStep in src/backend/backend.ts (PyTorch's SGD and Adam/AdamW).
// Pointers are byte addresses of blocks of n elements of T (grad is read only); hyperparameters
// arrive as f64 and are rounded to T once per call, so the float32 kernels compute in float32 as
// PyTorch does. Flags (nesterov, firstStep, decoupled) travel as 0/1. The flags and the
// weight-decay test are loop invariant: the branches inside the loops are always predicted.

import { AdagradSlot, AdamSlot, RmspropSlot, SgdSlot } from './opcodes';
import { arg, argb, argF64, argi, argp, range, rangeHi } from './task';
import { elemShift } from './simd';

// ---- SGD ------------------------------------------------------------------------------------

/**
 * d = g + wd * p (when wd != 0); with momentum: b = first ? d : mu * b + (1 - dampening) * d,
 * d = nesterov ? d + mu * b : b; then p = p - lr * d.
 */
@inline function sgdStep<T>(param: usize, grad: usize, velocity: usize, n: i32, lr: f64, momentum: f64,
  dampening: f64, weightDecay: f64, nesterov: bool, firstStep: bool): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const hasWd = weightDecay != 0;
  const sLr = <T>lr, sMu = <T>momentum, sDamp = <T>(1 - dampening), sWd = <T>weightDecay;
  const vLr = v128.splat<T>(sLr), vMu = v128.splat<T>(sMu), vDamp = v128.splat<T>(sDamp), vWd = v128.splat<T>(sWd);
  let i: usize = 0;
  if (momentum == 0) {
    for (; i < vecEnd; i += 16) {
      const p = v128.load(param + i);
      let d = v128.load(grad + i);
      if (hasWd) d = v128.add<T>(d, v128.mul<T>(vWd, p));
      v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vLr, d)));
    }
    for (; i < end; i += sizeof<T>()) {
      const p = load<T>(param + i);
      let d = load<T>(grad + i);
      if (hasWd) d = d + sWd * p;
      store<T>(param + i, p - sLr * d);
    }
    return;
  }
  for (; i < vecEnd; i += 16) {
    const p = v128.load(param + i);
    let d = v128.load(grad + i);
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vWd, p));
    const b = firstStep ? d : v128.add<T>(v128.mul<T>(vMu, v128.load(velocity + i)), v128.mul<T>(vDamp, d));
    v128.store(velocity + i, b);
    d = nesterov ? v128.add<T>(d, v128.mul<T>(vMu, b)) : b;
    v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vLr, d)));
  }
  for (; i < end; i += sizeof<T>()) {
    const p = load<T>(param + i);
    let d = load<T>(grad + i);
    if (hasWd) d = d + sWd * p;
    const b = firstStep ? d : sMu * load<T>(velocity + i) + sDamp * d;
    store<T>(velocity + i, b);
    d = nesterov ? d + sMu * b : b;
    store<T>(param + i, p - sLr * d);
  }
}

/**
 * sgdStep_f32(param: f32*, grad: f32*, velocity: f32* (unused, may be 0, when momentum == 0),
 * n: elements, lr, momentum, dampening, weightDecay, nesterov: 0/1, firstStep: 0/1).
 */
export function sgdStep_f32(param: usize, grad: usize, velocity: usize, n: i32, lr: f64, momentum: f64,
  dampening: f64, weightDecay: f64, nesterov: bool, firstStep: bool): void {
  sgdStep<f32>(param, grad, velocity, n, lr, momentum, dampening, weightDecay, nesterov, firstStep);
}
/** sgdStep_f64: as sgdStep_f32 with f64 elements. */
export function sgdStep_f64(param: usize, grad: usize, velocity: usize, n: i32, lr: f64, momentum: f64,
  dampening: f64, weightDecay: f64, nesterov: bool, firstStep: bool): void {
  sgdStep<f64>(param, grad, velocity, n, lr, momentum, dampening, weightDecay, nesterov, firstStep);
}

// ---- Adam / AdamW ---------------------------------------------------------------------------

/**
 * With wd != 0: AdamW (decoupled) p = p * (1 - lr * wd), Adam g = g + wd * p. Then
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g g and, as PyTorch evaluates it,
 * p = p - (lr / bc1) * (m / (sqrt(v) / sqrt(bc2) + eps)) with bc = 1 - beta^step.
 * The bias corrections are computed once here in f64; only the rounded scalars enter the loop.
 */
@inline function adamStep<T>(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64,
  beta2: f64, eps: f64, weightDecay: f64, decoupled: bool, step: i32): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const bc1 = 1 - Math.pow(beta1, <f64>step);
  const bc2 = 1 - Math.pow(beta2, <f64>step);
  const hasWd = weightDecay != 0;
  const decayParam = hasWd && decoupled;
  const decayGrad = hasWd && !decoupled;
  const sStep = <T>(lr / bc1), sBc2Sqrt = <T>Math.sqrt(bc2), sEps = <T>eps;
  const sB1 = <T>beta1, sB1c = <T>(1 - beta1), sB2 = <T>beta2, sB2c = <T>(1 - beta2);
  const sWd = <T>weightDecay, sDecay = <T>(1 - lr * weightDecay);
  const vStep = v128.splat<T>(sStep), vBc2Sqrt = v128.splat<T>(sBc2Sqrt), vEps = v128.splat<T>(sEps);
  const vB1 = v128.splat<T>(sB1), vB1c = v128.splat<T>(sB1c), vB2 = v128.splat<T>(sB2), vB2c = v128.splat<T>(sB2c);
  const vWd = v128.splat<T>(sWd), vDecay = v128.splat<T>(sDecay);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    let p = v128.load(param + i);
    let g = v128.load(grad + i);
    if (decayParam) p = v128.mul<T>(p, vDecay);
    if (decayGrad) g = v128.add<T>(g, v128.mul<T>(vWd, p));
    const mi = v128.add<T>(v128.mul<T>(vB1, v128.load(m + i)), v128.mul<T>(vB1c, g));
    const vi = v128.add<T>(v128.mul<T>(vB2, v128.load(v + i)), v128.mul<T>(v128.mul<T>(vB2c, g), g));
    v128.store(m + i, mi);
    v128.store(v + i, vi);
    const denom = v128.add<T>(v128.div<T>(v128.sqrt<T>(vi), vBc2Sqrt), vEps);
    v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vStep, v128.div<T>(mi, denom))));
  }
  for (; i < end; i += sizeof<T>()) {
    let p = load<T>(param + i);
    let g = load<T>(grad + i);
    if (decayParam) p = p * sDecay;
    if (decayGrad) g = g + sWd * p;
    const mi = sB1 * load<T>(m + i) + sB1c * g;
    const vi = sB2 * load<T>(v + i) + sB2c * g * g;
    store<T>(m + i, mi);
    store<T>(v + i, vi);
    const denom = sqrt<T>(vi) / sBc2Sqrt + sEps;
    store<T>(param + i, p - sStep * (mi / denom));
  }
}

/**
 * adamStep_f32(param: f32*, grad: f32*, m: f32*, v: f32*, n: elements, lr, beta1, beta2, eps,
 * weightDecay, decoupled: 0 Adam (L2 in the gradient) / 1 AdamW, step: 1-based count).
 */
export function adamStep_f32(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64,
  beta2: f64, eps: f64, weightDecay: f64, decoupled: bool, step: i32): void {
  adamStep<f32>(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
}
/** adamStep_f64: as adamStep_f32 with f64 elements. */
export function adamStep_f64(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64,
  beta2: f64, eps: f64, weightDecay: f64, decoupled: bool, step: i32): void {
  adamStep<f64>(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
}

// ---- RMSprop / Adagrad ---------------------------------------------------------------------

/**
 * g = grad + wd * p (when wd != 0); sq = alpha sq + (1 - alpha) g g; centered: ga = alpha ga +
 * (1 - alpha) g, avg = sqrt(sq - ga ga) + eps, else avg = sqrt(sq) + eps; with momentum
 * (hasMomentum): b = mu b + g / avg, p = p - lr b; else p = p - lr (g / avg).
 */
@inline function rmspropStep<T>(param: usize, grad: usize, sq: usize, buf: usize, gavg: usize, n: i32, lr: f64,
  alpha: f64, eps: f64, weightDecay: f64, momentum: f64, centered: bool): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const hasWd = weightDecay != 0, hasMomentum = momentum > 0;
  const sLr = <T>lr, sA = <T>alpha, sA1 = <T>(1 - alpha), sEps = <T>eps, sWd = <T>weightDecay, sMu = <T>momentum;
  const vLr = v128.splat<T>(sLr), vA = v128.splat<T>(sA), vA1 = v128.splat<T>(sA1), vEps = v128.splat<T>(sEps);
  const vWd = v128.splat<T>(sWd), vMu = v128.splat<T>(sMu);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const p = v128.load(param + i);
    let g = v128.load(grad + i);
    if (hasWd) g = v128.add<T>(g, v128.mul<T>(vWd, p));
    const s = v128.add<T>(v128.mul<T>(vA, v128.load(sq + i)), v128.mul<T>(v128.mul<T>(vA1, g), g));
    v128.store(sq + i, s);
    let avg: v128;
    if (centered) {
      const ga = v128.add<T>(v128.mul<T>(vA, v128.load(gavg + i)), v128.mul<T>(vA1, g));
      v128.store(gavg + i, ga);
      avg = v128.add<T>(v128.sqrt<T>(v128.sub<T>(s, v128.mul<T>(ga, ga))), vEps);
    } else {
      avg = v128.add<T>(v128.sqrt<T>(s), vEps);
    }
    const d = v128.div<T>(g, avg);
    if (hasMomentum) {
      const b = v128.add<T>(v128.mul<T>(vMu, v128.load(buf + i)), d);
      v128.store(buf + i, b);
      v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vLr, b)));
    } else {
      v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vLr, d)));
    }
  }
  for (; i < end; i += sizeof<T>()) {
    const p = load<T>(param + i);
    let g = load<T>(grad + i);
    if (hasWd) g = g + sWd * p;
    const s = sA * load<T>(sq + i) + sA1 * g * g;
    store<T>(sq + i, s);
    let avg: T;
    if (centered) {
      const ga = sA * load<T>(gavg + i) + sA1 * g;
      store<T>(gavg + i, ga);
      avg = sqrt<T>(s - ga * ga) + sEps;
    } else {
      avg = sqrt<T>(s) + sEps;
    }
    const d = g / avg;
    if (hasMomentum) {
      const b = sMu * load<T>(buf + i) + d;
      store<T>(buf + i, b);
      store<T>(param + i, p - sLr * b);
    } else {
      store<T>(param + i, p - sLr * d);
    }
  }
}

/**
 * rmspropStep_f32(param, grad, squareAvg, buf (unused, may be 0, when momentum == 0), gradAvg
 * (unused, may be 0, unless centered), n, lr, alpha, eps, weightDecay, momentum, centered: 0/1).
 */
export function rmspropStep_f32(param: usize, grad: usize, sq: usize, buf: usize, gavg: usize, n: i32, lr: f64,
  alpha: f64, eps: f64, weightDecay: f64, momentum: f64, centered: bool): void {
  rmspropStep<f32>(param, grad, sq, buf, gavg, n, lr, alpha, eps, weightDecay, momentum, centered);
}
/** rmspropStep_f64: as rmspropStep_f32 with f64 elements. */
export function rmspropStep_f64(param: usize, grad: usize, sq: usize, buf: usize, gavg: usize, n: i32, lr: f64,
  alpha: f64, eps: f64, weightDecay: f64, momentum: f64, centered: bool): void {
  rmspropStep<f64>(param, grad, sq, buf, gavg, n, lr, alpha, eps, weightDecay, momentum, centered);
}

/** g = grad + wd * p (when wd != 0); sum = sum + g g; p = p - clr (g / (sqrt(sum) + eps)). */
@inline function adagradStep<T>(param: usize, grad: usize, sum: usize, n: i32, clr: f64, weightDecay: f64, eps: f64): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const hasWd = weightDecay != 0;
  const sClr = <T>clr, sWd = <T>weightDecay, sEps = <T>eps;
  const vClr = v128.splat<T>(sClr), vWd = v128.splat<T>(sWd), vEps = v128.splat<T>(sEps);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const p = v128.load(param + i);
    let g = v128.load(grad + i);
    if (hasWd) g = v128.add<T>(g, v128.mul<T>(vWd, p));
    const s = v128.add<T>(v128.load(sum + i), v128.mul<T>(g, g));
    v128.store(sum + i, s);
    const d = v128.div<T>(g, v128.add<T>(v128.sqrt<T>(s), vEps));
    v128.store(param + i, v128.sub<T>(p, v128.mul<T>(vClr, d)));
  }
  for (; i < end; i += sizeof<T>()) {
    const p = load<T>(param + i);
    let g = load<T>(grad + i);
    if (hasWd) g = g + sWd * p;
    const s = load<T>(sum + i) + g * g;
    store<T>(sum + i, s);
    store<T>(param + i, p - sClr * (g / (sqrt<T>(s) + sEps)));
  }
}

/** adagradStep_f32(param, grad, sum, n, clr: this step's lr after lrDecay, weightDecay, eps). */
export function adagradStep_f32(param: usize, grad: usize, sum: usize, n: i32, clr: f64, weightDecay: f64, eps: f64): void {
  adagradStep<f32>(param, grad, sum, n, clr, weightDecay, eps);
}
/** adagradStep_f64: as adagradStep_f32 with f64 elements. */
export function adagradStep_f64(param: usize, grad: usize, sum: usize, n: i32, clr: f64, weightDecay: f64, eps: f64): void {
  adagradStep<f64>(param, grad, sum, n, clr, weightDecay, eps);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of an Sgd task: `chunk` elements of param, grad and velocity (0: none). */
export function sgdChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, SgdSlot.N), argp(args, SgdSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const vel = argp(args, SgdSlot.Velocity);
  const v: usize = vel == 0 ? 0 : vel + off;
  const param = argp(args, SgdSlot.Param) + off, grad = argp(args, SgdSlot.Grad) + off;
  const lr = arg(args, SgdSlot.Lr), momentum = arg(args, SgdSlot.Momentum), dampening = arg(args, SgdSlot.Dampening);
  const wd = arg(args, SgdSlot.WeightDecay), nesterov = argb(args, SgdSlot.Nesterov), first = argb(args, SgdSlot.FirstStep);
  if (f64) sgdStep_f64(param, grad, v, n, lr, momentum, dampening, wd, nesterov, first);
  else sgdStep_f32(param, grad, v, n, lr, momentum, dampening, wd, nesterov, first);
}

/** Chunk idx of an Adam task: `chunk` elements of param, grad, m and v. */
export function adamChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, AdamSlot.N), argp(args, AdamSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const param = argp(args, AdamSlot.Param) + off, grad = argp(args, AdamSlot.Grad) + off;
  const m = argp(args, AdamSlot.M) + off, v = argp(args, AdamSlot.V) + off;
  const lr = arg(args, AdamSlot.Lr), beta1 = arg(args, AdamSlot.Beta1), beta2 = arg(args, AdamSlot.Beta2);
  const eps = arg(args, AdamSlot.Eps), wd = arg(args, AdamSlot.WeightDecay), decoupled = argb(args, AdamSlot.Decoupled);
  const step = argi(args, AdamSlot.Step);
  if (f64) adamStep_f64(param, grad, m, v, n, lr, beta1, beta2, eps, wd, decoupled, step);
  else adamStep_f32(param, grad, m, v, n, lr, beta1, beta2, eps, wd, decoupled, step);
}

/** Chunk idx of an Rmsprop task: `chunk` elements of param, grad and the state (0: absent). */
export function rmspropChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, RmspropSlot.N), argp(args, RmspropSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const b = argp(args, RmspropSlot.Buf), ga = argp(args, RmspropSlot.GradAvg);
  const buf: usize = b == 0 ? 0 : b + off, gavg: usize = ga == 0 ? 0 : ga + off;
  const param = argp(args, RmspropSlot.Param) + off, grad = argp(args, RmspropSlot.Grad) + off;
  const sq = argp(args, RmspropSlot.SquareAvg) + off;
  const lr = arg(args, RmspropSlot.Lr), alpha = arg(args, RmspropSlot.Alpha), eps = arg(args, RmspropSlot.Eps);
  const wd = arg(args, RmspropSlot.WeightDecay), mu = arg(args, RmspropSlot.Momentum), centered = argb(args, RmspropSlot.Centered);
  if (f64) rmspropStep_f64(param, grad, sq, buf, gavg, n, lr, alpha, eps, wd, mu, centered);
  else rmspropStep_f32(param, grad, sq, buf, gavg, n, lr, alpha, eps, wd, mu, centered);
}

/** Chunk idx of an Adagrad task: `chunk` elements of param, grad and sum. */
export function adagradChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, AdagradSlot.N), argp(args, AdagradSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const param = argp(args, AdagradSlot.Param) + off, grad = argp(args, AdagradSlot.Grad) + off;
  const sum = argp(args, AdagradSlot.Sum) + off;
  const clr = arg(args, AdagradSlot.Clr), wd = arg(args, AdagradSlot.WeightDecay), eps = arg(args, AdagradSlot.Eps);
  if (f64) adagradStep_f64(param, grad, sum, n, clr, wd, eps);
  else adagradStep_f32(param, grad, sum, n, clr, wd, eps);
}
