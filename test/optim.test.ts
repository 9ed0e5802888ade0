// Optimizers and learning-rate schedules: every optimizer against updates computed by hand in
// plain float64 JS (SGD's PyTorch definition; Adam's published rule, Kingma & Ba's Algorithm 1
// with bias correction; AdamW's decoupled decay), on both backends and both dtypes; the wasm
// kernels against the JS reference kernels on SIMD edge sizes; schedules against PyTorch's
// formulas; argument errors; a disposed parameter; training convergence; flat memory.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import type { Backend, DType as SDType, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import {
  type DType, type Tensor, DTYPES, expectClose, forEachConfig, randomFlat, roundTo, thrown,
} from './helpers.js';

const { SGD, Adam, AdamW, StepLR, CosineAnnealingLR, Optimizer } = wg.optim;

// ---- hand-computed references (float64, plain JS) ------------------------------------------------

interface SgdHyper { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }

/** PyTorch's SGD, one parameter vector, one step per gradient; returns the parameter after each step. */
function sgdReference(p0: number[], grads: number[][], h: SgdHyper, lrs?: number[]): number[][] {
  const mu = h.momentum ?? 0, damp = h.dampening ?? 0, wd = h.weightDecay ?? 0, nesterov = h.nesterov ?? false;
  const p = p0.slice();
  let buf: number[] | null = null;
  const out: number[][] = [];
  grads.forEach((g, t) => {
    const lr = lrs ? lrs[t] : h.lr;
    const d = g.map((gi, i) => gi + wd * p[i]);
    let step = d;
    if (mu !== 0) {
      buf = buf === null ? d.slice() : buf.map((b, i) => mu * b + (1 - damp) * d[i]);
      step = nesterov ? d.map((di, i) => di + mu * buf![i]) : buf;
    }
    for (let i = 0; i < p.length; i++) p[i] -= lr * step[i];
    out.push(p.slice());
  });
  return out;
}

interface AdamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean }

/**
 * Kingma & Ba (2015), Algorithm 1, written as published: m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t),
 * θ ← θ - α m̂ / (√v̂ + ε). Adam's weight decay is an L2 term in the gradient; AdamW's
 * (Loshchilov & Hutter) multiplies θ by 1 - α λ before the moment update.
 */
function adamReference(p0: number[], grads: number[][], h: AdamHyper): number[][] {
  const p = p0.slice();
  const m = p0.map(() => 0), v = p0.map(() => 0);
  const out: number[][] = [];
  grads.forEach((grad, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      let g = grad[i];
      if (h.decoupled) p[i] = p[i] - h.lr * h.weightDecay * p[i];
      else g = g + h.weightDecay * p[i];
      m[i] = h.beta1 * m[i] + (1 - h.beta1) * g;
      v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
      const mHat = m[i] / (1 - h.beta1 ** t);
      const vHat = v[i] / (1 - h.beta2 ** t);
      p[i] = p[i] - h.lr * mHat / (Math.sqrt(vHat) + h.eps);
    }
    out.push(p.slice());
  });
  return out;
}

/**
 * Tolerances for parameters after a few steps. float64 runs the same arithmetic as the
 * reference (≤ 1e-12 relative). float32 stores parameter, gradient and state in float32 and
 * computes in float32 on wasm: a few float32 roundings (2^-24 ≈ 6e-8 each) per step.
 */
const STEP_TOL: Record<DType, { rtol: number; atol: number }> = {
  float64: { rtol: 1e-12, atol: 1e-15 },
  float32: { rtol: 1e-6, atol: 1e-7 },
};

const N = 11; // an odd size: SIMD main loop (4 f32 / 2 f64 lanes) plus a scalar tail

function param(data: number[], dtype: DType, shape: number[] = [data.length]): Tensor {
  return wg.tensor(data, { shape, dtype, requiresGrad: true });
}

/** Replaces p.grad with `values` (the old gradient freed). */
function setGrad(p: Tensor, values: number[]): void {
  p.zeroGrad();
  p.grad = wg.tensor(values, { shape: [...p.shape], dtype: p.dtype as DType });
}

function flat(t: Tensor): number[] {
  return Array.from(t.data());
}

// ---- each optimizer against its hand-computed steps ------------------------------------------------

const SGD_CASES: { name: string; h: SgdHyper }[] = [
  { name: 'plain', h: { lr: 0.1 } },
  { name: 'momentum', h: { lr: 0.1, momentum: 0.9 } },
  { name: 'Nesterov', h: { lr: 0.05, momentum: 0.9, nesterov: true } },
  { name: 'weight decay', h: { lr: 0.1, weightDecay: 0.05 } },
  { name: 'momentum with dampening', h: { lr: 0.1, momentum: 0.8, dampening: 0.3 } },
  { name: 'Nesterov with weight decay', h: { lr: 0.05, momentum: 0.7, weightDecay: 0.1, nesterov: true } },
  { name: 'momentum, dampening and weight decay', h: { lr: 0.2, momentum: 0.5, dampening: 0.5, weightDecay: 0.01 } },
];

const ADAM_CASES: { name: string; make: (ps: Tensor[]) => InstanceType<typeof Adam>; h: AdamHyper }[] = [
  { name: 'Adam defaults', make: (ps) => new Adam(ps),
    h: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false } },
  { name: 'Adam lr 0.05, betas [0.8, 0.99], eps 1e-6', make: (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6 }),
    h: { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0, decoupled: false } },
  { name: 'Adam with L2 weight decay 0.1', make: (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 }),
    h: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: false } },
  { name: 'AdamW defaults (weightDecay 1e-2)', make: (ps) => new AdamW(ps),
    h: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true } },
  { name: 'AdamW weightDecay 0.1', make: (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1, betas: [0.5, 0.9] }),
    h: { lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-8, weightDecay: 0.1, decoupled: true } },
  { name: 'AdamW weightDecay 0 (= Adam)', make: (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0 }),
    h: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true } },
];

forEachConfig('optim', ({ backend, dtype }) => {
  const tol = STEP_TOL[dtype];
  const steps = 5;
  // Inputs as the tensors hold them (rounded to float32 for float32), so the reference sees the same.
  const p0 = roundTo(dtype, randomFlat(N, 1, -1, 1));
  const grads = Array.from({ length: steps }, (_, k) => roundTo(dtype, randomFlat(N, 100 + k, -2, 2)));

  describe('SGD', () => {
    for (const c of SGD_CASES) {
      it(`${c.name}: ${steps} steps match the hand-computed update`, () => {
        const p = param(p0, dtype);
        const opt = new SGD([p], c.h);
        const expected = sgdReference(p0, grads, c.h);
        for (let k = 0; k < steps; k++) {
          setGrad(p, grads[k]);
          opt.step();
          expectClose(p.data(), expected[k], tol);
        }
        expect(p.backendName).toBe(backend);
        expect(opt.getState(p)!.step).toBe(steps);
        expect(Object.keys(opt.getState(p)!.tensors)).toEqual((c.h.momentum ?? 0) > 0 ? ['velocity'] : []);
        opt.dispose();
        p.dispose();
      });
    }

    it('a changed lr applies from the next step on', () => {
      const h = { lr: 0.1, momentum: 0.9 };
      const lrs = [0.1, 0.1, 0.02, 0.02, 0.5];
      const p = param(p0, dtype);
      const opt = new SGD([p], h);
      const expected = sgdReference(p0, grads, h, lrs);
      for (let k = 0; k < steps; k++) {
        opt.lr = lrs[k];
        setGrad(p, grads[k]);
        opt.step();
        expectClose(p.data(), expected[k], tol);
      }
      expect(opt.lr).toBe(0.5);
      expect(opt.defaults.lr).toBe(0.1);
    });

    it('updates several parameters of different shapes, each with its own velocity', () => {
      const h = { lr: 0.1, momentum: 0.9, nesterov: true };
      const w0 = roundTo(dtype, randomFlat(15, 7)), b0 = roundTo(dtype, randomFlat(3, 8));
      const w = param(w0, dtype, [3, 5]), b = param(b0, dtype, [3]);
      const gw = grads.map((g, k) => roundTo(dtype, randomFlat(15, 200 + k))), gb = grads.map((g) => g.slice(0, 3));
      const opt = new SGD([w, b], h);
      const ew = sgdReference(w0, gw, h), eb = sgdReference(b0, gb, h);
      for (let k = 0; k < steps; k++) {
        setGrad(w, gw[k]);
        setGrad(b, gb[k]);
        opt.step();
        expectClose(w.data(), ew[k], tol);
        expectClose(b.data(), eb[k], tol);
      }
      expect(w.shape).toEqual([3, 5]);
    });
  });

  describe('Adam / AdamW', () => {
    for (const c of ADAM_CASES) {
      it(`${c.name}: ${steps} steps match Kingma & Ba's update with bias correction`, () => {
        const p = param(p0, dtype);
        const opt = c.make([p]);
        const expected = adamReference(p0, grads, c.h);
        for (let k = 0; k < steps; k++) {
          setGrad(p, grads[k]);
          opt.step();
          expectClose(p.data(), expected[k], tol);
        }
        const st = opt.getState(p)!;
        expect(st.step).toBe(steps);
        expect(Object.keys(st.tensors).sort()).toEqual(['m', 'v']);
        expect(opt.defaults.decoupled).toBe(c.h.decoupled);
      });
    }

    it('the first step moves each parameter by about lr against its gradient (bias correction)', () => {
      const p = param(p0, dtype);
      const opt = new Adam([p], { lr: 0.01 });
      setGrad(p, grads[0]);
      opt.step();
      const after = flat(p);
      for (let i = 0; i < N; i++) {
        // m̂ = g and v̂ = g², so the step is lr * g / (|g| + eps) = lr * sign(g) up to eps/|g|.
        expect(after[i] - p0[i]).toBeCloseTo(-0.01 * Math.sign(grads[0][i]), dtype === 'float64' ? 7 : 5);
      }
    });

    it("AdamW's decoupled decay differs from Adam's L2 decay", () => {
      const h = { lr: 0.1, weightDecay: 0.5 };
      const a = param(p0, dtype), w = param(p0, dtype);
      const adam = new Adam([a], h), adamw = new AdamW([w], h);
      const ea = adamReference(p0, grads, { ...h, beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: false });
      const ew = adamReference(p0, grads, { ...h, beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true });
      for (let k = 0; k < 3; k++) {
        setGrad(a, grads[k]);
        setGrad(w, grads[k]);
        adam.step();
        adamw.step();
        expectClose(a.data(), ea[k], tol);
        expectClose(w.data(), ew[k], tol);
      }
      // L2 decay is normalised away by Adam's division; decoupled decay is not.
      const diff = flat(a).map((x, i) => Math.abs(x - flat(w)[i]));
      expect(Math.max(...diff)).toBeGreaterThan(1e-3);
      expect(adam.defaults.decoupled).toBe(false);
      expect(adamw.defaults.decoupled).toBe(true);
      expect(adamw).toBeInstanceOf(Adam);
    });

    it('defaults are PyTorch\'s', () => {
      const p = param(p0, dtype);
      const a = new Adam([p]), w = new AdamW([p]);
      expect(a.defaults).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
      expect(w.defaults).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 });
      const s = new SGD([p], { lr: 0.1 });
      expect(s.defaults).toMatchObject({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });
    });
  });

  describe('zeroGrad and missing gradients', () => {
    it('zeroGrad clears every parameter\'s gradient; a step after it changes nothing', () => {
      const w = param(p0, dtype), b = param([0.5], dtype);
      const x = wg.tensor(randomFlat(N, 3), { dtype });
      const loss = x.mul(w).sum().add(b.mul(2)).sum();
      loss.backward();
      expect(w.grad).not.toBeNull();
      expect(b.grad).not.toBeNull();
      const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
      opt.zeroGrad();
      expect(w.grad).toBeNull();
      expect(b.grad).toBeNull();
      opt.step();
      expect(flat(w)).toEqual(p0);
      expect(flat(b)).toEqual([0.5]);
      expect(opt.getState(w)).toBeNull();
    });

    it('parameters whose grad is null are skipped, and their state starts at their first gradient', () => {
      const h = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };
      const a = param(p0, dtype), b = param(p0, dtype);
      const opt = new Adam([a, b], { lr: 0.05 });
      // b has no gradient for the first two steps.
      for (let k = 0; k < 2; k++) {
        setGrad(a, grads[k]);
        opt.step();
        expect(flat(b)).toEqual(p0);
        expect(opt.getState(b)).toBeNull();
      }
      setGrad(a, grads[2]);
      setGrad(b, grads[2]);
      opt.step();
      expectClose(a.data(), adamReference(p0, grads.slice(0, 3), h)[2], tol);
      // b's first update uses step 1's bias correction.
      expectClose(b.data(), adamReference(p0, [grads[2]], h)[0], tol);
      expect(opt.getState(a)!.step).toBe(3);
      expect(opt.getState(b)!.step).toBe(1);
      expect(opt.stepCount).toBe(3);
    });

    it('SGD momentum: a parameter first seen later starts its velocity then', () => {
      const h = { lr: 0.1, momentum: 0.9 };
      const a = param(p0, dtype), b = param(p0, dtype);
      const opt = new SGD([a, b], h);
      setGrad(a, grads[0]);
      opt.step();
      expect(flat(b)).toEqual(p0);
      setGrad(b, grads[1]);
      a.zeroGrad();
      opt.step();
      expectClose(b.data(), sgdReference(p0, [grads[1]], h)[0], tol);
      expectClose(a.data(), sgdReference(p0, [grads[0]], h)[0], tol);
    });

    it('gradients from backward drive the same update as hand-set ones', () => {
      // loss = sum(x * w)  =>  dloss/dw = x
      const x = roundTo(dtype, randomFlat(N, 5));
      const w = param(p0, dtype);
      const xt = wg.tensor(x, { dtype });
      const opt = new SGD([w], { lr: 0.1, momentum: 0.5 });
      for (let k = 0; k < 3; k++) {
        opt.zeroGrad();
        xt.mul(w).sum().backward();
        opt.step();
      }
      expectClose(w.data(), sgdReference(p0, [x, x, x], { lr: 0.1, momentum: 0.5 })[2], tol);
    });
  });

  describe('learning-rate schedules', () => {
    it('StepLR follows lr = baseLr * gamma^floor(epoch / stepSize)', () => {
      const opt = new SGD([param(p0, dtype)], { lr: 0.1 });
      const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
      const seen = [opt.lr];
      expect(s.getLr()).toBe(0.1);
      for (let e = 1; e <= 10; e++) {
        s.step();
        expect(s.lastEpoch).toBe(e);
        expect(s.getLr()).toBe(opt.lr);
        seen.push(opt.lr);
      }
      const formula = seen.map((_, e) => 0.1 * 0.5 ** Math.floor(e / 3));
      expect(seen).toEqual(formula);
      expectClose(seen, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125], { rtol: 1e-15, atol: 0 });
    });

    it('StepLR gamma defaults to 0.1', () => {
      const opt = new Adam([param(p0, dtype)], { lr: 1 });
      const s = new StepLR(opt, { stepSize: 2 });
      const seen = [opt.lr];
      for (let e = 0; e < 5; e++) { s.step(); seen.push(opt.lr); }
      expectClose(seen, [1, 1, 0.1, 0.1, 0.01, 0.01], { rtol: 1e-15, atol: 0 });
    });

    it('CosineAnnealingLR follows etaMin + (baseLr - etaMin)(1 + cos(pi epoch / tMax)) / 2', () => {
      const opt = new SGD([param(p0, dtype)], { lr: 0.1 });
      const s = new CosineAnnealingLR(opt, { tMax: 10, etaMin: 0.001 });
      const seen = [opt.lr];
      for (let e = 1; e <= 20; e++) { s.step(); seen.push(opt.lr); }
      const formula = seen.map((_, e) => 0.001 + (0.1 - 0.001) * (1 + Math.cos(Math.PI * e / 10)) / 2);
      expectClose(seen, formula, { rtol: 1e-15, atol: 0 });
      expect(seen[0]).toBe(0.1);
      expectClose(seen[5], 0.0505, { rtol: 1e-14, atol: 0 });
      expectClose(seen[10], 0.001, { rtol: 1e-14, atol: 0 });
      expectClose(seen[20], 0.1, { rtol: 1e-14, atol: 0 });
      // monotone decreasing over the first half-period
      for (let e = 1; e <= 10; e++) expect(seen[e]).toBeLessThan(seen[e - 1]);
    });

    it('CosineAnnealingLR etaMin defaults to 0', () => {
      const opt = new SGD([param(p0, dtype)], { lr: 2 });
      const s = new CosineAnnealingLR(opt, { tMax: 4 });
      const seen = [opt.lr];
      for (let e = 0; e < 4; e++) { s.step(); seen.push(s.getLr()); }
      expectClose(seen, [2, 1 + Math.SQRT1_2, 1, 1 - Math.SQRT1_2, 0], { rtol: 1e-14, atol: 1e-15 });
    });

    it('the scheduled lr is the one the next optimizer step uses', () => {
      const p = param(p0, dtype);
      const opt = new SGD([p], { lr: 0.4 });
      const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
      const lrs: number[] = [];
      for (let k = 0; k < 4; k++) {
        lrs.push(opt.lr);
        setGrad(p, grads[k]);
        opt.step();
        s.step();
      }
      expect(lrs).toEqual([0.4, 0.2, 0.1, 0.05]);
      expectClose(p.data(), sgdReference(p0, grads.slice(0, 4), { lr: 0 }, lrs)[3], tol);
    });
  });

  describe('errors', () => {
    it('a disposed parameter at step() throws DisposedError naming the optimizer and index; nothing is updated', () => {
      const a = param(p0, dtype), b = param(p0, dtype), c = param(p0, dtype);
      const opt = new Adam([a, b, c], { lr: 0.1 });
      setGrad(a, grads[0]);
      setGrad(b, grads[0]);
      setGrad(c, grads[0]);
      opt.step();
      const snapA = flat(a), snapC = flat(c);
      const st = opt.getState(a)!;
      const snapM = flat(st.tensors.m), snapV = flat(st.tensors.v);
      setGrad(a, grads[1]);
      setGrad(c, grads[1]);
      b.dispose();
      const e = thrown(() => opt.step());
      expect(e).toBeInstanceOf(wg.DisposedError);
      expect(e.message).toMatch(/Adam/);
      expect(e.message).toMatch(/parameter 1\b/);
      expect(flat(a)).toEqual(snapA);
      expect(flat(c)).toEqual(snapC);
      expect(flat(st.tensors.m)).toEqual(snapM);
      expect(flat(st.tensors.v)).toEqual(snapV);
      expect(opt.getState(a)!.step).toBe(1);
      expect(opt.stepCount).toBe(1);
    });

    it('a disposed gradient, or one of the wrong shape or dtype, throws before any update', () => {
      const a = param(p0, dtype), b = param(p0, dtype);
      const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
      setGrad(a, grads[0]);
      setGrad(b, grads[0]);
      b.grad!.dispose();
      expect(() => opt.step()).toThrow(wg.DisposedError);
      expect(flat(a)).toEqual(p0);
      expect(opt.getState(a)).toBeNull();

      b.setGradUnchecked(wg.tensor(grads[0].slice(0, 5), { dtype }));
      const e = thrown(() => opt.step());
      expect(e).toBeInstanceOf(wg.ShapeError);
      expect(e.message).toMatch(/SGD.*parameter 1/);
      expect(flat(a)).toEqual(p0);

      const other = dtype === 'float32' ? 'float64' : 'float32';
      b.setGradUnchecked(wg.tensor(grads[0], { dtype: other }));
      expect(() => opt.step()).toThrow(wg.DTypeError);
      expect(flat(a)).toEqual(p0);
      b.setGradUnchecked(null);
      opt.step();
      expectClose(a.data(), sgdReference(p0, [grads[0]], { lr: 0.1, momentum: 0.9 })[0], tol);
    });

    it('params must be tensors that require grad (the error names the optimizer)', () => {
      const p = param(p0, dtype);
      const plain = wg.tensor(p0, { dtype });
      const cases: [string, () => unknown, RegExp][] = [
        ['numbers', () => new SGD([1, 2] as never, { lr: 0.1 }), /SGD: parameter 0 is not a Tensor/],
        ['a string in the list', () => new Adam([p, 'w'] as never), /Adam: parameter 1 is not a Tensor/],
        ['null', () => new AdamW(null as never), /AdamW: params must be an iterable/],
        ['a single tensor', () => new SGD(p as never, { lr: 0.1 }), /SGD: .*single Tensor/],
        ['a plain object', () => new Adam({ w: p } as never), /Adam: params must be an iterable/],
        ['an empty list', () => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/],
        ['no requiresGrad', () => new Adam([p, plain]), /Adam: parameter 1 .*does not require grad/],
        ['a non-leaf', () => new SGD([p.mul(2)], { lr: 0.1 }), /SGD: parameter 0 .*not a leaf/],
        ['a duplicate', () => new AdamW([p, p]), /AdamW: parameter 1 .*more than once/],
      ];
      for (const [what, fn, re] of cases) {
        const e = thrown(fn);
        expect(e, what).toBeInstanceOf(wg.WasmgradError);
        expect(e.message, what).toMatch(re);
      }
      const d = param(p0, dtype);
      d.dispose();
      expect(() => new SGD([d], { lr: 0.1 })).toThrow(wg.DisposedError);
    });

    it('any iterable of parameters is accepted (a generator, a Set)', () => {
      const a = param(p0, dtype), b = param(p0, dtype);
      function* gen() { yield a; yield b; }
      expect(new SGD(gen(), { lr: 0.1 }).params).toEqual([a, b]);
      expect(new Adam(new Set([b, a])).params).toEqual([b, a]);
    });

    it('bad hyperparameters throw WasmgradError naming the optimizer and the option', () => {
      const p = param(p0, dtype);
      const bad: [string, () => unknown, RegExp][] = [
        ['SGD without options', () => new SGD([p], undefined as never), /SGD: .*lr/],
        ['SGD without lr', () => new SGD([p], {} as never), /SGD: lr is required/],
        ['SGD lr < 0', () => new SGD([p], { lr: -0.1 }), /SGD: lr must be a finite number >= 0, got -0.1/],
        ['SGD lr NaN', () => new SGD([p], { lr: NaN }), /SGD: lr .*NaN/],
        ['SGD lr Infinity', () => new SGD([p], { lr: Infinity }), /SGD: lr .*Infinity/],
        ['SGD lr string', () => new SGD([p], { lr: '0.1' as never }), /SGD: lr .*string/],
        ['SGD momentum < 0', () => new SGD([p], { lr: 0.1, momentum: -0.5 }), /SGD: momentum/],
        ['SGD dampening > 1', () => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 1.5 }), /SGD: dampening/],
        ['SGD weightDecay < 0', () => new SGD([p], { lr: 0.1, weightDecay: -1 }), /SGD: weightDecay/],
        ['SGD nesterov without momentum', () => new SGD([p], { lr: 0.1, nesterov: true }), /SGD: Nesterov momentum requires a momentum > 0 and zero dampening/],
        ['SGD nesterov with dampening', () => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /SGD: Nesterov/],
        ['SGD nesterov not boolean', () => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: 1 as never }), /SGD: nesterov must be true or false/],
        ['SGD unknown option', () => new SGD([p], { lr: 0.1, weight_decay: 0.1 } as never), /SGD: unknown option 'weight_decay'/],
        ['Adam lr < 0', () => new Adam([p], { lr: -1 }), /Adam: lr/],
        ['Adam beta1 = 1', () => new Adam([p], { betas: [1, 0.999] }), /Adam: betas\[0\] must be a finite number >= 0 and < 1/],
        ['Adam beta2 = 1', () => new Adam([p], { betas: [0.9, 1] }), /Adam: betas\[1\]/],
        ['Adam beta1 < 0', () => new Adam([p], { betas: [-0.1, 0.9] }), /Adam: betas\[0\]/],
        ['Adam beta NaN', () => new Adam([p], { betas: [0.9, NaN] }), /Adam: betas\[1\]/],
        ['Adam one beta', () => new Adam([p], { betas: [0.9] as never }), /Adam: betas must be an array of two numbers/],
        ['Adam eps = 0', () => new Adam([p], { eps: 0 }), /Adam: eps must be a finite number > 0/],
        ['Adam eps < 0', () => new Adam([p], { eps: -1e-8 }), /Adam: eps/],
        ['Adam weightDecay < 0', () => new Adam([p], { weightDecay: -0.01 }), /Adam: weightDecay/],
        ['AdamW lr NaN', () => new AdamW([p], { lr: NaN }), /AdamW: lr/],
        ['AdamW options not an object', () => new AdamW([p], 0.01 as never), /AdamW: options must be an object/],
        ['AdamW unknown option', () => new AdamW([p], { beta1: 0.9 } as never), /AdamW: unknown option 'beta1'/],
      ];
      for (const [what, fn, re] of bad) {
        const e = thrown(fn);
        expect(e, what).toBeInstanceOf(wg.WasmgradError);
        expect(e.message, what).toMatch(re);
      }
      const opt = new SGD([p], { lr: 0.1 });
      expect(() => { opt.lr = -1; }).toThrow(/SGD: lr/);
      expect(() => { opt.lr = NaN; }).toThrow(wg.WasmgradError);
      expect(opt.lr).toBe(0.1);
      opt.lr = 0;
      expect(opt.lr).toBe(0);
    });

    it('bad schedule options throw WasmgradError naming the schedule', () => {
      const opt = new SGD([param(p0, dtype)], { lr: 0.1 });
      const bad: [string, () => unknown, RegExp][] = [
        ['StepLR without an optimizer', () => new StepLR({ lr: 0.1 } as never, { stepSize: 1 }), /StepLR: expected an optimizer/],
        ['StepLR stepSize 0', () => new StepLR(opt, { stepSize: 0 }), /StepLR: stepSize must be a finite integer >= 1/],
        ['StepLR stepSize 1.5', () => new StepLR(opt, { stepSize: 1.5 }), /StepLR: stepSize/],
        ['StepLR no stepSize', () => new StepLR(opt, {} as never), /StepLR: stepSize is required/],
        ['StepLR gamma 0', () => new StepLR(opt, { stepSize: 1, gamma: 0 }), /StepLR: gamma/],
        ['StepLR gamma NaN', () => new StepLR(opt, { stepSize: 1, gamma: NaN }), /StepLR: gamma/],
        ['CosineAnnealingLR tMax 0', () => new CosineAnnealingLR(opt, { tMax: 0 }), /CosineAnnealingLR: tMax/],
        ['CosineAnnealingLR etaMin < 0', () => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 }), /CosineAnnealingLR: etaMin/],
        ['CosineAnnealingLR unknown option', () => new CosineAnnealingLR(opt, { T_max: 5 } as never), /CosineAnnealingLR: unknown option 'T_max'/],
      ];
      for (const [what, fn, re] of bad) {
        const e = thrown(fn);
        expect(e, what).toBeInstanceOf(wg.WasmgradError);
        expect(e.message, what).toMatch(re);
      }
      expect(opt.lr).toBe(0.1);
    });

    it('a disposed optimizer frees its state and refuses to step', () => {
      const p = param(p0, dtype);
      const opt = new Adam([p]);
      setGrad(p, grads[0]);
      opt.step();
      const { m, v } = opt.getState(p)!.tensors;
      const before = wg.memory().tensors;
      opt.dispose();
      expect(m.isDisposed && v.isDisposed).toBe(true);
      expect(wg.memory().tensors).toBe(before - 2);
      expect(() => opt.step()).toThrow(wg.DisposedError);
    });
  });

  describe('training', () => {
    // y = 3x + 2 on 32 points, model x * w + b with mseLoss.
    const xs = Array.from({ length: 32 }, (_, i) => -1 + (2 * i) / 31);
    const ys = xs.map((x) => 3 * x + 2);
    const makers: [string, (ps: Tensor[]) => InstanceType<typeof Optimizer>, number][] = [
      ['SGD', (ps) => new SGD(ps, { lr: 0.1 }), 300],
      ['SGD + Nesterov momentum', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }), 200],
      ['Adam', (ps) => new Adam(ps, { lr: 0.1 }), 300],
      ['AdamW (weightDecay 0)', (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0 }), 300],
    ];
    for (const [name, make, iters] of makers) {
      it(`${name} fits y = 3x + 2 with x.mul(w).add(b) and mseLoss`, () => {
        const x = wg.tensor(xs, { dtype }), y = wg.tensor(ys, { dtype });
        const w = wg.tensor([0], { dtype, requiresGrad: true }), b = wg.tensor([0], { dtype, requiresGrad: true });
        const opt = make([w, b]);
        const loss0 = wg.tidy(() => x.mul(w).add(b).mseLoss(y).item());
        let loss = loss0;
        for (let k = 0; k < iters; k++) {
          loss = wg.tidy(() => {
            opt.zeroGrad();
            const l = x.mul(w).add(b).mseLoss(y);
            l.backward();
            opt.step();
            return l.item();
          });
        }
        expect(loss).toBeLessThan(1e-6 * loss0);
        expect(w.item()).toBeCloseTo(3, 3);
        expect(b.item()).toBeCloseTo(2, 3);
      });
    }

    it('a 1,000-step loop inside tidy keeps memory().tensors and wasmBytes flat', () => {
      const x = wg.tensor(randomFlat(64, 11), { dtype, shape: [64, 1] });
      const y = x.mul(-1.5).add(0.25);
      const w1 = wg.tensor(randomFlat(16, 12), { dtype, shape: [1, 16], requiresGrad: true });
      const b1 = wg.zeros([16], { dtype, requiresGrad: true });
      const w2 = wg.tensor(randomFlat(16, 13), { dtype, shape: [16, 1], requiresGrad: true });
      const adam = new AdamW([w1, b1], { lr: 1e-3 });
      const sgd = new SGD([w2], { lr: 1e-2, momentum: 0.9 });
      const sched = new CosineAnnealingLR(adam, { tMax: 1000 });
      const stepOnce = (): number => wg.tidy(() => {
        adam.zeroGrad();
        sgd.zeroGrad();
        const l = x.matmul(w1).add(b1).tanh().matmul(w2).mseLoss(y);
        l.backward();
        adam.step();
        sgd.step();
        sched.step();
        return l.item();
      });
      const first = stepOnce(); // allocates the optimizer state and the gradients
      stepOnce();
      const m0 = wg.memory();
      let last = first;
      for (let k = 0; k < 1000; k++) last = stepOnce();
      const m1 = wg.memory();
      expect(m1.tensors).toBe(m0.tensors);
      expect(m1.bytes).toBe(m0.bytes);
      expect(m1.wasmBytes).toBe(m0.wasmBytes);
      expect(last).toBeLessThan(first);
      for (const o of [adam, sgd]) for (const p of o.params) expect(o.getState(p)!.step).toBe(1002);
    });

    it('optimizer state survives tidy (kept) and is made on the parameter\'s backend and dtype', () => {
      const p = param(p0, dtype);
      const opt = new Adam([p]);
      wg.tidy(() => {
        setGrad(p, grads[0]);
        opt.step();
      });
      const { m, v } = opt.getState(p)!.tensors;
      expect(m.isDisposed || v.isDisposed).toBe(false);
      expect([m.dtype, v.dtype]).toEqual([dtype, dtype]);
      expect([m.backendName, v.backendName]).toEqual([backend, backend]);
      expect(m.shape).toEqual(p.shape);
      expectClose(m.data(), grads[0].map((g) => 0.1 * g), STEP_TOL[dtype]);
    });
  });
});

// ---- the wasm kernels against the JS reference kernels ---------------------------------------------

describe('optimizer kernels: wasm against js', () => {
  let wasm: Backend;
  beforeAll(async () => {
    wasm = await createWasmBackend();
  });

  const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 1000];
  const TOL: Record<SDType, { rtol: number; atol: number }> = {
    float64: { rtol: 1e-14, atol: 1e-16 },
    // wasm computes in float32, js in float64 rounded on store: a few float32 ulps of the
    // operands (|values| up to ~5 here), which cancellation can leave next to a small result
    float32: { rtol: 2e-6, atol: 1e-6 },
  };

  /** Runs `body` on a backend with copies of `inputs` (NaN where null); returns each buffer afterwards. */
  function run(be: Backend, dtype: SDType, inputs: (number[] | null)[], n: number,
    body: (s: Storage[]) => void): number[][] {
    const s = inputs.map((d) => {
      const st = be.alloc(dtype, n);
      if (d === null) be.fill(st, NaN);
      else be.write(st, d);
      return st;
    });
    body(s);
    const out = s.map((st) => Array.from(be.read(st)));
    for (const st of s) be.free(st);
    return out;
  }

  for (const dtype of DTYPES) {
    const tol = TOL[dtype];
    it(`sgdStep ${dtype}: every flag combination, sizes ${SIZES.join(', ')}, 3 steps`, () => {
      const combos = [
        { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
        { momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false },
        { momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
        { momentum: 0.9, dampening: 0.25, weightDecay: 0.1, nesterov: false },
        { momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true },
        { momentum: 0.5, dampening: 0, weightDecay: 0.2, nesterov: true },
      ];
      for (const n of SIZES) {
        for (const c of combos) {
          const p = randomFlat(n, n + 1), gs = [0, 1, 2].map((k) => randomFlat(n, 50 * n + k, -3, 3));
          const exec = (be: Backend) => run(be, dtype, [p, null, null], n, ([ps, gs_, vs]) => {
            for (let k = 0; k < 3; k++) {
              be.write(gs_, gs[k]);
              // first step: the velocity is NaN-filled and must be written, never read
              be.sgdStep(ps, gs_, c.momentum > 0 ? vs : null, 0.1, c.momentum, c.dampening, c.weightDecay, c.nesterov, k === 0);
            }
          });
          const a = exec(wasm), b = exec(jsBackend);
          const label = `n=${n} ${JSON.stringify(c)}`;
          expect(a[0].every(Number.isFinite), label).toBe(true);
          expectClose(a[0], b[0], tol);
          if (c.momentum > 0) expectClose(a[2], b[2], tol);
          if (dtype === 'float64') {
            const ref = sgdReference(p, gs, { lr: 0.1, ...c });
            if (n > 0) expectClose(a[0], ref[2], STEP_TOL.float64);
          }
        }
      }
    });

    it(`adamStep ${dtype}: Adam and AdamW, sizes ${SIZES.join(', ')}, 4 steps`, () => {
      const combos = [
        { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false },
        { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false },
        { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: true },
        { lr: 0.01, beta1: 0, beta2: 0.5, eps: 1e-3, weightDecay: 0.01, decoupled: true },
      ];
      for (const n of SIZES) {
        for (const c of combos) {
          const p = randomFlat(n, n + 3), gs = [0, 1, 2, 3].map((k) => randomFlat(n, 70 * n + k, -3, 3));
          const zeros = new Array(n).fill(0);
          const exec = (be: Backend) => run(be, dtype, [p, null, zeros, zeros], n, ([ps, g, m, v]) => {
            for (let k = 0; k < 4; k++) {
              be.write(g, gs[k]);
              be.adamStep(ps, g, m, v, c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, c.decoupled, k + 1);
            }
          });
          const a = exec(wasm), b = exec(jsBackend);
          expect(a[0].every(Number.isFinite), `n=${n} ${JSON.stringify(c)}`).toBe(true);
          expectClose(a[0], b[0], tol);
          expectClose(a[2], b[2], tol);
          expectClose(a[3], b[3], tol);
          if (dtype === 'float64' && n > 0) expectClose(a[0], adamReference(p, gs, c)[3], STEP_TOL.float64);
        }
      }
    });
  }

  it('the gradient is read, never written; sizes 0 touch nothing', () => {
    for (const be of [wasm, jsBackend]) {
      const g = randomFlat(9, 4);
      const out = run(be, 'float64', [randomFlat(9, 5), g, null, new Array(9).fill(0), new Array(9).fill(0)], 9, ([p, gs, vel, m, v]) => {
        be.sgdStep(p, gs, vel, 0.1, 0.9, 0, 0.1, true, true);
        be.adamStep(p, gs, m, v, 0.1, 0.9, 0.999, 1e-8, 0.1, false, 1);
      });
      expect(out[1]).toEqual(g);
      const empty0 = be.alloc('float32', 0);
      be.sgdStep(empty0, empty0, empty0, 0.1, 0.9, 0, 0, false, true);
      be.adamStep(empty0, empty0, empty0, empty0, 0.1, 0.9, 0.999, 1e-8, 0, false, 1);
      be.free(empty0);
    }
  });
});

describe.each(DTYPES.map((dtype) => ({ dtype })))('optimizers agree across backends [$dtype]', ({ dtype }) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('SGD, Adam and AdamW take the same steps on wasm and js', () => {
    const tol = dtype === 'float64' ? { rtol: 1e-14, atol: 1e-16 } : { rtol: 2e-6, atol: 1e-7 };
    const p0 = randomFlat(37, 21), gs = [0, 1, 2, 3, 4].map((k) => randomFlat(37, 300 + k, -2, 2));
    const runOn = (backend: 'wasm' | 'js') => {
      wg.setBackend(backend);
      const ps = [0, 1, 2].map(() => wg.tensor(p0, { dtype, requiresGrad: true }));
      const opts = [
        new SGD([ps[0]], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true }),
        new Adam([ps[1]], { lr: 0.01, weightDecay: 0.01 }),
        new AdamW([ps[2]], { lr: 0.01 }),
      ];
      for (const g of gs) {
        opts.forEach((o, i) => { setGrad(ps[i], g); o.step(); });
      }
      return ps.map(flat);
    };
    const a = runOn('wasm'), b = runOn('js');
    wg.setBackend('wasm');
    for (let i = 0; i < 3; i++) expectClose(a[i], b[i], tol);
  });
});
