// RMSprop, Adagrad, clipGradNorm, clipGradValue and the schedules LinearLR, LambdaLR, OneCycleLR,
// SequentialLR (issue 12), against steps computed by hand from PyTorch's documented algorithms,
// on both backends (and both dtypes for the optimizers), with their stateDict round trips and
// hostile arguments.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import type { Backend, DType as SDType, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { BACKENDS, expectClose, forEachConfig, randomFlat } from './helpers.js';
import { expectError } from './support/errors.js';

type Tensor = ReturnType<typeof wg.tensor>;


/** Sets p.grad to `g` through a backward pass of sum(p * g). */
function setGrad(p: Tensor, g: number[]): void {
  p.zeroGrad();
  p.mul(wg.tensor(g, { dtype: p.dtype })).sum().backward();
}

/** PyTorch's RMSprop on one element, step by step (docs of torch.optim.RMSprop). */
function refRMSprop(p: number, grads: number[], o: { lr: number; alpha: number; eps: number; wd: number; mu: number; centered: boolean }): number {
  let v = 0, gAvg = 0, buf = 0;
  for (let g of grads) {
    g += o.wd * p;
    v = o.alpha * v + (1 - o.alpha) * g * g;
    let vt = v;
    if (o.centered) { gAvg = o.alpha * gAvg + (1 - o.alpha) * g; vt = v - gAvg * gAvg; }
    const d = g / (Math.sqrt(vt) + o.eps);
    if (o.mu > 0) { buf = o.mu * buf + d; p -= o.lr * buf; } else p -= o.lr * d;
  }
  return p;
}

/** PyTorch's Adagrad on one element (docs of torch.optim.Adagrad). */
function refAdagrad(p: number, grads: number[], o: { lr: number; lrDecay: number; wd: number; init: number; eps: number }): number {
  let sum = o.init;
  grads.forEach((g, i) => {
    g += o.wd * p;
    const clr = o.lr / (1 + i * o.lrDecay);
    sum += g * g;
    p -= clr * g / (Math.sqrt(sum) + o.eps);
  });
  return p;
}

const GRADS = [[0.5, -2, 1], [1, 0.25, -3], [-0.5, 1, 2]];
const P0 = [1, -2, 0.5];

forEachConfig('optimizers', ({ dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };

  function run(make: (ps: Tensor[]) => wg.optim.Optimizer, steps = GRADS): number[] {
    const p = wg.tensor(P0, { dtype, requiresGrad: true });
    const opt = make([p]);
    for (const g of steps) { setGrad(p, g); opt.step(); }
    return p.toArray() as number[];
  }

  it('RMSprop first step is lr · sign(g) with the defaults', () => {
    // v = 0.01 g², so g / sqrt(v) = ±10 and the step is 0.01 · 10 = 0.1 (eps 1e-8 aside)
    expectClose(run((ps) => new wg.optim.RMSprop(ps), [GRADS[0]]), P0.map((p, i) => p - 0.1 * Math.sign(GRADS[0][i])), { rtol: 1e-6, atol: 1e-6 });
  });

  it('RMSprop with weightDecay, momentum and centered matches PyTorch\'s algorithm', () => {
    const o = { lr: 0.05, alpha: 0.9, eps: 1e-6, wd: 0.1, mu: 0.8, centered: true };
    const got = run((ps) => new wg.optim.RMSprop(ps, { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.wd, momentum: o.mu, centered: true }));
    expectClose(got, P0.map((p, i) => refRMSprop(p, GRADS.map((g) => g[i]), o)), tol);
    const plain = { ...o, mu: 0, centered: false };
    expectClose(run((ps) => new wg.optim.RMSprop(ps, { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.wd })),
      P0.map((p, i) => refRMSprop(p, GRADS.map((g) => g[i]), plain)), tol);
  });

  it('Adagrad with lrDecay, weightDecay and initialAccumulatorValue matches PyTorch\'s algorithm', () => {
    // first step by hand, defaults: sum = g², p -= 0.01 · g / |g|
    expectClose(run((ps) => new wg.optim.Adagrad(ps), [GRADS[0]]), P0.map((p, i) => p - 0.01 * Math.sign(GRADS[0][i])), { rtol: 1e-6, atol: 1e-7 });
    const o = { lr: 0.1, lrDecay: 0.5, wd: 0.1, init: 0.2, eps: 1e-10 };
    const got = run((ps) => new wg.optim.Adagrad(ps, { lr: o.lr, lrDecay: o.lrDecay, weightDecay: o.wd, initialAccumulatorValue: o.init }));
    expectClose(got, P0.map((p, i) => refAdagrad(p, GRADS.map((g) => g[i]), o)), tol);
  });

  it('RMSprop and Adagrad stateDict names PyTorch\'s state and a loaded copy continues identically', () => {
    for (const make of [
      (ps: Tensor[]) => new wg.optim.RMSprop(ps, { lr: 0.05, momentum: 0.5, centered: true }),
      (ps: Tensor[]) => new wg.optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.1 }),
    ]) {
      const p = wg.tensor(P0, { dtype, requiresGrad: true });
      const opt = make([p]);
      setGrad(p, GRADS[0]); opt.step();
      const sd = opt.stateDict();
      expect(Object.keys(sd.state[0]).sort()).toEqual(opt instanceof wg.optim.RMSprop
        ? ['grad_avg', 'momentum_buffer', 'square_avg', 'step'] : ['step', 'sum']);
      const q = wg.tensor(p.toArray() as number[], { dtype, requiresGrad: true });
      const copy = make([q]);
      copy.loadStateDict(sd);
      for (const [x, o] of [[p, opt], [q, copy]] as const) { setGrad(x, GRADS[1]); o.step(); }
      expect(q.toArray()).toEqual(p.toArray());
      opt.dispose(); copy.dispose();
    }
  });

  it('hostile optimizer options throw a WasmgradError naming the option', () => {
    const p = wg.tensor(P0, { dtype, requiresGrad: true });
    expectError(() => new wg.optim.RMSprop([p], { alpha: 2 }), /RMSprop: alpha .*2/);
    expectError(() => new wg.optim.RMSprop([p], { rho: 0.9 } as object), /RMSprop.*'rho'/);
    expectError(() => new wg.optim.RMSprop([p], { centered: 1 } as object), /RMSprop: centered .*1/);
    expectError(() => new wg.optim.Adagrad([p], { eps: 0 }), /Adagrad: eps .*0/);
    expectError(() => new wg.optim.Adagrad([p], { lrDecay: -1 }), /Adagrad: lrDecay .*-1/);
    expectError(() => new wg.optim.Adagrad([p], { lr_decay: 0.1 } as object), /Adagrad.*'lr_decay'/);
  });
});

forEachConfig('gradient clipping', ({ dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };
  const params = () => {
    const a = wg.tensor([0, 0], { dtype, requiresGrad: true });
    const b = wg.tensor([0], { dtype, requiresGrad: true });
    const none = wg.tensor([0], { dtype, requiresGrad: true }); // no gradient: skipped
    setGrad(a, [3, -4]); setGrad(b, [12]);
    return [a, b, none];
  };

  it('clipGradNorm scales all gradients by maxNorm / total and returns the total', () => {
    const ps = params();
    const total = wg.optim.clipGradNorm(ps, 6.5);
    expectClose(total, 13, tol);
    const c = 6.5 / (13 + 1e-6);
    expectClose(ps[0].grad!.toArray(), [3 * c, -4 * c], tol);
    expectClose(ps[1].grad!.toArray(), [12 * c], tol);
    expect(ps[2].grad).toBeNull();
  });

  it('clipGradNorm leaves gradients under maxNorm alone, and takes normType 1 and Infinity', () => {
    let ps = params();
    expectClose(wg.optim.clipGradNorm(ps, 100), 13, tol);
    expect(ps[0].grad!.toArray()).toEqual([3, -4]);
    ps = params();
    expectClose(wg.optim.clipGradNorm(ps, 1.9, 1), 19, tol);
    expectClose(ps[0].grad!.toArray(), [0.3, -0.4], { rtol: 1e-6, atol: 1e-6 });
    ps = params();
    expectClose(wg.optim.clipGradNorm(ps[1], 6, Infinity), 12, tol);
    expectClose(ps[1].grad!.toArray(), [6], { rtol: 1e-6, atol: 1e-6 });
    expect(wg.optim.clipGradNorm([ps[2]], 1)).toBe(0);
  });

  it('clipGradValue clamps every gradient element', () => {
    const ps = params();
    wg.optim.clipGradValue(ps, 3.5);
    expect(ps[0].grad!.toArray()).toEqual([3, -3.5]);
    expect(ps[1].grad!.toArray()).toEqual([3.5]);
  });

  it('hostile clipping arguments throw a WasmgradError naming the value, changing nothing', () => {
    const ps = params();
    expectError(() => wg.optim.clipGradNorm(ps, -1), /clipGradNorm: maxNorm .*-1/);
    expectError(() => wg.optim.clipGradNorm(ps, NaN), /clipGradNorm: maxNorm .*NaN/);
    expectError(() => wg.optim.clipGradNorm(ps, 1, 0), /clipGradNorm: normType .*0/);
    expectError(() => wg.optim.clipGradNorm('w' as never, 1), /clipGradNorm: params must be/);
    expectError(() => wg.optim.clipGradNorm([ps[0], 3 as never], 1), /clipGradNorm: parameter 1 is not a Tensor/);
    expectError(() => wg.optim.clipGradValue(ps, -2), /clipGradValue: clipValue .*-2/);
    expect(ps[0].grad!.toArray()).toEqual([3, -4]);
  });
}, undefined, ['float32', 'float64']);

/** The lrs a schedule sets over `n` epochs, epoch 0 included. */
function lrs(s: wg.optim.LRScheduler, n: number): number[] {
  const out = [s.optimizer.lr];
  for (let e = 1; e < n; e++) { s.step(); out.push(s.optimizer.lr); }
  return out;
}

describe.each(BACKENDS.map((backend) => ({ backend })))('schedules [$backend]', ({ backend }) => {
  const tol = { rtol: 1e-12, atol: 1e-15 };
  const sgd = (lr = 1) => { wg.setBackend(backend); return new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr }); };

  it('LinearLR goes from startFactor to endFactor over totalIters epochs', async () => {
    await wg.init();
    expectClose(lrs(new wg.optim.LinearLR(sgd(2)), 7), [5, 7, 9, 11, 13, 15, 15].map((v) => 2 * v / 15), tol);
    expectClose(lrs(new wg.optim.LinearLR(sgd(1), { startFactor: 1, endFactor: 0.5, totalIters: 2 }), 4), [1, 0.75, 0.5, 0.5], tol);
  });

  it('LambdaLR multiplies baseLr by lrLambda(epoch)', async () => {
    await wg.init();
    expectClose(lrs(new wg.optim.LambdaLR(sgd(0.1), (e) => 0.5 ** e), 4), [0.1, 0.05, 0.025, 0.0125], tol);
  });

  it('OneCycleLR rises to maxLr and anneals to maxLr / (divFactor · finalDivFactor)', async () => {
    await wg.init();
    const s = new wg.optim.OneCycleLR(sgd(123), { maxLr: 1, totalSteps: 10 });
    const min = 0.04 / 1e4;
    const down = (pct: number) => min + (1 - min) / 2 * (Math.cos(Math.PI * pct) + 1);
    // rise over steps 0..2 (pctStart · 10 - 1 = 2), fall over 2..9
    expectClose(lrs(s, 11), [0.04, 0.52, 1, ...[1, 2, 3, 4, 5, 6, 7, 8].map((k) => down(k / 7))], tol);
    expect(s.baseLr).toBe(0.04);
    expectError(() => s.step(), /OneCycleLR: tried to step 11 times.*totalSteps 10/);
    expect(s.lastEpoch).toBe(10);
    const lin = new wg.optim.OneCycleLR(sgd(), { maxLr: 2, totalSteps: 5, pctStart: 0.6, annealStrategy: 'linear', divFactor: 4, finalDivFactor: 5 });
    // rise 0.5 → 2 over steps 0..2, fall 2 → 0.1 over 2..4
    expectClose(lrs(lin, 5), [0.5, 1.25, 2, 1.05, 0.1], tol);
  });

  it('SequentialLR hands over at the milestones, each schedule counting from its own start', async () => {
    await wg.init();
    const opt = sgd(1);
    const s = new wg.optim.SequentialLR(opt, [new wg.optim.LinearLR(opt, { startFactor: 0.5, totalIters: 2 }),
      new wg.optim.StepLR(opt, { stepSize: 2, gamma: 0.1 })], [3]);
    expectClose(lrs(s, 7), [0.5, 0.75, 1, 1, 1, 0.1, 0.1], tol);
  });

  it('every new schedule round-trips through stateDict and continues identically', async () => {
    await wg.init();
    const makers: ((o: wg.optim.Optimizer) => wg.optim.LRScheduler)[] = [
      (o) => new wg.optim.LinearLR(o, { totalIters: 4 }),
      (o) => new wg.optim.LambdaLR(o, (e) => 1 / (1 + e)),
      (o) => new wg.optim.OneCycleLR(o, { maxLr: 0.5, totalSteps: 8, annealStrategy: 'linear' }),
      (o) => new wg.optim.SequentialLR(o, [new wg.optim.LinearLR(o), new wg.optim.CosineAnnealingLR(o, { tMax: 4 })], [2]),
    ];
    for (const make of makers) {
      const a = make(sgd(0.3));
      lrs(a, 4);
      const sd = JSON.parse(JSON.stringify(a.stateDict()));
      const b = make(sgd(0.3));
      b.loadStateDict(sd);
      expect(b.optimizer.lr).toBe(a.optimizer.lr);
      expect(b.lastEpoch).toBe(3);
      a.step(); b.step();
      expect(b.optimizer.lr).toBe(a.optimizer.lr);
    }
  });

  it('hostile schedule arguments throw a WasmgradError naming the value', async () => {
    await wg.init();
    const opt = sgd(1);
    expectError(() => new wg.optim.LinearLR(opt, { startFactor: 0 }), /LinearLR: startFactor .*0/);
    expectError(() => new wg.optim.LinearLR(opt, { totalIters: 1.5 }), /LinearLR: totalIters .*1\.5/);
    expectError(() => new wg.optim.LinearLR(opt, { total_iters: 3 } as object), /LinearLR.*'total_iters'/);
    expectError(() => new wg.optim.LambdaLR(opt, 0.5 as never), /LambdaLR: lrLambda must be a function/);
    const bad = new wg.optim.LambdaLR(opt, (e) => (e < 2 ? 1 : NaN));
    bad.step();
    expectError(() => bad.step(), /LambdaLR: lrLambda\(2\) returned NaN/);
    expect(bad.lastEpoch).toBe(1);
    expectError(() => new wg.optim.OneCycleLR(opt, { totalSteps: 5 } as never), /OneCycleLR: maxLr is required/);
    expectError(() => new wg.optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 5, annealStrategy: 'exp' as 'cos' }), /OneCycleLR: annealStrategy .*exp/);
    expectError(() => new wg.optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 0 }), /OneCycleLR: totalSteps .*0/);
    const lin = new wg.optim.LinearLR(opt);
    const elsewhere = new wg.optim.LinearLR(sgd());
    expectError(() => new wg.optim.SequentialLR(opt, [lin, lin], []), /SequentialLR: expected 1 milestones for 2 schedulers, got 0/);
    expectError(() => new wg.optim.SequentialLR(opt, [lin, lin], [0]), /SequentialLR: milestones .*0 at index 0/);
    expectError(() => new wg.optim.SequentialLR(opt, [lin, elsewhere], [2]), /SequentialLR: schedulers\[1\] .*another optimizer/);
    expectError(() => new wg.optim.SequentialLR(opt, [], []), /SequentialLR: schedulers must be a non-empty array/);
    const seq = new wg.optim.SequentialLR(opt, [lin, new wg.optim.StepLR(opt, { stepSize: 1 })], [2]);
    const sd = seq.stateDict();
    expectError(() => seq.loadStateDict({ ...sd, milestones: [3] }), /SequentialLR.loadStateDict: milestones/);
    expectError(() => seq.loadStateDict({ ...sd, schedulers: [(sd.schedulers as object[])[0], { lastEpoch: -1 }] }), /StepLR.loadStateDict/);
    expect(seq.stateDict()).toEqual(sd);
  });
});

describe('rmspropStep and adagradStep kernels: wasm (1 and 2 threads) against js', () => {
  let wasm: Backend;
  let threaded: Backend;
  beforeAll(async () => {
    wasm = await createWasmBackend();
    threaded = await createWasmBackend({ variant: 'threads', threads: 2 });
  });
  // SIMD bodies and scalar tails, and sizes the threaded build splits
  const SIZES = [0, 1, 3, 4, 5, 17, 1000, 40003];
  const TOL = { float64: { rtol: 1e-13, atol: 1e-15 }, float32: { rtol: 1e-5, atol: 1e-6 } };

  /** 3 steps of `step` on copies of param, grad and zeroed state buffers; returns every buffer. */
  function run(be: Backend, dtype: SDType, n: number, states: number, step: (s: Storage[], k: number) => void): number[][] {
    const p = randomFlat(n, n + 5), gs = [0, 1, 2].map((k) => randomFlat(n, 90 * n + k, -3, 3));
    const s = [p, gs[0], ...Array.from({ length: states }, () => new Array(n).fill(0))].map((d) => {
      const st = be.alloc(dtype, n);
      be.write(st, d);
      return st;
    });
    for (let k = 0; k < 3; k++) { be.write(s[1], gs[k]); step(s, k); }
    const out = s.map((st) => Array.from(be.read(st)));
    for (const st of s) be.free(st);
    return out;
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`rmspropStep and adagradStep agree, every flag [${dtype}]`, () => {
      const rms = [[0, 0, false], [0.1, 0, false], [0, 0.9, false], [0.1, 0.5, true], [0, 0, true]] as const;
      for (const n of SIZES) {
        for (const [wd, mu, centered] of rms) {
          const f = (be: Backend) => run(be, dtype, n, 3, ([p, g, sq, b, ga]) =>
            be.rmspropStep(p, g, sq, mu > 0 ? b : null, centered ? ga : null, 0.01, 0.9, 1e-3, wd, mu, centered));
          const [a, j] = [f(wasm), f(jsBackend)];
          threaded.setThreads(1);
          const t1 = f(threaded);
          threaded.setThreads(2);
          const t2 = f(threaded);
          const label = `rmsprop n=${n} wd=${wd} mu=${mu} centered=${centered}`;
          expect(a[0].every(Number.isFinite), label).toBe(true);
          expectClose(a, j, TOL[dtype]);
          expect(t2, label).toEqual(t1);
        }
        for (const wd of [0, 0.1]) {
          const f = (be: Backend) => run(be, dtype, n, 1, ([p, g, sum], k) => be.adagradStep(p, g, sum, 0.1 / (1 + k * 0.5), wd, 1e-10));
          const [a, j] = [f(wasm), f(jsBackend)];
          threaded.setThreads(1);
          const t1 = f(threaded);
          threaded.setThreads(2);
          expectClose(a, j, TOL[dtype]);
          expect(f(threaded), `adagrad n=${n}`).toEqual(t1);
        }
      }
    });
  }
});
