// Parameter groups (PyTorch's param_groups): an optimizer over two groups steps each parameter
// exactly as a one-group optimizer with that group's options does (bit for bit, both backends
// and float dtypes); schedules set each group's rate from its own base rate; state dicts keep
// PyTorch's layout with several groups and resume bit for bit; bad groups are errors naming the
// group and the key, with memory unchanged.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachBackend, forEachConfig, randomFlat } from './helpers.js';
import { expectOpError } from './support/errors.js';

type Tensor = ReturnType<typeof wg.tensor>;
type Make = (params: unknown, opts: Record<string, unknown>) => wg.optim.Optimizer;

const SHAPES = [[2, 3], [4], [3]];

/** Fresh parameters with fixed random values (`seed` picks them). */
function makeParams(dtype: 'float32' | 'float64', seed = 1): Tensor[] {
  return SHAPES.map((s, i) => wg.tensor(randomFlat(s.reduce((a, b) => a * b, 1), seed + i), { dtype, shape: s, requiresGrad: true }));
}

/** Sets every parameter's grad to fixed random values of step `k` through a backward pass. */
function setGrads(ps: Tensor[], k: number): void {
  ps.forEach((p, i) => {
    p.zeroGrad();
    const n = p.shape.reduce((a, b) => a * b, 1);
    p.mul(wg.tensor(randomFlat(n, 100 + 10 * k + i, -2, 2), { dtype: p.dtype, shape: [...p.shape] })).sum().backward();
  });
}

const bits = (ps: Tensor[]) => ps.map((p) => Array.from(p.data() as Float32Array | Float64Array));

/** Each optimizer with defaults and two groups whose overrides change every option that matters. */
const CASES: { name: string; make: Make; defaults: Record<string, unknown>; g0: Record<string, unknown>; g1: Record<string, unknown> }[] = [
  { name: 'SGD', make: (p, o) => new wg.optim.SGD(p as Tensor[], o as never),
    defaults: { lr: 0.1, momentum: 0.9 }, g0: { nesterov: true }, g1: { lr: 0.03, momentum: 0, weightDecay: 0.2 } },
  { name: 'Adam', make: (p, o) => new wg.optim.Adam(p as Tensor[], o),
    defaults: { lr: 0.01 }, g0: { weightDecay: 0.1 }, g1: { lr: 0.002, betas: [0.8, 0.99], eps: 1e-6 } },
  { name: 'AdamW', make: (p, o) => new wg.optim.AdamW(p as Tensor[], o),
    defaults: { lr: 3e-3, betas: [0.9, 0.99] }, g0: { weightDecay: 0.1 }, g1: { weightDecay: 0 } },
  { name: 'RMSprop', make: (p, o) => new wg.optim.RMSprop(p as Tensor[], o),
    defaults: { lr: 0.01, momentum: 0.5 }, g0: { centered: true }, g1: { lr: 0.05, alpha: 0.9, momentum: 0, weightDecay: 0.01 } },
  { name: 'Adagrad', make: (p, o) => new wg.optim.Adagrad(p as Tensor[], o),
    defaults: { lr: 0.1 }, g0: { lrDecay: 0.1 }, g1: { lr: 0.5, initialAccumulatorValue: 0.2, eps: 1e-6 } },
];

forEachConfig('param groups', ({ dtype }) => {
  for (const c of CASES) {
    it(`${c.name}: a two-group step equals two one-group optimizers, bit for bit`, () => {
      const ps = makeParams(dtype);
      const qs = makeParams(dtype);
      const grouped = c.make([{ params: [ps[0], ps[1]], ...c.g0 }, { params: [ps[2]], ...c.g1 }], c.defaults);
      const first = c.make([qs[0], qs[1]], { ...c.defaults, ...c.g0 });
      const second = c.make([qs[2]], { ...c.defaults, ...c.g1 });
      for (let k = 0; k < 3; k++) {
        setGrads(ps, k);
        setGrads(qs, k);
        grouped.step();
        first.step();
        second.step();
      }
      expect(bits(ps)).toEqual(bits(qs));
      const pd = grouped.stateDict();
      expect(pd.paramGroups.map((g) => g.params)).toEqual([[0, 1], [2]]);
      expect(pd.paramGroups[0]).toEqual({ ...first.stateDict().paramGroups[0], params: [0, 1] });
      expect(pd.paramGroups[1]).toEqual({ ...second.stateDict().paramGroups[0], params: [2] });
      for (const d of [grouped, first, second]) d.dispose();
    });

    it(`${c.name}: one group given as a group object steps as the flat list, bit for bit`, () => {
      const ps = makeParams(dtype);
      const qs = makeParams(dtype);
      const grouped = c.make([{ params: ps }], c.defaults);
      const flat = c.make(qs, c.defaults);
      for (let k = 0; k < 3; k++) {
        setGrads(ps, k);
        setGrads(qs, k);
        grouped.step();
        flat.step();
      }
      expect(bits(ps)).toEqual(bits(qs));
      expect(grouped.stateDict().paramGroups).toEqual(flat.stateDict().paramGroups);
    });
  }

  it('addParamGroup: the new group steps as its own optimizer would, with the defaults filled in', () => {
    const ps = makeParams(dtype);
    const qs = makeParams(dtype);
    const opt = new wg.optim.Adam([ps[0], ps[1]], { lr: 0.01, weightDecay: 0.1 });
    opt.addParamGroup({ params: ps[2], lr: 0.002 });
    expect(opt.params).toEqual(ps);
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.002, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
    const first = new wg.optim.Adam([qs[0], qs[1]], { lr: 0.01, weightDecay: 0.1 });
    const second = new wg.optim.Adam([qs[2]], { lr: 0.002, weightDecay: 0.1 });
    for (let k = 0; k < 2; k++) {
      setGrads(ps, k);
      setGrads(qs, k);
      opt.step();
      first.step();
      second.step();
    }
    expect(bits(ps)).toEqual(bits(qs));
  });
});

forEachBackend('param groups', () => {
  const two = (lrs = [1, 0.1]) => {
    const ps = makeParams('float64');
    return new wg.optim.SGD([{ params: [ps[0], ps[1]], lr: lrs[0] }, { params: [ps[2]], lr: lrs[1] }], { lr: 0.5 });
  };
  const lrs = (opt: wg.optim.Optimizer) => opt.paramGroups.map((g) => g.lr);

  describe('learning rates', () => {
    it('paramGroups[k].lr is settable per group; optimizer.lr reads the first group and sets all', () => {
      const opt = two();
      expect(opt.lr).toBe(1);
      opt.paramGroups[1].lr = 0.2;
      expect(lrs(opt)).toEqual([1, 0.2]);
      opt.lr = 0.3;
      expect(lrs(opt)).toEqual([0.3, 0.3]);
      expect(opt.defaults.lr).toBe(0.5);
    });

    it('a group lr that is not a finite number >= 0 is an error naming the group', () => {
      const opt = two();
      expectOpError(() => { opt.paramGroups[1].lr = -1; }, /SGD: paramGroups\[1\]: lr must be a finite number >= 0, got -1/);
      expect(lrs(opt)).toEqual([1, 0.1]);
    });

    it('the other hyperparameters of a group are read-only', () => {
      const opt = two();
      expect(() => { (opt.paramGroups[0] as { momentum: number }).momentum = 0.9; }).toThrow(TypeError);
      expect(opt.paramGroups[0].momentum).toBe(0);
    });

    it('StepLR decays each group from its own lr', () => {
      const opt = two();
      const s = new wg.optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
      expect(s.baseLrs).toEqual([1, 0.1]);
      s.step();
      s.step();
      expect(lrs(opt)).toEqual([0.25, 0.025]);
      expect(s.getLastLr()).toEqual([0.25, 0.025]);
    });

    it('CosineAnnealingLR and LinearLR follow their closed forms per group', () => {
      const opt = two();
      const cos = new wg.optim.CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 });
      cos.step();
      cos.step();
      // epoch 2 of 4: etaMin + (base - etaMin) / 2
      expect(lrs(opt)).toEqual([0.01 + (1 - 0.01) / 2, 0.01 + (0.1 - 0.01) / 2]);
      const opt2 = two();
      const lin = new wg.optim.LinearLR(opt2, { startFactor: 0.5, totalIters: 4 });
      expect(lrs(opt2)).toEqual([0.5, 0.05]);
      lin.step();
      expect(lrs(opt2)).toEqual([1 * 0.625, 0.1 * 0.625]);
    });

    it('LambdaLR takes one function for every group or one per group', () => {
      const opt = two();
      const s = new wg.optim.LambdaLR(opt, [(e) => 0.5 ** e, (e) => e + 1]);
      s.step();
      expect(lrs(opt)).toEqual([0.5, 0.2]);
      const other = two();
      expectOpError(() => new wg.optim.LambdaLR(other, [(e) => e]), /LambdaLR: lrLambda must be a function or an array of 2 functions \(one per param group\), got 1 items/);
    });

    it('OneCycleLR takes maxLr as one number or one per group', () => {
      const opt = two();
      const s = new wg.optim.OneCycleLR(opt, { maxLr: [2, 0.5], totalSteps: 11, pctStart: 0.5, annealStrategy: 'linear', divFactor: 10 });
      expect(s.baseLrs).toEqual([0.2, 0.05]);
      expect(lrs(opt)).toEqual([0.2, 0.05]);
      for (let k = 0; k < 2; k++) s.step();
      // rising linearly over 4.5 steps: base + (max - base) · 2 / 4.5
      expect(lrs(opt)[0]).toBeCloseTo(0.2 + 1.8 * 2 / 4.5, 14);
      expect(lrs(opt)[1]).toBeCloseTo(0.05 + 0.45 * 2 / 4.5, 14);
      const one = new wg.optim.OneCycleLR(two(), { maxLr: 1, totalSteps: 10 });
      expect(one.baseLrs).toEqual([0.04, 0.04]);
      const other = two();
      expectOpError(() => new wg.optim.OneCycleLR(other, { maxLr: [1, 2, 3], totalSteps: 10 }), /OneCycleLR: maxLr must be a number or an array of 2 \(one per param group\), got 3 numbers/);
    });

    it('OneCycleLR with one maxLr per group round-trips its state dict', () => {
      const a = two();
      const s = new wg.optim.OneCycleLR(a, { maxLr: [2, 0.5], totalSteps: 10 });
      for (let k = 0; k < 3; k++) s.step();
      const sd = s.stateDict();
      expect(sd.maxLr).toEqual([2, 0.5]);
      const b = two();
      const t = new wg.optim.OneCycleLR(b, { maxLr: 1, totalSteps: 10 });
      t.loadStateDict(sd);
      expect(lrs(b)).toEqual(lrs(a));
      s.step();
      t.step();
      expect(lrs(b)).toEqual(lrs(a));
      expect(lrs(b)[0]).not.toBe(lrs(b)[1]);
    });

    it('SequentialLR runs its schedules per group from the first one\'s base rates', () => {
      const opt = two();
      const s = new wg.optim.SequentialLR(opt, [new wg.optim.LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new wg.optim.StepLR(opt, { stepSize: 1, gamma: 0.5 })], [2]);
      expect(lrs(opt)).toEqual([0.5, 0.05]);
      for (let k = 0; k < 3; k++) s.step();
      expect(lrs(opt)).toEqual([0.5, 0.05]); // StepLR's epoch 1 from base [1, 0.1]
    });

    it('a schedule refuses to step after the optimizer gained a group', () => {
      const opt = two();
      const s = new wg.optim.StepLR(opt, { stepSize: 1 });
      opt.addParamGroup({ params: [wg.ones([2], { requiresGrad: true })] });
      expectOpError(() => s.step(), /StepLR: the optimizer has 3 param groups, but the schedule was made for 2/);
      expect(s.lastEpoch).toBe(0);
    });

    it('a schedule state dict round trip restores each group\'s base and current rate', () => {
      const a = two();
      const s = new wg.optim.StepLR(a, { stepSize: 1, gamma: 0.5 });
      s.step();
      const sd = s.stateDict();
      expect(sd).toEqual({ lastEpoch: 1, baseLrs: [1, 0.1], lastLr: [0.5, 0.05], stepSize: 1, gamma: 0.5 });
      const b = two([7, 7]);
      const t = new wg.optim.StepLR(b, { stepSize: 1, gamma: 0.5 });
      t.loadStateDict(sd);
      expect(lrs(b)).toEqual([0.5, 0.05]);
      t.step();
      expect(lrs(b)).toEqual([0.25, 0.025]);
      expectOpError(() => t.loadStateDict({ ...sd, baseLrs: [1] }), /baseLrs must be an array of 2 finite learning rates >= 0 \(one per parameter group\), got \[1\]/);
    });
  });

  describe('bad groups (each a WasmgradError naming the group, memory unchanged)', () => {
    const p = () => wg.ones([2], { requiresGrad: true });
    // each case gets its tensors made beforehand, so memory() before and after the error match
    const cases: [string, (t: Tensor[]) => unknown, RegExp][] = [
      ['an unknown option', (t) => new wg.optim.AdamW([{ params: [t[0]] }, { params: [t[1]], weight_decay: 0 }]), /AdamW: param group 1 has an unknown option 'weight_decay' \(expected params, lr, betas, eps, weightDecay\)/],
      ['decoupled is not an option', (t) => new wg.optim.Adam([{ params: [t[0]], decoupled: true }]), /Adam: param group 0 has an unknown option 'decoupled'/],
      ['a group without params', (t) => new wg.optim.SGD([{ params: [t[0]] }, { lr: 0.1 } as never], { lr: 0.1 }), /SGD: param group 1 has no 'params'/],
      ['an empty group', (t) => new wg.optim.SGD([{ params: [t[0]] }, { params: [] }], { lr: 0.1 }), /SGD: param group 1 is empty/],
      ['a parameter in two groups', (t) => new wg.optim.Adam([{ params: [t[0]] }, { params: [t[1], t[0]] }]), /Adam: param group 1: parameter 1 \(shape \[2\]\) is already in param group 0/],
      ['a bad override value', (t) => new wg.optim.RMSprop([{ params: [t[0]] }, { params: [t[1]], alpha: 2 }]), /RMSprop: param group 1: alpha must be a finite number >= 0 and <= 1, got 2/],
      ['Nesterov without momentum in one group', (t) => new wg.optim.SGD([{ params: [t[0]], nesterov: true }], { lr: 0.1 }), /SGD: param group 0: Nesterov momentum requires a momentum > 0/],
      ['a Tensor among groups', (t) => new wg.optim.Adagrad([{ params: [t[0]] }, t[1] as never]), /Adagrad: param group 1 must be an object \{ params, \.\.\.options \}, got Tensor \[2\]/],
      ['params that are not tensors', (t) => new wg.optim.Adam([{ params: 3 as never }]), /Adam: param group 0: params must be a Tensor or an iterable of Tensors, got 3/],
      ['a non-leaf in a group', (t) => new wg.optim.Adam([{ params: [t[0]] }]), /Adam: param group 0: parameter 0 \(shape \[2\]\) is not a leaf tensor/],
    ];
    for (const [what, f, re] of cases) {
      it(what, () => {
        const t = what === 'a non-leaf in a group' ? [p().mul(2)] : [p(), p(), p()];
        expectOpError(() => f(t), re);
      });
    }

    it('addParamGroup rejects a parameter already in a group and changes nothing', () => {
      const w = p();
      const opt = new wg.optim.SGD([w], { lr: 0.1 });
      const [u, v] = [p(), p()];
      expectOpError(() => opt.addParamGroup({ params: [u, w] }), /SGD\.addParamGroup: param group 1: parameter 1 \(shape \[2\]\) is already in param group 0/);
      expectOpError(() => opt.addParamGroup({ params: [v], momentum: -1 }), /SGD\.addParamGroup: param group 1: momentum must be a finite number >= 0, got -1/);
      expect(opt.paramGroups.length).toBe(1);
      expect(opt.params).toEqual([w]);
    });
  });

  describe('state dicts', () => {
    const build = (ps: Tensor[]) => new wg.optim.AdamW([{ params: [ps[0], ps[1]], weightDecay: 0.1 }, { params: [ps[2]], weightDecay: 0, lr: 0.002 }], { lr: 0.01 });

    it('has PyTorch\'s layout: one entry per group, indices counting across the groups', () => {
      const ps = makeParams('float64');
      const opt = build(ps);
      setGrads(ps, 0);
      opt.step();
      const sd = opt.stateDict();
      expect(sd.paramGroups).toEqual([
        { lr: 0.01, params: [0, 1], betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1, decoupled: true },
        { lr: 0.002, params: [2], betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: true },
      ]);
      expect(Object.keys(sd.state)).toEqual(['0', '1', '2']);
    });

    it('a round trip into fresh parameters resumes bit for bit, group hyperparameters included', () => {
      const ps = makeParams('float64');
      const a = build(ps);
      const sa = new wg.optim.CosineAnnealingLR(a, { tMax: 5 });
      for (let k = 0; k < 2; k++) { setGrads(ps, k); a.step(); sa.step(); }
      const qs = makeParams('float64', 50);
      qs.forEach((q, i) => q.backend.write(q.storage, ps[i].data()));
      const b = new wg.optim.AdamW([{ params: [qs[0], qs[1]] }, { params: [qs[2]] }], { lr: 1 });
      const sb = new wg.optim.CosineAnnealingLR(b, { tMax: 5 });
      b.loadStateDict(a.stateDict());
      sb.loadStateDict(sa.stateDict());
      expect(b.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual(a.paramGroups.map((g) => [g.lr, g.weightDecay]));
      for (let k = 2; k < 4; k++) {
        setGrads(ps, k); a.step(); sa.step();
        setGrads(qs, k); b.step(); sb.step();
      }
      expect(bits(qs)).toEqual(bits(ps));
    });

    it('a checkpoint with groups and a schedule round-trips and resumes bit for bit', () => {
      const ps = makeParams('float64');
      const a = build(ps);
      const sa = new wg.optim.LinearLR(a, { totalIters: 4 });
      for (let k = 0; k < 2; k++) { setGrads(ps, k); a.step(); sa.step(); }
      const model = (ts: Tensor[]) => ({ namedParameters: () => ts.map((t, i) => [`p${i}`, t] as [string, Tensor]) });
      const bytes = wg.saveCheckpoint({ model: model(ps) as never, optimizer: a, scheduler: sa });
      const qs = makeParams('float64', 50);
      const b = build(qs);
      const sb = new wg.optim.LinearLR(b, { totalIters: 4 });
      wg.loadCheckpoint(bytes, { model: model(qs) as never, optimizer: b, scheduler: sb });
      expect(b.paramGroups.map((g) => g.lr)).toEqual(a.paramGroups.map((g) => g.lr));
      for (let k = 2; k < 4; k++) {
        setGrads(ps, k); a.step(); sa.step();
        setGrads(qs, k); b.step(); sb.step();
      }
      expect(bits(qs)).toEqual(bits(ps));
    });

    it('loading checks the group structure and changes nothing on an error', () => {
      const ps = makeParams('float64');
      const opt = build(ps);
      setGrads(ps, 0);
      opt.step();
      const sd = opt.stateDict();
      const g = sd.paramGroups;
      const before = bits(ps);
      const cases: [unknown, RegExp][] = [
        [{ ...sd, paramGroups: [g[0]] }, /AdamW\.loadStateDict: the state dict has 1 parameter group; this optimizer has 2/],
        [{ ...sd, paramGroups: [{ ...g[0], params: [0] }, { ...g[1], params: [1, 2] }] }, /paramGroups\[0\] has 1 parameter, this optimizer's group 0 has 2/],
        [{ ...sd, paramGroups: [g[0], { ...g[1], params: [0] }] }, /paramGroups\[1\]\.params must be \[2, \.\.\., 2\] \(indices counting across the groups in order\), got 0 at position 0/],
        [{ ...sd, paramGroups: [g[0], { ...g[1], weightDecay: -1 }] }, /AdamW\.loadStateDict: paramGroups\[1\]: weightDecay must be a finite number >= 0, got -1/],
        [{ ...sd, paramGroups: [g[0], { ...g[1], momentum: 0 }] }, /paramGroups\[1\] has an unknown key 'momentum'/],
      ];
      for (const [bad, re] of cases) expectOpError(() => opt.loadStateDict(bad as never), re);
      expect(opt.paramGroups.map((x) => [x.lr, x.weightDecay])).toEqual([[0.01, 0.1], [0.002, 0]]);
      expect(bits(ps)).toEqual(before);
    });

    it('SGD groups with and without momentum save and load their own state names', () => {
      const ps = makeParams('float64');
      const opt = new wg.optim.SGD([{ params: [ps[0]], momentum: 0.9 }, { params: [ps[1], ps[2]] }], { lr: 0.1 });
      setGrads(ps, 0);
      opt.step();
      const sd = opt.stateDict();
      expect(Object.keys(sd.state[0])).toEqual(['step', 'momentum_buffer']);
      expect(Object.keys(sd.state[1])).toEqual(['step']);
      const qs = makeParams('float64');
      const fresh = new wg.optim.SGD([{ params: [qs[0]], momentum: 0.9 }, { params: [qs[1], qs[2]] }], { lr: 0.1 });
      fresh.loadStateDict(sd);
      expect(Array.from(fresh.getState(qs[0])!.tensors.velocity.data())).toEqual(Array.from((sd.state[0].momentum_buffer as Tensor).data()));
    });
  });
});
