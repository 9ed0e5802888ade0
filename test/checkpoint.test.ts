// Optimizer and schedule state dicts (PyTorch's shape), training checkpoints in safetensors, and
// the promise they exist for: a run resumed from a checkpoint continues bit for bit like a run
// that never stopped, on both backends and both float dtypes.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, thrown } from './helpers.js';

type Tensor = ReturnType<typeof wg.tensor>;
type DType = 'float32' | 'float64';
const { SGD, Adam, AdamW, StepLR, CosineAnnealingLR } = wg.optim;

const X = [[0.5, -1.2, 0.3, 2.0], [1.5, 0.2, -0.7, -0.1], [-0.3, 0.8, 1.1, 0.4],
  [0.9, -0.5, -1.3, 0.6], [-1.1, 0.1, 0.2, -0.8], [0.4, 1.4, -0.2, 0.05]];
const LABELS = [0, 2, 1, 1, 0, 2];

interface Run {
  model: InstanceType<typeof wg.nn.MLP>;
  opt: InstanceType<typeof wg.optim.Optimizer>;
  sched: InstanceType<typeof wg.optim.LRScheduler>;
}

type Recipe = 'adam+cosine' | 'sgd-momentum+steplr';

function makeRun(recipe: Recipe, dtype: DType, seed: number): Run {
  wg.manualSeed(seed);
  const model = new wg.nn.MLP([4, 7, 3], { activation: 'tanh', dtype });
  if (recipe === 'adam+cosine') {
    const opt = new Adam(model.parameters(), { lr: 0.05, weightDecay: 1e-3 });
    return { model, opt, sched: new CosineAnnealingLR(opt, { tMax: 9, etaMin: 0.001 }) };
  }
  const opt = new SGD(model.parameters(), { lr: 0.2, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 });
  return { model, opt, sched: new StepLR(opt, { stepSize: 3, gamma: 0.5 }) };
}

function train(run: Run, steps: number, dtype: DType): void {
  for (let s = 0; s < steps; s++) {
    wg.tidy(() => {
      run.opt.zeroGrad();
      const loss = run.model.forward(wg.tensor(X, { dtype })).crossEntropy(LABELS);
      loss.backward();
      run.opt.step();
      run.sched.step();
    });
  }
}

const paramData = (run: Run) => run.model.parameters().map((p) => p.data());

/** Copies a's values into b (same shape and dtype), outside the tape. */
function noGradCopy(a: Tensor, b: Tensor): void {
  const data = a.data();
  (b as unknown as { backend: { write(s: unknown, d: ArrayLike<number>): void }; storage: unknown }).backend
    .write((b as unknown as { storage: unknown }).storage, data);
}

function fakeModule(pairs: [string, Tensor][]) {
  return { namedParameters: () => pairs };
}

describe.each(['wasm', 'js'] as const)('checkpoints [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
  });

  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    for (const recipe of ['adam+cosine', 'sgd-momentum+steplr'] as const) {
      it(`${recipe}: a run resumed from a checkpoint continues bit for bit`, () => {
        const N = 5, M = 6;
        const a = makeRun(recipe, dtype, 1);
        train(a, N, dtype);
        const bytes = wg.saveCheckpoint({ model: a.model, optimizer: a.opt, scheduler: a.sched, epoch: N });
        train(a, M, dtype);
        const expected = paramData(a);

        const b = makeRun(recipe, dtype, 99); // other initial weights: the load must overwrite them
        expect(paramData(b)[0]).not.toEqual(paramData(a)[0]);
        const extra = wg.loadCheckpoint(bytes, { model: b.model, optimizer: b.opt, scheduler: b.sched });
        expect(extra).toEqual({ epoch: N });
        expect(b.sched.lastEpoch).toBe(N);
        expect(b.opt.stepCount).toBe(N);
        train(b, M, dtype);
        const got = paramData(b);
        expect(got.length).toBe(expected.length);
        got.forEach((g, i) => expect(g).toEqual(expected[i]));
        expect(b.opt.lr).toBe(a.opt.lr);
      });
    }

    it('Adam stateDict round trip restores step, moments, lr and hyperparameters', () => {
      const a = makeRun('adam+cosine', dtype, 3);
      train(a, 3, dtype);
      const b = makeRun('adam+cosine', dtype, 3);
      b.opt.loadStateDict(a.opt.stateDict());
      expect(b.opt.lr).toBe(a.opt.lr);
      expect(b.opt.stepCount).toBe(3);
      expect(b.opt.defaults).toEqual(a.opt.defaults); // defaults.lr stays the constructor's (as in PyTorch)
      a.model.parameters().forEach((p, i) => {
        const sa = a.opt.getState(p)!, sb = b.opt.getState(b.model.parameters()[i])!;
        expect(sb.step).toBe(3);
        expect(sb.tensors.m.data()).toEqual(sa.tensors.m.data());
        expect(sb.tensors.v.data()).toEqual(sa.tensors.v.data());
        expect(sb.tensors.m).not.toBe(sa.tensors.m); // copied into b's own buffers
      });
    });

    it('AdamW stateDict round trip continues with decoupled weight decay, bit for bit', () => {
      const make = () => {
        const w = wg.tensor([[0.5, -1, 2], [0.25, 3, -0.75]], { dtype, requiresGrad: true });
        return { w, opt: new AdamW([w], { lr: 0.1, weightDecay: 0.5 }) };
      };
      const stepOnce = (r: ReturnType<typeof make>) => wg.tidy(() => {
        r.opt.zeroGrad();
        r.w.mul(r.w).sum().backward();
        r.opt.step();
      });
      const a = make();
      stepOnce(a);
      stepOnce(a);
      const b = make();
      b.opt.loadStateDict(a.opt.stateDict());
      noGradCopy(a.w, b.w);
      stepOnce(a);
      stepOnce(b);
      expect(b.w.data()).toEqual(a.w.data());
      expect(b.opt.defaults).toMatchObject({ weightDecay: 0.5, decoupled: true });
    });

    it('SGD stateDict round trip restores momentum buffers', () => {
      const a = makeRun('sgd-momentum+steplr', dtype, 4);
      train(a, 2, dtype);
      const b = makeRun('sgd-momentum+steplr', dtype, 4);
      b.opt.loadStateDict(a.opt.stateDict());
      a.model.parameters().forEach((p, i) => {
        expect(b.opt.getState(b.model.parameters()[i])!.tensors.velocity.data())
          .toEqual(a.opt.getState(p)!.tensors.velocity.data());
      });
    });

    it('a restored Adam state holds the hand-computed moments and continues with the hand-computed update', () => {
      const g = 0.5, p0 = 1, lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
      const p = wg.tensor([p0], { dtype, requiresGrad: true });
      const opt = new Adam([p], { lr });
      p.grad = wg.tensor([g], { dtype }) as never;
      opt.step();
      const file = wg.saveCheckpoint({ optimizer: opt, model: fakeModule([['p', p]]) });

      const q = wg.tensor([0], { dtype, requiresGrad: true });
      const fresh = new Adam([q], { lr });
      wg.loadCheckpoint(file, { optimizer: fresh, model: fakeModule([['p', q]]) });
      const st = fresh.getState(q)!;
      const tol = dtype === 'float32' ? { rtol: 1e-6, atol: 0 } : { rtol: 1e-15, atol: 0 };
      expect(st.step).toBe(1);
      expectClose(st.tensors.m.data(), [(1 - b1) * g], tol); // exp_avg = 0.05
      expectClose(st.tensors.v.data(), [(1 - b2) * g * g], tol); // exp_avg_sq = 0.00025
      const p1 = p0 - lr * ((1 - b1) * g / (1 - b1)) / (Math.sqrt((1 - b2) * g * g / (1 - b2)) + eps);
      expectClose(q.data(), [p1], tol);
      // the second update, by hand: t = 2, same gradient
      q.grad = wg.tensor([g], { dtype }) as never;
      fresh.step();
      const m2 = b1 * (1 - b1) * g + (1 - b1) * g, v2 = b2 * (1 - b2) * g * g + (1 - b2) * g * g;
      const p2 = p1 - lr * (m2 / (1 - b1 ** 2)) / (Math.sqrt(v2 / (1 - b2 ** 2)) + eps);
      expectClose(q.data(), [p2], tol);
    });
  });

  it('Adam stateDict has PyTorch\'s shape, with the live state buffers', () => {
    const w = wg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = wg.tensor([0.5], { requiresGrad: true });
    const opt = new Adam([w, b], { lr: 0.01, betas: [0.8, 0.99] });
    expect(opt.stateDict()).toEqual({
      state: {},
      paramGroups: [{ lr: 0.01, betas: [0.8, 0.99], eps: 1e-8, weightDecay: 0, decoupled: false, params: [0, 1] }],
      stepCount: 0,
    });
    w.sum().backward(); // only w has a gradient: only w gets state
    opt.step();
    const before = wg.memory().tensors;
    const sd = opt.stateDict();
    expect(wg.memory().tensors).toBe(before); // nothing allocated
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Object.keys(sd.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.state[0].exp_avg).toBe(opt.getState(w)!.tensors.m);
    expect(sd.state[0].exp_avg_sq).toBe(opt.getState(w)!.tensors.v);
    expectClose((sd.state[0].exp_avg as Tensor).toArray(), [[0.2, 0.2], [0.2, 0.2]], { rtol: 1e-6 });
    expect(new AdamW([w]).stateDict().paramGroups[0]).toMatchObject({ weightDecay: 1e-2, decoupled: true });
  });

  it('SGD stateDict holds momentum_buffer; plain SGD holds only step', () => {
    const w = wg.tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.sum().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state[0])).toEqual(['step', 'momentum_buffer']);
    expect(Array.from((sd.state[0].momentum_buffer as Tensor).data())).toEqual([1, 1]);
    expect(sd.paramGroups).toEqual([{ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, params: [0] }]);
    const plain = new SGD([w], { lr: 0.1 });
    plain.step();
    expect(plain.stateDict().state).toEqual({ 0: { step: 1 } });
  });

  it('StepLR and CosineAnnealingLR stateDict round trips continue the schedule', () => {
    for (const make of [
      (o: InstanceType<typeof SGD>) => new StepLR(o, { stepSize: 3, gamma: 0.5 }),
      (o: InstanceType<typeof SGD>) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.01 }),
    ]) {
      const a = new SGD([wg.ones([2], { requiresGrad: true })], { lr: 0.1 });
      const sa = make(a);
      for (let i = 0; i < 7; i++) sa.step();
      const sd = sa.stateDict();
      expect(sd).toMatchObject({ lastEpoch: 7, baseLrs: [0.1], lastLr: [a.lr] });
      const b = new SGD([wg.ones([2], { requiresGrad: true })], { lr: 0.3 });
      const sb = make(b);
      sb.loadStateDict(JSON.parse(JSON.stringify(sd)));
      expect(sb.lastEpoch).toBe(7);
      expect(sb.baseLr).toBe(0.1);
      expect(b.lr).toBe(a.lr);
      sa.step();
      sb.step();
      expect(b.lr).toBe(a.lr);
    }
    const s = new StepLR(new SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 });
    expect(s.stateDict()).toEqual({ lastEpoch: 0, baseLrs: [1], lastLr: [1], stepSize: 2, gamma: 0.1 });
  });

  describe('loadStateDict errors (each leaves the optimizer as it was)', () => {
    function trained() {
      const w = wg.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
      const b = wg.tensor([0.1, 0.2], { requiresGrad: true });
      const opt = new Adam([w, b], { lr: 0.01 });
      w.sum().add(b.sum()).backward();
      opt.step();
      return { w, b, opt };
    }
    function expectUnchanged(opt: InstanceType<typeof Adam>, w: Tensor, fn: () => void, re: RegExp, cls = wg.WasmgradError) {
      const m = Array.from(opt.getState(w)!.tensors.m.data());
      const lr = opt.lr;
      const mem = wg.memory();
      const e = thrown(fn);
      expect(e).toBeInstanceOf(cls);
      expect(e.message).toMatch(re);
      expect(Array.from(opt.getState(w)!.tensors.m.data())).toEqual(m);
      expect(opt.getState(w)!.step).toBe(1);
      expect(opt.lr).toBe(lr);
      expect(wg.memory()).toEqual(mem);
    }

    it('a wrong parameter count names both counts', () => {
      const { w, opt } = trained();
      const sd = opt.stateDict();
      const other = new Adam([w], { lr: 0.5 });
      const e = thrown(() => other.loadStateDict(sd));
      expect(e).toBeInstanceOf(wg.WasmgradError);
      expect(e.message).toBe('Adam.loadStateDict: the state dict has 2 parameters, this optimizer has 1');
      expect(other.lr).toBe(0.5);
      const sd1 = { ...sd, state: { 0: sd.state[0] }, paramGroups: [{ ...sd.paramGroups[0], params: [0] }] };
      expectUnchanged(opt, w, () => opt.loadStateDict(sd1), /^Adam\.loadStateDict: the state dict has 1 parameter, this optimizer has 2$/);
    });

    it('a state tensor of the wrong shape is a ShapeError naming it and the parameter', () => {
      const { w, opt } = trained();
      const sd = opt.stateDict();
      const bad = { ...sd, state: { ...sd.state, 1: { ...sd.state[1], exp_avg: wg.zeros([3]) } } };
      expectUnchanged(opt, w, () => opt.loadStateDict(bad),
        /^Adam\.loadStateDict: state\[1\]\.exp_avg has shape \[3\], but parameter 1 has shape \[2\]$/, wg.ShapeError);
    });

    it('a state tensor of the wrong dtype is a DTypeError naming both dtypes', () => {
      const { w, opt } = trained();
      const sd = opt.stateDict();
      const bad = { ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg_sq: wg.zeros([2, 3], { dtype: 'float64' }) } } };
      expectUnchanged(opt, w, () => opt.loadStateDict(bad),
        /^Adam\.loadStateDict: state\[0\]\.exp_avg_sq is float64, but parameter 0 \(shape \[2,3\]\) is float32$/, wg.DTypeError);
    });

    it('bad state: unknown or missing keys, a bad step, an index out of range, another optimizer\'s state', () => {
      const { w, opt } = trained();
      const sd = opt.stateDict();
      const cases: [unknown, RegExp][] = [
        [{ ...sd, extra: 1 }, /the state dict has an unknown key 'extra' \(expected state, paramGroups, stepCount\)/],
        [{ paramGroups: sd.paramGroups }, /the state dict is missing 'state'/],
        [{ ...sd, state: { 0: { step: 1, exp_avg: sd.state[0].exp_avg } } }, /state\[0\] is missing 'exp_avg_sq'/],
        [{ ...sd, state: { 0: { ...sd.state[0], momentum_buffer: sd.state[0].exp_avg } } }, /state\[0\] has an unknown key 'momentum_buffer' \(expected step, exp_avg, exp_avg_sq\)/],
        [{ ...sd, state: { 0: { ...sd.state[0], step: -1 } } }, /state\[0\]\.step must be a non-negative integer, got -1/],
        [{ ...sd, state: { 5: sd.state[0] } }, /state has an entry for parameter "5", but this optimizer has 2 parameters/],
        [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] }, /paramGroups\[0\]: lr must be a finite number >= 0, got -1/],
        [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], momentum: 0.9 }] }, /paramGroups\[0\] has an unknown key 'momentum'/],
        [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], decoupled: true }] }, /decoupled is true \(a state dict of AdamW\), but this optimizer is Adam/],
        [{ ...sd, paramGroups: [sd.paramGroups[0], sd.paramGroups[0]] }, /the state dict has 2 parameter groups; this optimizer has 1/],
        [null, /the state dict must be a plain object, got null/],
      ];
      for (const [bad, re] of cases) expectUnchanged(opt, w, () => opt.loadStateDict(bad as never), re);
      // SGD state into Adam, Adam state into SGD
      const s = new SGD([w, wg.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
      expect(() => s.loadStateDict(sd)).toThrow(/SGD\.loadStateDict: paramGroups\[0\] has an unknown key 'betas'/);
    });

    it('a scheduler state dict with missing or bad counters is an error naming them', () => {
      const opt = new SGD([wg.ones([2], { requiresGrad: true })], { lr: 0.1 });
      const s = new StepLR(opt, { stepSize: 2 });
      s.step();
      const sd = s.stateDict();
      const cases: [unknown, RegExp][] = [
        [{ ...sd, stepSize: undefined }, /StepLR\.loadStateDict: the state dict is missing 'stepSize'|stepSize is required/],
        [{ ...sd, tMax: 3 }, /the state dict has an unknown key 'tMax' \(expected lastEpoch, baseLrs, lastLr, stepSize, gamma\)/],
        [{ ...sd, lastEpoch: -2 }, /lastEpoch must be a non-negative integer, got -2/],
        [{ ...sd, baseLrs: [0.1, 0.2] }, /baseLrs must be an array of one finite learning rate >= 0 \(one parameter group\), got \[0\.1,0\.2\]/],
        [{ ...sd, gamma: 0 }, /StepLR\.loadStateDict: gamma must be a finite number > 0, got 0/],
      ];
      for (const [bad, re] of cases) {
        expect(() => s.loadStateDict(bad as never)).toThrow(re);
        expect(s.lastEpoch).toBe(1);
        expect(s.stepSize).toBe(2);
        expect(opt.lr).toBe(0.1);
      }
    });
  });

  describe('checkpoint files', () => {
    it('lays out model.<name>, optimizer.state.<i>.<key> and JSON metadata', () => {
      const w = wg.tensor([[1, 2]], { requiresGrad: true });
      const b = wg.tensor([3], { requiresGrad: true });
      const opt = new Adam([w, b]);
      const sched = new StepLR(opt, { stepSize: 1 });
      w.sum().backward();
      opt.step();
      sched.step();
      const bytes = wg.saveCheckpoint({ model: fakeModule([['fc.weight', w], ['fc.bias', b]]), optimizer: opt, scheduler: sched, epoch: 1 });
      const { tensors, metadata } = wg.loadTensors(bytes);
      expect([...tensors.keys()].sort()).toEqual(['model.fc.bias', 'model.fc.weight', 'optimizer.state.0.exp_avg', 'optimizer.state.0.exp_avg_sq']);
      expect(tensors.get('model.fc.weight')!.data()).toEqual(w.data());
      expect(Object.keys(metadata).sort()).toEqual(['extra', 'format', 'optimizer', 'scheduler']);
      expect(metadata.format).toBe('wasmgrad.checkpoint.v1');
      expect(JSON.parse(metadata.optimizer)).toEqual({
        type: 'Adam',
        stateDict: {
          state: { 0: { step: 1, exp_avg: { __tensor__: 'optimizer.state.0.exp_avg' }, exp_avg_sq: { __tensor__: 'optimizer.state.0.exp_avg_sq' } } },
          paramGroups: [{ lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: false, params: [0, 1] }],
          stepCount: 1,
        },
      });
      expect(JSON.parse(metadata.scheduler)).toEqual({ type: 'StepLR', stateDict: { lastEpoch: 1, baseLrs: [1e-3], lastLr: [1e-4], stepSize: 1, gamma: 0.1 } });
      expect(JSON.parse(metadata.extra)).toEqual({ epoch: 1 });
      for (const t of tensors.values()) t.dispose();
    });

    it('extra values come back: numbers, strings, nested objects, non-finite numbers, tensors as tensors', () => {
      const ema = wg.tensor([[1.5, -2], [0.25, 8]], { dtype: 'float64' });
      const extra = {
        epoch: 12, note: 'lr warm-up done ✓', config: { hidden: [128, 64], act: 'gelu', nested: { ok: true, none: null } },
        best: Infinity, worst: -Infinity, bad: NaN, negZero: -0, ema, history: [0.5, wg.tensor([1, 2, 3])],
      };
      const bytes = wg.saveCheckpoint(extra);
      const before = wg.memory().tensors;
      const back = wg.loadCheckpoint(bytes);
      expect(wg.memory().tensors).toBe(before + 2);
      const { ema: ema2, history, ...rest } = back as Record<string, unknown>;
      expect(rest).toEqual({
        epoch: 12, note: 'lr warm-up done ✓', config: { hidden: [128, 64], act: 'gelu', nested: { ok: true, none: null } },
        best: Infinity, worst: -Infinity, bad: NaN, negZero: -0,
      });
      expect(Object.is(back.negZero, -0)).toBe(true);
      expect(ema2).toBeInstanceOf(wg.Tensor);
      expect((ema2 as Tensor).dtype).toBe('float64');
      expect((ema2 as Tensor).toArray()).toEqual([[1.5, -2], [0.25, 8]]);
      expect((history as unknown[])[0]).toBe(0.5);
      expect(((history as unknown[])[1] as Tensor).toArray()).toEqual([1, 2, 3]);
      const names = [...wg.loadTensors(bytes).tensors.keys()].sort();
      expect(names).toEqual(['extra.ema', 'extra.history.1']);
    });

    it('saveCheckpoint rejects values a checkpoint cannot hold, naming their path', () => {
      const cyc: Record<string, unknown> = {};
      cyc.self = cyc;
      const cases: [unknown, RegExp][] = [
        [{ cfg: { fn: () => 1 } }, /saveCheckpoint: "extra\.cfg\.fn" is a function; a checkpoint holds numbers, strings/],
        [{ m: new Map() }, /"extra\.m" is a Map/],
        [{ c: cyc }, /"extra\.c\.self" is a circular reference/],
        [{ big: 1n }, /"extra\.big" is a bigint/],
        [{ optimizer: {} }, /saveCheckpoint: optimizer must be an Optimizer/],
        [{ scheduler: 3 }, /saveCheckpoint: scheduler must be a schedule/],
      ];
      for (const [bad, re] of cases) {
        const e = thrown(() => wg.saveCheckpoint(bad as never));
        expect(e).toBeInstanceOf(wg.WasmgradError);
        expect(e.message).toMatch(re);
      }
    });

    it('loadCheckpoint errors change nothing and leak nothing', () => {
      const mk = (seed: number) => makeRun('adam+cosine', 'float32', seed);
      const a = mk(1);
      train(a, 2, 'float32');
      const bytes = wg.saveCheckpoint({ model: a.model, optimizer: a.opt, scheduler: a.sched, ema: wg.ones([3]) });
      const b = mk(2);
      train(b, 1, 'float32');
      const snapshot = () => ({
        params: paramData(b).map((d) => Array.from(d)),
        m: b.model.parameters().map((p) => Array.from(b.opt.getState(p)!.tensors.m.data())),
        lr: b.opt.lr, epoch: b.sched.lastEpoch, steps: b.opt.stepCount, mem: wg.memory(),
      });
      const otherModel = new wg.nn.MLP([4, 5, 3]);
      const otherShapes = new Adam(new wg.nn.MLP([4, 5, 3]).parameters());
      const sgd = new SGD(b.model.parameters(), { lr: 0.1 });
      const cases: [() => unknown, RegExp][] = [
        [() => wg.loadCheckpoint(bytes, { model: b.model, optimizr: b.opt } as never), /loadCheckpoint: unknown option 'optimizr' \(accepted: model, optimizer, scheduler\)/],
        [() => wg.loadCheckpoint(wg.save(b.model), { model: b.model }), /loadCheckpoint: not a wasmgrad checkpoint/],
        [() => wg.loadCheckpoint(bytes, { model: otherModel, optimizer: b.opt }), /loadCheckpoint: tensor "0\.weight" has shape \[7,4\] in the file, but the parameter has shape \[5,4\]/],
        [() => wg.loadCheckpoint(bytes, { model: b.model, optimizer: sgd }), /the checkpoint holds the state of "Adam", but the optimizer is SGD/],
        [() => wg.loadCheckpoint(bytes, { model: b.model, optimizer: b.opt, scheduler: new StepLR(b.opt, { stepSize: 1 }) }),
          /the checkpoint holds the state of "CosineAnnealingLR", but the scheduler is StepLR/],
        // the schedule loads first; the optimizer's state then fails: the schedule is restored
        [() => wg.loadCheckpoint(bytes, { optimizer: otherShapes, scheduler: new CosineAnnealingLR(otherShapes, { tMax: 3 }) }),
          /Adam\.loadStateDict: state\[0\]\.exp_avg has shape \[7,4\], but parameter 0 has shape \[5,4\]/],
        [() => wg.loadCheckpoint(wg.saveCheckpoint({ epoch: 1 }), { optimizer: b.opt }), /the checkpoint holds no optimizer state/],
      ];
      const before = snapshot();
      // (the two schedules above change b.opt.lr when made; put it back before comparing)
      for (const [fn, re] of cases) {
        const lr = b.opt.lr;
        const mem = wg.memory();
        const e = thrown(fn);
        expect(wg.memory()).toEqual(mem);
        b.opt.lr = lr;
        expect(e).toBeInstanceOf(wg.WasmgradError);
        expect(e.message).toMatch(re);
      }
      expect(snapshot()).toEqual(before);
    });

    it('a failed optimizer load restores the schedule that was already loaded', () => {
      const a = makeRun('adam+cosine', 'float32', 1);
      train(a, 4, 'float32');
      const bytes = wg.saveCheckpoint({ optimizer: a.opt, scheduler: a.sched });
      const other = new Adam(new wg.nn.MLP([4, 5, 3]).parameters(), { lr: 0.02 });
      const sched = new CosineAnnealingLR(other, { tMax: 9, etaMin: 0.001 });
      sched.step();
      const lr = other.lr;
      expect(() => wg.loadCheckpoint(bytes, { optimizer: other, scheduler: sched })).toThrow(wg.ShapeError);
      expect(sched.lastEpoch).toBe(1);
      expect(sched.baseLr).toBe(0.02);
      expect(other.lr).toBe(lr);
    });
  });
});
