// Issue 10: bad arguments are errors, not silent fixes. Each test is one behaviour that used to
// be patched up silently (a Float64Array rounded to float32, a misspelt option ignored, arange(-3)
// empty, dispose(5) a no-op, setThreads(1000) clamped, a broadcast mseLoss target...). Every error
// is a WasmgradError of the documented class whose message names the op and the offending
// value or key; afterwards memory() is unchanged and the library keeps working.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachBackend, forEachConfig, squash, thrown } from './helpers.js';

type ErrClass = new (...args: any[]) => Error;

/** Live tensors and their bytes (the wasm heap size may only grow, so it is not compared). */
function live(): { tensors: number; bytes: number } {
  const m = wg.memory();
  return { tensors: m.tensors, bytes: m.bytes };
}

function checkMessage(e: unknown, cls: ErrClass, parts: (string | number)[]): void {
  const err = e as Error;
  expect(err, `${err?.name}: ${err?.message}`).toBeInstanceOf(wg.WasmgradError);
  expect(err, `${err?.name}: ${err?.message}`).toBeInstanceOf(cls);
  const msg = squash(err.message);
  for (const p of parts) expect(msg, `message: ${err.message}`).toContain(squash(String(p)));
}

function stillWorks(): void {
  const ok = wg.tensor([1, 2]).add(1);
  expect(ok.toArray()).toEqual([2, 3]);
  ok.dispose();
}

/** fn must throw `cls` naming every part, leave memory() as it was, and the library must work on. */
function expectError(fn: () => unknown, cls: ErrClass, parts: (string | number)[]): void {
  const before = live();
  const e = thrown(fn);
  checkMessage(e, cls, parts);
  expect(live(), `left behind by: ${e.message}`).toEqual(before);
  stillWorks();
}

/** The same for a function returning a promise that must reject. */
async function expectRejection(fn: () => Promise<unknown>, cls: ErrClass, parts: (string | number)[]): Promise<void> {
  const before = live();
  let e: unknown = null;
  try {
    await fn();
  } catch (err) {
    e = err;
  }
  expect(e, 'expected a rejection').not.toBeNull();
  checkMessage(e, cls, parts);
  expect(live()).toEqual(before);
  stillWorks();
}

// ---- 1. a typed array's element type is its dtype ---------------------------------------------

forEachBackend('typed-array data', () => {
  it('tensor(Float64Array) is float64 and keeps every digit', () => {
    const v = 1 + 2 ** -40; // not representable in float32
    const t = wg.tensor(new Float64Array([v, 0.1]));
    expect(t.dtype).toBe('float64');
    expect(t.data()).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data())).toEqual([v, 0.1]);
    const m = wg.tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(m.dtype).toBe('float64');
    expect(m.toArray()).toEqual([[1, 2], [3, 4]]);
    wg.dispose([t, m]);
  });

  it('tensor(Float32Array) and integer typed arrays are float32 by default', () => {
    for (const data of [new Float32Array([1.5, 2]), new Int32Array([1, -2]), new Uint8Array([1, 255]), new Int16Array([3, 4])]) {
      const t = wg.tensor(data);
      expect(t.dtype, data.constructor.name).toBe('float32');
      expect(Array.from(t.data())).toEqual(Array.from(data));
      t.dispose();
    }
    const n = wg.tensor([0.1, 0.2]);
    expect(n.dtype).toBe('float32');
    n.dispose();
  });

  it('dtype in the options overrides the typed array element type', () => {
    const a = wg.tensor(new Float64Array([1 + 2 ** -40]), { dtype: 'float32' });
    expect(a.dtype).toBe('float32');
    expect(a.item()).toBe(1);
    const b = wg.tensor(new Float32Array([0.5]), { dtype: 'float64' });
    expect(b.dtype).toBe('float64');
    const c = wg.tensor(new Int32Array([7]), { dtype: 'float64' });
    expect(c.dtype).toBe('float64');
    expect(c.item()).toBe(7);
    wg.dispose([a, b, c]);
  });
});

// ---- 2. options objects: unknown keys and misread values ---------------------------------------

const CREATORS: { name: string; call: (opts: any) => unknown; extra: string[] }[] = [
  { name: 'tensor', call: (o) => wg.tensor([1, 2], o), extra: ['shape'] },
  { name: 'zeros', call: (o) => wg.zeros([2], o), extra: [] },
  { name: 'ones', call: (o) => wg.ones([2], o), extra: [] },
  { name: 'full', call: (o) => wg.full([2], 3, o), extra: [] },
  { name: 'randn', call: (o) => wg.randn([2], o), extra: [] },
  { name: 'rand', call: (o) => wg.rand([2], o), extra: [] },
  { name: 'arange', call: (o) => wg.arange(3, o), extra: [] },
  { name: 'arange', call: (o) => wg.arange(0, 3, 1, o), extra: [] },
  { name: 'eye', call: (o) => wg.eye(2, o), extra: [] },
];

forEachBackend('options', () => {
  it('crossEntropy: a misspelt option (labelSmothing) is an error naming it', () => {
    const logits = wg.tensor([[1, 2, 3], [0, 1, 0]]);
    expectError(() => wg.crossEntropy(logits, [2, 1], { labelSmothing: 0.1 } as any), wg.WasmgradError,
      ['crossEntropy', "'labelSmothing'", 'labelSmoothing', 'ignoreIndex', 'reduction']);
    expectError(() => logits.crossEntropy([2, 1], { reducton: 'sum' } as any), wg.WasmgradError, ['crossEntropy', "'reducton'"]);
    expectError(() => wg.crossEntropy(logits, [2, 1], 0.1 as any), wg.WasmgradError, ['crossEntropy', 'options', '0.1']);
    // an empty options object is fine and gives the same loss
    const a = wg.crossEntropy(logits, [2, 1]), b = wg.crossEntropy(logits, [2, 1], {});
    expect(b.item()).toBe(a.item());
    wg.dispose([logits, a, b]);
  });

  it('mseLoss: options are checked (it accepts only reduction)', () => {
    const p = wg.tensor([1, 2]), t = wg.tensor([0, 0]);
    expectError(() => wg.mseLoss(p, t, { delta: 1 } as any), wg.WasmgradError, ['mseLoss', "'delta'", 'reduction']);
    expectError(() => p.mseLoss(t, { reducton: 'sum' } as any), wg.WasmgradError, ['mseLoss', "'reducton'"]);
    const l = p.mseLoss(t, {});
    expect(l.item()).toBeCloseTo(2.5, 6);
    wg.dispose([p, t, l]);
  });

  it.each(CREATORS)('$name: an unknown option key is an error naming it and the accepted keys', ({ name, call, extra }) => {
    expectError(() => call({ dtpye: 'float64' }), wg.WasmgradError, [name, "'dtpye'", 'dtype', 'requiresGrad', ...extra]);
    expectError(() => call({ requires_grad: true }), wg.WasmgradError, [name, "'requires_grad'"]);
  });

  it.each(CREATORS)('$name: a dtype string as the options argument is an error, not float32', ({ name, call }) => {
    expectError(() => call('float64'), wg.WasmgradError, [name, '"float64"']);
  });

  it.each(CREATORS)("$name: dtype 'float16' is a DTypeError naming the value", ({ name, call }) => {
    expectError(() => call({ dtype: 'float16' }), wg.DTypeError, [name, '"float16"']);
  });

  it.each(CREATORS)("$name: requiresGrad 'yes' is an error naming the option and the value", ({ name, call }) => {
    expectError(() => call({ requiresGrad: 'yes' }), wg.WasmgradError, [name, 'requiresGrad', '"yes"']);
    expectError(() => call({ requiresGrad: 1 }), wg.WasmgradError, [name, 'requiresGrad', '1']);
    const t = call({ requiresGrad: false }) as wg.Tensor;
    expect(t.requiresGrad).toBe(false);
    t.dispose();
  });

  it('sizes as separate arguments, PyTorch style (zeros(2, 3), eye(2, 3)), are errors, not a smaller tensor', () => {
    expectError(() => (wg.zeros as any)(2, 3), wg.WasmgradError, ['zeros', 'options', '3 (number)']);
    expectError(() => (wg.ones as any)(2, 3), wg.WasmgradError, ['ones', 'options', '3 (number)']);
    expectError(() => (wg.randn as any)(2, 3), wg.WasmgradError, ['randn', 'options', '3 (number)']);
    expectError(() => (wg.eye as any)(2, 3), wg.WasmgradError, ['eye', 'options', '3 (number)']);
  });

  it('gradcheck: an unknown option (epsilon) is an error naming it', () => {
    const x = wg.tensor([1, 2], { dtype: 'float64' });
    expectError(() => wg.gradcheck((a) => a.mul(a).sum(), [x], { epsilon: 1e-4 } as any), wg.WasmgradError,
      ['gradcheck', "'epsilon'", 'eps', 'atol', 'rtol']);
    x.dispose();
  });

  it('gradcheck: eps, atol and rtol that are not finite non-negative numbers are errors naming them', () => {
    const x = wg.tensor([1, 2], { dtype: 'float64' });
    const f = (a: wg.Tensor): wg.Tensor => a.mul(a).sum();
    expectError(() => wg.gradcheck(f, [x], { atol: '1e-3' as any }), wg.WasmgradError, ['gradcheck', 'atol', '"1e-3"']);
    expectError(() => wg.gradcheck(f, [x], { rtol: -1 }), wg.WasmgradError, ['gradcheck', 'rtol', '-1']);
    expectError(() => wg.gradcheck(f, [x], { eps: 0 }), wg.WasmgradError, ['gradcheck', 'eps', '0']);
    expectError(() => wg.gradcheck(f, [x], { eps: Infinity }), wg.WasmgradError, ['gradcheck', 'eps', 'Infinity']);
    expect(wg.gradcheck(f, [x], { atol: 0, rtol: 1e-6 }).ok).toBe(true);
    x.dispose();
  });

  it('toDot: an unknown option (value) is an error naming it and the accepted keys', () => {
    const x = wg.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2).sum();
    expectError(() => wg.toDot(y, { value: false } as any), wg.WasmgradError, ['toDot', "'value'", 'values', 'maxElements', 'rankdir']);
    wg.dispose([x, y]);
  });

  it('toDot: option values that would be misread are errors naming the option and value', () => {
    const x = wg.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2).sum();
    expectError(() => wg.toDot(y, { rankdir: 'LR]; evil' as any }), wg.WasmgradError, ['toDot', 'rankdir', '"LR]; evil"']);
    expectError(() => wg.toDot(y, { values: 'no' as any }), wg.WasmgradError, ['toDot', 'values', '"no"']);
    expectError(() => wg.toDot(y, { maxElements: -1 }), wg.WasmgradError, ['toDot', 'maxElements', '-1']);
    expectError(() => wg.toDot(y, { names: { x: [1, 2] as any } }), wg.WasmgradError, ['toDot', 'names.x', '[1,2]']);
    expect(wg.toDot(y, { rankdir: 'TB', names: { x } })).toContain('rankdir=TB');
    wg.dispose([x, y]);
  });
});

describe('init options', () => {
  it('init: an unknown option key rejects, naming it', async () => {
    await wg.init();
    await expectRejection(() => wg.init({ backnd: 'js' } as any), wg.WasmgradError, ['init', "'backnd'", 'backend']);
    await expectRejection(() => wg.init(null as any), wg.WasmgradError, ['init', 'options', 'null']);
    expect(wg.getBackend()).toBe('wasm');
  });

  it('init: an unknown backend name rejects with a BackendError naming init and the name', async () => {
    await wg.init();
    await expectRejection(() => wg.init({ backend: 'gpu' as any }), wg.BackendError, ['init', '"gpu"']);
    expect(wg.getBackend()).toBe('wasm');
  });
});

// ---- 3. axes, ranges, dispose/keep, threads, shapes -------------------------------------------

const AXIS_OPS = ['sum', 'mean', 'max', 'softmax', 'logSoftmax'] as const;
const REDUCTIONS = ['sum', 'mean', 'max'] as const;

forEachConfig('arguments', ({ dtype }) => {
  it.each(AXIS_OPS.map((op) => ({ op })))('$op: a non-integer axis is "not an integer", not "out of range"', ({ op }) => {
    const a = wg.tensor([[1, 2], [3, 4]], { dtype });
    const e = thrown(() => (a as any)[op](0.5));
    expect(e.message).not.toContain('out of range');
    expectError(() => (a as any)[op](0.5), wg.ShapeError, [op, '0.5', 'not an integer']);
    expectError(() => (wg as any)[op](a, 1.5), wg.ShapeError, [op, '1.5', 'not an integer']);
    if (op === 'sum' || op === 'mean' || op === 'max') {
      expectError(() => (a as any)[op]([0, 0.5]), wg.ShapeError, [op, '0.5', 'not an integer']);
    }
    a.dispose();
  });

  it('transpose: a non-integer axis is "not an integer"', () => {
    const a = wg.zeros([2, 3], { dtype });
    expectError(() => a.transpose([0.5, 1] as any), wg.ShapeError, ['transpose', '0.5', 'not an integer']);
    a.dispose();
  });

  it.each(REDUCTIONS.map((op) => ({ op })))('$op: keepdims that is not a boolean is an error naming it', ({ op }) => {
    const a = wg.tensor([[1, 2], [3, 4]], { dtype });
    expectError(() => (a as any)[op](0, 'yes'), wg.WasmgradError, [op, 'keepdims', '"yes"']);
    expectError(() => (wg as any)[op](a, 0, { keepdim: true }), wg.WasmgradError, [op, 'keepdims', '{keepdim}']);
    const k = (a as any)[op](0, true) as wg.Tensor;
    expect(k.shape).toEqual([1, 2]);
    wg.dispose([a, k]);
  });

  it('arange: a negative n is an error (not an empty tensor)', () => {
    expectError(() => wg.arange(-3, { dtype }), wg.WasmgradError, ['arange', '-3', 'negative']);
  });

  it('arange: a step whose sign contradicts start → end is an error', () => {
    expectError(() => wg.arange(0, 5, -1, { dtype }), wg.WasmgradError, ['arange', 'step -1', 'end 5']);
    expectError(() => wg.arange(5, 0, 1, { dtype }), wg.WasmgradError, ['arange', 'step 1', 'end 0']);
    expectError(() => wg.arange(5, 0), wg.WasmgradError, ['arange', 'step 1', 'end 0']);
    // counting down with a negative step, and an empty range, still work
    const down = wg.arange(5, 0, -2, { dtype });
    expect(down.toArray()).toEqual([5, 3, 1]);
    const none = wg.arange(2, 2, 1, { dtype });
    expect(none.shape).toEqual([0]);
    wg.dispose([down, none]);
  });

  it('arange: a step of 0 is an error', () => {
    expectError(() => wg.arange(0, 5, 0, { dtype }), wg.WasmgradError, ['arange', 'step', '0']);
  });

  it('arange: non-finite or non-numeric start, end and step are errors naming them', () => {
    expectError(() => wg.arange(Infinity), wg.WasmgradError, ['arange', 'end', 'Infinity']);
    expectError(() => wg.arange(0, NaN), wg.WasmgradError, ['arange', 'end', 'NaN']);
    expectError(() => wg.arange(0, 5, -Infinity), wg.WasmgradError, ['arange', 'step', '-Infinity']);
    expectError(() => wg.arange('3' as any), wg.WasmgradError, ['arange', 'end', '"3"']);
    expectError(() => wg.arange(0, '3' as any), wg.WasmgradError, ['arange', 'end', '"3"']);
  });

  it('full: a value that is not a number is an error naming it', () => {
    expectError(() => wg.full([2], 'x' as any, { dtype }), wg.WasmgradError, ['full', '"x"']);
  });

  it('eye: a non-integer or negative n is a ShapeError naming it', () => {
    expectError(() => wg.eye(2.5, { dtype }), wg.ShapeError, ['eye', '2.5']);
    expectError(() => wg.eye(-1, { dtype }), wg.ShapeError, ['eye', '-1']);
  });

  it('shape entries that are non-integers or negative are ShapeErrors naming the shape', () => {
    expectError(() => wg.zeros([2, 2.5], { dtype }), wg.ShapeError, ['zeros', '[2,2.5]', '2.5']);
    expectError(() => wg.ones([-1], { dtype }), wg.ShapeError, ['ones', '[-1]']);
    expectError(() => wg.tensor([1, 2], { dtype, shape: [0.5, 4] }), wg.ShapeError, ['tensor', '[0.5,4]']);
    const a = wg.tensor([1, 2], { dtype });
    expectError(() => wg.broadcastTo(a, [2.5, 2]), wg.ShapeError, ['broadcastTo', '[2.5,2]']);
    expectError(() => wg.broadcastTo(a, [-2, 2]), wg.ShapeError, ['broadcastTo', '[-2,2]']);
    a.dispose();
  });

  it('reshape: two -1 dimensions are a ShapeError', () => {
    const a = wg.zeros([2, 6], { dtype });
    expectError(() => a.reshape([-1, -1]), wg.ShapeError, ['reshape', '[-1,-1]']);
    expectError(() => a.reshape([3, 2.0001, -1]), wg.ShapeError, ['reshape', '2.0001']);
    a.dispose();
  });

  it('mseLoss: a target of another shape is a ShapeError naming both shapes', () => {
    const p = wg.zeros([1, 3], { dtype }), t = wg.zeros([2, 1], { dtype });
    expectError(() => wg.mseLoss(p, t), wg.ShapeError, ['mseLoss', '[1,3]', '[2,1]']);
    // the classic mistake: [N] predictions against [N,1] targets (an N×N loss when broadcast)
    const q = wg.zeros([3], { dtype }), u = wg.zeros([3, 1], { dtype });
    expectError(() => q.mseLoss(u), wg.ShapeError, ['mseLoss', '[3]', '[3,1]']);
    expectError(() => u.mseLoss(q), wg.ShapeError, ['mseLoss', '[3,1]', '[3]']);
    wg.dispose([p, t, q, u]);
  });

  it('mseLoss: a plain number target is a constant of the prediction shape', () => {
    const p = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    const l = p.mseLoss(2);
    expect(l.dtype).toBe(dtype);
    expect(l.item()).toBeCloseTo((1 + 0 + 1 + 4 + 9 + 16) / 6, 5);
    l.backward();
    // d/dp mean((p-2)^2) = 2 (p - 2) / 6
    const g = p.grad!.toArray() as number[][];
    [[1, 2, 3], [4, 5, 6]].forEach((row, i) => row.forEach((v, j) => expect(g[i][j]).toBeCloseTo(2 * (v - 2) / 6, 5)));
    const r = wg.mseLoss(3, wg.tensor([1, 5], { dtype }));
    expect(r.dtype).toBe(dtype);
    expect(r.item()).toBeCloseTo(4, 5);
    wg.dispose([p, l, r]);
  });

  it('mseLoss: a target that is neither a Tensor nor a number is an error naming mseLoss', () => {
    const p = wg.zeros([2], { dtype });
    expectError(() => wg.mseLoss(p, [1, 2] as any), wg.WasmgradError, ['mseLoss', 'target', '[1,2]']);
    expectError(() => wg.mseLoss('x' as any, p), wg.WasmgradError, ['mseLoss', 'pred', '"x"']);
    p.dispose();
  });
});

forEachBackend('lifetimes and threads', () => {
  it('dispose: a non-tensor argument (5, "x", null, a Map) is an error naming it', () => {
    expectError(() => wg.dispose(5), wg.WasmgradError, ['dispose', '5 (number)']);
    expectError(() => wg.dispose('x'), wg.WasmgradError, ['dispose', '"x"']);
    expectError(() => wg.dispose(null), wg.WasmgradError, ['dispose', 'null']);
    expectError(() => wg.dispose(undefined), wg.WasmgradError, ['dispose', 'undefined']);
    expectError(() => wg.dispose(new Map()), wg.WasmgradError, ['dispose', 'Tensor']);
  });

  it('dispose: a non-tensor inside an array or object is an error naming where, and nothing is freed', () => {
    const a = wg.tensor([1, 2]), b = wg.tensor([3]);
    expectError(() => wg.dispose([a, 5]), wg.WasmgradError, ['dispose', '5', '[1]']);
    expectError(() => wg.dispose({ a, inner: { b, n: 'x' } }), wg.WasmgradError, ['dispose', '"x"', '.inner.n']);
    expect(a.isDisposed).toBe(false);
    expect(b.isDisposed).toBe(false);
    expect(a.toArray()).toEqual([1, 2]);
    wg.dispose([a, b]);
  });

  it('dispose: a tensor, arrays and plain objects of tensors (null entries skipped) are freed', () => {
    const before = live();
    const a = wg.tensor([1]), b = wg.tensor([2]), c = wg.tensor([3]), d = wg.tensor([4]);
    wg.dispose(a);
    wg.dispose([b, null, undefined]);
    wg.dispose({ c, nested: [{ d }], bias: null });
    for (const t of [a, b, c, d]) expect(t.isDisposed).toBe(true);
    expect(live()).toEqual(before);
  });

  it('keep: a non-tensor is an error naming it; a disposed tensor is a DisposedError', () => {
    expectError(() => wg.keep(5 as any), wg.WasmgradError, ['keep', '5']);
    expectError(() => wg.keep({} as any), wg.WasmgradError, ['keep', 'Tensor']);
    const t = wg.tensor([1]);
    t.dispose();
    expectError(() => wg.keep(t), wg.DisposedError, ['keep', 'disposed']);
    let kept: wg.Tensor | null = null;
    wg.tidy(() => { kept = wg.keep(wg.tensor([2])); });
    expect(kept!.isDisposed).toBe(false);
    kept!.dispose();
  });

  it('setThreads above the maximum (64) is an error stating it, not a silent clamp', () => {
    const threads = wg.getThreads();
    expectError(() => wg.setThreads(1000), wg.WasmgradError, ['setThreads', '1000', 'maximum', '64']);
    expectError(() => wg.setThreads(65), wg.WasmgradError, ['setThreads', '65', '64']);
    expect(wg.getThreads()).toBe(threads);
  });

  it('manualSeed: a fractional seed is an error (it would be floored onto another seed)', () => {
    expectError(() => wg.manualSeed(0.5), wg.WasmgradError, ['manualSeed', '0.5', 'integer']);
    wg.manualSeed(7);
    const a = wg.rand([3]);
    wg.manualSeed(7);
    const b = wg.rand([3]);
    expect(b.toArray()).toEqual(a.toArray());
    wg.dispose([a, b]);
  });
});

describe.each(['wasm', 'js'] as const)('requiresGrad setter (%s)', (backend) => {
  it('a non-boolean requiresGrad is an error naming the value, not a truthy cast', async () => {
    await wg.init({ backend });
    const t = wg.zeros([2]);
    expect(() => { (t as { requiresGrad: unknown }).requiresGrad = 'yes'; }).toThrow(/requiresGrad: expected true or false, got "yes" \(string\)/);
    expect(t.requiresGrad).toBe(false);
    t.requiresGrad = true;
    expect(t.requiresGrad).toBe(true);
    t.dispose();
  });
});
