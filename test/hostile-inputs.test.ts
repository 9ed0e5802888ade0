// Hostile inputs: every bad argument the public API can be handed is answered by a
// WasmgradError (of the documented subclass where SPEC.md names one) whose message names the op
// and the offending value, shape or dtype; nothing is leaked (memory().tensors is unchanged —
// the operands are made before measuring) and the library keeps working afterwards.
//
// This extends test/errors.test.ts (one representative case per rule) to the whole surface:
// every creation function, every op, both backends and both dtypes, use after dispose of every
// method, optimizers holding disposed parameters, released graphs, wasm memory exhaustion and
// concurrent init(). The number of bad inputs tried is printed at the end.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as wg from '../src/index.js';
import { squash } from './helpers.js';
import { BINARY_ENTRIES, UNARY_ENTRIES } from './catalog/ops.js';

type Tensor = ReturnType<typeof wg.tensor>;
type ErrClass = abstract new (...args: any[]) => Error;

// the elementwise ops of the catalog: a new one gets every hostile input below
const BINARY = BINARY_ENTRIES.map((e) => e.name);
const UNARY = UNARY_ENTRIES.map((e) => e.name);

let tried = 0;
const perCategory = new Map<string, number>();

/** A short printable form of a hostile value for messages and test names. */
function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'function';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}`;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x === undefined ? 'undefined' : Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A quick op that must still work: the library is usable after the error. */
function stillWorks(): void {
  const before = wg.memory().tensors;
  wg.tidy(() => {
    const t = wg.tensor([[1, 2], [3, 4]]);
    expect(t.matmul(t).sum().item()).toBe(54);
  });
  expect(wg.memory().tensors).toBe(before);
}

/**
 * Runs `fn`, expecting a WasmgradError (and an instance of `cls`) whose message contains every
 * one of `parts` (whitespace ignored; a RegExp part must match). Checks that memory().tensors
 * and bytes are unchanged and that the library still works. Counts the bad input.
 */
function bad(category: string, fn: () => unknown, cls: ErrClass, parts: (string | number | RegExp)[]): Error | null {
  tried++;
  perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
  const before = wg.memory();
  let caught: unknown = undefined;
  let returned: unknown = undefined;
  try {
    returned = fn();
  } catch (e) {
    caught = e;
  }
  // Soft assertions: one test reports every bad input that is mishandled, not just the first.
  if (caught === undefined) {
    if (returned instanceof wg.Tensor) returned.dispose();
    expect.soft(undefined, `[${category}] expected a ${cls.name} containing ${parts.map(String).join(', ')}, but the call returned ${show(returned instanceof wg.Tensor ? returned.toString() : returned)}`).toBeInstanceOf(cls);
    return null;
  }
  const e = caught as Error;
  expect.soft(e, `[${category}] ${String(e)}\n${String((e as Error)?.stack).split('\n').slice(0, 4).join('\n')}`).toBeInstanceOf(wg.WasmgradError);
  expect.soft(e, `[${category}] ${e?.name}: ${e?.message}`).toBeInstanceOf(cls);
  const msg = squash(String(e?.message));
  for (const p of parts) {
    if (p instanceof RegExp) expect.soft(String(e?.message), `[${category}] message`).toMatch(p);
    else expect.soft(msg, `[${category}] message: ${e?.message}`).toContain(squash(String(p)));
  }
  const after = wg.memory();
  expect.soft(after.tensors, `[${category}] tensors left behind by: ${e?.message}`).toBe(before.tensors);
  expect.soft(after.bytes, `[${category}] bytes left behind by: ${e?.message}`).toBe(before.bytes);
  stillWorks();
  return e;
}

/** Calls fn and accepts either a normal return or a WasmgradError (never any other throw). */
function survives(category: string, fn: () => unknown): unknown {
  tried++;
  perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
  try {
    return fn();
  } catch (e) {
    expect(e, `[${category}] ${String(e)}`).toBeInstanceOf(wg.WasmgradError);
    return e;
  } finally {
    stillWorks();
  }
}

afterAll(() => {
  console.log(`[hostile inputs] ${tried} bad inputs tried: ${JSON.stringify(Object.fromEntries(perCategory))}`);
});

beforeAll(async () => {
  await wg.init();
});

// ---- per backend × dtype ------------------------------------------------------------------------

describe.each([
  { backend: 'wasm', dtype: 'float32' }, { backend: 'wasm', dtype: 'float64' },
  { backend: 'js', dtype: 'float32' }, { backend: 'js', dtype: 'float64' },
] as const)('hostile inputs [$backend/$dtype]', ({ backend, dtype }) => {
  const other = backend === 'wasm' ? 'js' : 'wasm';
  const otherDtype = dtype === 'float32' ? 'float64' : 'float32';
  const T = (data: any, opts: any = {}) => wg.tensor(data, { dtype, ...opts });

  beforeAll(() => {
    wg.setBackend(backend);
  });

  it('ragged or non-numeric data in tensor()', () => {
    wg.setBackend(backend);
    const cases: [unknown, (string | RegExp)[]][] = [
      ['abc', ['tensor', 'string']],
      [null, ['tensor', 'null']],
      [undefined, ['tensor', 'undefined']],
      [true, ['tensor', 'boolean']],
      [{ x: 1 }, ['tensor', 'object']],
      [Symbol('s'), ['tensor', 'symbol']],
      [() => 1, ['tensor', 'function']],
      [5n, ['tensor', /bigint/i]],
      [new Map(), ['tensor']],
      [new DataView(new ArrayBuffer(8)), ['tensor', 'DataView']],
      [BigInt64Array.from([1n, 2n]), ['tensor', /bigint/i]],
      [BigUint64Array.from([1n]), ['tensor', /bigint/i]],
      [[1, 'oops'], ['tensor', 'oops', '[1]']],
      [['1', 2], ['tensor', '"1"', '[0]']],
      [[1, null], ['tensor', 'null', '[1]']],
      [[1, undefined], ['tensor', 'undefined', '[1]']],
      [[undefined], ['tensor', 'undefined']],
      [[true, false], ['tensor', 'true']],
      [[1, 2n], ['tensor', /bigint|2n|2/i]],
      [[{}, 1], ['tensor', '{}']],
      [[1, [2]], ['tensor', '[2]']],
      [[[1, 2], 3], ['tensor', '3']],
      [[[1, 2], [3]], ['tensor', 'ragged', '[1]']],
      [[[1], [2, 3]], ['tensor', 'ragged', '[1]']],
      [[[[1, 2], [3, 4]], [[5, 6], [7]]], ['tensor', 'ragged', '[1][1]']],
      [[[[1], [2]], [[3], [4, 5]]], ['tensor', 'ragged', '[1][1]']],
      [[[[1, 2], [3, 4]], [[5, 6]]], ['tensor', 'ragged', '[1]']],
      [[[[1, 2], [3, 4]], [[5, 6], [7, 'x']]], ['tensor', '"x"', '[1][1][1]']],
      [[[[1, 2], [3, 4]], [[5, 6], 7]], ['tensor', 'ragged', '[1][1]']],
      [[[], [1]], ['tensor', 'ragged']],
      [[[1], []], ['tensor', 'ragged']],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3], ['tensor', 'undefined', '[1]']],
      [[new Float32Array([1, 2]), new Float32Array([3, 4])], ['tensor']],
      [[[1, 2], new Float32Array([3, 4])], ['tensor']],
      [(() => { const c: any[] = [1]; c.push(c); return c; })(), ['tensor', '[1]']],
      [[[1, 2], [3, Symbol('s')]], ['tensor', 'Symbol(s)', '[1][1]']],
    ];
    for (const [data, parts] of cases) {
      bad('non-numeric or ragged data', () => wg.tensor(data as any, { dtype }), wg.WasmgradError, parts);
    }
    // the same data through opts.shape, and data that does not fit opts.shape
    bad('non-numeric or ragged data', () => wg.tensor([1, 'x'] as any, { dtype, shape: [2] }), wg.WasmgradError, ['tensor', 'x']);
    bad('non-numeric or ragged data', () => wg.tensor([1, 2, 3], { dtype, shape: [2, 2] }), wg.ShapeError, ['tensor', '3', '[2,2]']);
    bad('non-numeric or ragged data', () => wg.tensor(new Float32Array(5), { dtype, shape: [2, 3] }), wg.ShapeError, ['tensor', '5', '[2,3]']);
    bad('non-numeric or ragged data', () => wg.tensor([[1, 2], [3, 4]], { dtype, shape: [3] }), wg.ShapeError, ['tensor', '4', '[3]']);
    bad('non-numeric or ragged data', () => wg.tensor(7, { dtype, shape: [2] }), wg.ShapeError, ['tensor', '[2]']);
    // non-numeric fill values and data options
    for (const v of ['1', null, undefined, true, 1n, [1], {}]) {
      bad('non-numeric or ragged data', () => wg.full([2], v as any, { dtype }), wg.WasmgradError, ['full', typeof v]);
    }
    bad('non-numeric or ragged data', () => wg.tensor([1], { dtype: 'int64' as any }), wg.DTypeError, ['tensor', 'int64']);
    bad('non-numeric or ragged data', () => wg.zeros([1], { dtype: 'float16' as any }), wg.DTypeError, ['zeros', 'float16']);
    bad('non-numeric or ragged data', () => wg.randn([1], { dtype: 7 as any }), wg.DTypeError, ['randn', '7']);
  });

  it('very deeply nested data is an error, not a stack overflow', () => {
    wg.setBackend(backend);
    let deep: any = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    survives('deep nesting', () => {
      const t = wg.tensor(deep, { dtype });
      t.dispose();
    });
    // a 64-dim tensor of ones works end to end
    let d64: any = 2;
    for (let i = 0; i < 64; i++) d64 = [d64];
    const t = wg.tensor(d64, { dtype, requiresGrad: true });
    const y = t.mul(t).sum();
    y.backward();
    expect(y.item()).toBe(4);
    expect(t.grad!.shape).toHaveLength(64);
    wg.dispose([t, y]);
  });

  it('NaN, Infinity, negative or fractional dimensions in every creation function and reshape', () => {
    wg.setBackend(backend);
    const dims: [unknown, string][] = [
      [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [-1, '-1'], [-3, '-3'], [1.5, '1.5'],
      [0.1, '0.1'], [2 ** 53 + 2, '9007199254740994'], ['2', '2'], [null, 'null'], [undefined, 'undefined'], [true, 'true'], [2n, '2'],
    ];
    const makers: [string, (shape: any) => unknown][] = [
      ['zeros', (s) => wg.zeros(s, { dtype })],
      ['ones', (s) => wg.ones(s, { dtype })],
      ['full', (s) => wg.full(s, 3, { dtype })],
      ['randn', (s) => wg.randn(s, { dtype })],
      ['rand', (s) => wg.rand(s, { dtype })],
      ['tensor', (s) => wg.tensor([1, 2, 3, 4, 5, 6], { dtype, shape: s })],
    ];
    for (const [name, make] of makers) {
      for (const [d, text] of dims) {
        bad('bad dimensions', () => make([2, d]), wg.ShapeError, [name, text]);
        bad('bad dimensions', () => make([d]), wg.ShapeError, [name, text]);
      }
      // not a shape at all
      for (const s of ['abc', null, { length: 2 }, NaN, -2, 1.5]) {
        bad('bad dimensions', () => make(s), wg.ShapeError, [name]);
      }
      // more elements than the library supports
      bad('bad dimensions', () => make([2 ** 16, 2 ** 16]), wg.ShapeError, [name, '4294967296']);
      bad('bad dimensions', () => make([2 ** 31]), wg.ShapeError, [name, '2147483648']);
    }
    for (const [d, text] of dims) {
      if (typeof d === 'number' || typeof d === 'bigint') {
        bad('bad dimensions', () => wg.eye(d as any, { dtype }), wg.WasmgradError, ['eye', text]);
      }
    }
    for (const args of [[NaN], [Infinity], [-Infinity], [0, Infinity], [0, NaN], [0, 5, 0], [0, 5, NaN], ['5'], [0, 2, Infinity]] as any[]) {
      bad('bad dimensions', () => (wg.arange as any)(...args, { dtype }), wg.WasmgradError, ['arange']);
    }
    const a = T([[1, 2, 3], [4, 5, 6]]);
    for (const [d, text] of dims) {
      if (d === -1) continue; // one -1 is allowed in reshape (inferred)
      bad('bad dimensions', () => a.reshape([d as any, 3]), wg.ShapeError, ['reshape', text]);
      bad('bad dimensions', () => wg.reshape(a, [3, d as any]), wg.ShapeError, ['reshape', text]);
    }
    bad('bad dimensions', () => a.reshape('6' as any), wg.ShapeError, ['reshape']);
    bad('bad dimensions', () => a.reshape(null as any), wg.ShapeError, ['reshape']);
    bad('bad dimensions', () => a.reshape([-1, -1]), wg.ShapeError, ['reshape', '[-1,-1]']);
    bad('bad dimensions', () => a.reshape([0, -1]), wg.ShapeError, ['reshape', '[0,-1]']);
    bad('bad dimensions', () => a.reshape([-2, -3]), wg.ShapeError, ['reshape', '-2']);
    a.dispose();
  });

  it('mismatched shapes in every binary op, matmul, mseLoss and reshape', () => {
    wg.setBackend(backend);
    const pairs: [number[], number[]][] = [
      [[2, 3], [4]], [[2, 3], [3, 2]], [[2, 3, 4], [3, 3, 1]], [[0], [2]], [[2, 0], [3, 1]], [[5], [4, 1, 3]], [[1, 2, 3], [2, 2, 2]],
    ];
    for (const op of BINARY) {
      for (const [sa, sb] of pairs) {
        const a = wg.zeros(sa, { dtype });
        const b = wg.ones(sb, { dtype });
        const A = `[${sa}]`, B = `[${sb}]`;
        bad('shape mismatch', () => (a as any)[op](b), wg.ShapeError, [op, A, B]);
        bad('shape mismatch', () => (wg as any)[op](a, b), wg.ShapeError, [op, A, B]);
        bad('shape mismatch', () => (wg as any)[op](b, a), wg.ShapeError, [op, A, B]);
        wg.dispose([a, b]);
      }
    }
    const mm: [number[], number[]][] = [
      [[2, 3], [4, 5]], [[3], [4]], [[2, 3, 4], [5, 2]], [[2, 3, 4], [3, 4, 5]], [[4], [3, 5]], [[2, 3], [2]], [[2, 2, 3, 4], [3, 4, 2]], [[0, 3], [2, 0]],
    ];
    for (const [sa, sb] of mm) {
      const a = wg.zeros(sa, { dtype });
      const b = wg.ones(sb, { dtype });
      bad('shape mismatch', () => a.matmul(b), wg.ShapeError, ['matmul', `[${sa}]`, `[${sb}]`]);
      bad('shape mismatch', () => wg.matmul(a, b), wg.ShapeError, ['matmul', `[${sa}]`, `[${sb}]`]);
      wg.dispose([a, b]);
    }
    const s = T(2);
    const v = T([1, 2]);
    bad('shape mismatch', () => s.matmul(v), wg.ShapeError, ['matmul', '[]']);
    bad('shape mismatch', () => v.matmul(s), wg.ShapeError, ['matmul', '[]']);
    bad('shape mismatch', () => s.matmul(s), wg.ShapeError, ['matmul', '[]']);
    // mseLoss: the target must broadcast to the prediction
    for (const [sa, sb] of [[[3], [4]], [[2, 3], [3, 2]], [[2, 3], [4, 1, 2]]] as [number[], number[]][]) {
      const p = wg.zeros(sa, { dtype });
      const q = wg.zeros(sb, { dtype });
      bad('shape mismatch', () => p.mseLoss(q), wg.ShapeError, ['mseLoss', `[${sa}]`, `[${sb}]`]);
      wg.dispose([p, q]);
    }
    const r = wg.zeros([2, 3], { dtype });
    for (const target of [[4, 2], [7], [2, 2], [1], [], [6, 2], [2, 3, 2]]) {
      bad('shape mismatch', () => r.reshape(target), wg.ShapeError, ['reshape', '[2,3]', `[${target}]`]);
    }
    bad('shape mismatch', () => r.reshape([4, -1]), wg.ShapeError, ['reshape', '[2,3]', '[4,-1]']);
    const five = T(5);
    bad('shape mismatch', () => five.reshape([2]), wg.ShapeError, ['reshape', '[]', '[2]']);
    wg.dispose([s, v, r, five]);
  });

  it('non-tensor operands', () => {
    wg.setBackend(backend);
    const a = T([1, 2]);
    for (const op of BINARY) {
      for (const v of ['1', null, undefined, [1, 2], { x: 1 }, true, 1n]) {
        bad('non-tensor operand', () => (a as any)[op](v), wg.WasmgradError, [op]);
        bad('non-tensor operand', () => (wg as any)[op](v, a), wg.WasmgradError, [op]);
      }
      bad('non-tensor operand', () => (wg as any)[op]('a', 'b'), wg.WasmgradError, [op]);
    }
    for (const op of UNARY) {
      for (const v of ['1', null, undefined, [1, 2], {}]) {
        bad('non-tensor operand', () => (wg as any)[op](v), wg.WasmgradError, [op]);
      }
    }
    for (const v of [3, '1', null, [1, 2], {}]) {
      bad('non-tensor operand', () => a.matmul(v as any), wg.WasmgradError, ['matmul']);
      bad('non-tensor operand', () => wg.matmul(v as any, a), wg.WasmgradError, ['matmul']);
    }
    for (const op of ['sum', 'mean', 'max', 'softmax', 'logSoftmax', 'transpose', 'reshape'] as const) {
      bad('non-tensor operand', () => (wg as any)[op]([1, 2]), wg.WasmgradError, [op]);
    }
    bad('non-tensor operand', () => wg.crossEntropy([[1, 2]] as any, [0]), wg.WasmgradError, ['crossEntropy']);
    bad('non-tensor operand', () => wg.mseLoss('x' as any, a), wg.WasmgradError, ['mseLoss']);
    a.dispose();
  });

  it('axes out of range for sum, mean, max, softmax, logSoftmax and transpose', () => {
    wg.setBackend(backend);
    const a = wg.zeros([2, 3], { dtype });
    const z = T(1);
    for (const op of ['sum', 'mean', 'max'] as const) {
      for (const [axis, text] of [[2, '2'], [-3, '-3'], [5, '5'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['0', '0'], [null, 'null']] as [any, string][]) {
        if (axis === null) continue; // null means "all axes", as undefined
        bad('axis out of range', () => a[op](axis), wg.ShapeError, [op, text, '[2,3]']);
        bad('axis out of range', () => (wg as any)[op](a, [0, axis]), wg.ShapeError, [op, text]);
      }
      bad('axis out of range', () => a[op]([0, 0]), wg.ShapeError, [op, '0']);
      bad('axis out of range', () => a[op]([1, -1]), wg.ShapeError, [op, '-1']);
      bad('axis out of range', () => z[op](0), wg.ShapeError, [op, '0', '[]']);
      bad('axis out of range', () => z[op](-1), wg.ShapeError, [op, '-1', '[]']);
    }
    for (const op of ['softmax', 'logSoftmax'] as const) {
      for (const [axis, text] of [[2, '2'], [-3, '-3'], [1.5, '1.5'], [NaN, 'NaN'], [-Infinity, '-Infinity'], ['1', '1'], [[0], '0']] as [any, string][]) {
        bad('axis out of range', () => a[op](axis), wg.ShapeError, [op, text, '[2,3]']);
        bad('axis out of range', () => (wg as any)[op](a, axis), wg.ShapeError, [op, text]);
      }
      bad('axis out of range', () => z[op](), wg.ShapeError, [op, '[]']);
    }
    const b = wg.zeros([2, 5, 4], { dtype });
    for (const [axes, text] of [[[0, 1, 3], '3'], [[0, 0, 1], '[0,0,1]'], [[1, 0], '[1,0]'], [[0, 1, 2, 3], '[0,1,2,3]'],
      [[0, 1, NaN], 'NaN'], [[0, 1, 1.5], '1.5'], [[0, 1, -4], '-4'], [[], '[]'], [[0, 1, '2'], '2'], [[0, 1, 2n], '2'],
      [[0, 1, null], 'null'], [[0, 1, Infinity], 'Infinity']] as [any, string][]) {
      bad('axis out of range', () => b.transpose(axes), wg.ShapeError, ['transpose', text]);
      bad('axis out of range', () => wg.transpose(b, axes), wg.ShapeError, ['transpose', text]);
    }
    bad('axis out of range', () => b.transpose('abc' as any), wg.ShapeError, ['transpose']);
    wg.dispose([a, z, b]);
  });

  it('crossEntropy labels out of range, fractional, negative, NaN or of the wrong count', () => {
    wg.setBackend(backend);
    const logits = wg.zeros([3, 4], { dtype, requiresGrad: true });
    for (const [labels, text] of [
      [[0, 1, 4], '4'], [[0, 1, 100], '100'], [[-1, 0, 0], '-1'], [[0, 0.5, 1], '0.5'], [[NaN, 0, 1], 'NaN'],
      [[0, Infinity, 1], 'Infinity'], [[0, 1, -Infinity], '-Infinity'], [[0, '1', 2], '1'], [[0, null, 2], 'null'],
      [[0, undefined, 2], 'undefined'], [[0, [1], 2], '1'], [[0, 1n, 2], '1'], [[0, true, 1], 'true'],
      [Float32Array.from([0, 1.25, 2]), '1.25'], [Float64Array.from([0, 1, -2]), '-2'], [Int32Array.from([0, 4, 1]), '4'],
      [[2 ** 31, 0, 0], '2147483648'], [[-0.5, 0, 0], '-0.5'],
    ] as [any, string][]) {
      bad('bad labels', () => logits.crossEntropy(labels), wg.WasmgradError, ['crossEntropy', text]);
    }
    for (const labels of [[0, 1], [0, 1, 2, 3], [], Int32Array.from([1]), new Array(300).fill(0)]) {
      bad('bad labels', () => wg.crossEntropy(logits, labels), wg.ShapeError, ['crossEntropy', String(labels.length), '[3,4]']);
    }
    for (const labels of [null, undefined, 3, 'abc', { length: 'x' }, logits]) {
      bad('bad labels', () => logits.crossEntropy(labels as any), wg.WasmgradError, ['crossEntropy']);
    }
    // logits that are not [N, C]
    for (const shape of [[4], [], [2, 3, 4], [1, 1, 2, 2]]) { // [N, C, d…] takes N·d… labels, not 1
      const l = wg.zeros(shape, { dtype });
      bad('bad labels', () => l.crossEntropy([0]), wg.ShapeError, ['crossEntropy', `[${shape}]`]);
      l.dispose();
    }
    // N × 0 classes: no label can be valid
    const empty = wg.zeros([2, 0], { dtype });
    bad('bad labels', () => empty.crossEntropy([0, 0]), wg.WasmgradError, ['crossEntropy', '0']);
    expect(logits.grad).toBeNull();
    wg.dispose([logits, empty]);
  });

  it('mixed dtypes or backends in every binary op, matmul and mseLoss', () => {
    wg.setBackend(backend);
    const a = wg.ones([2, 2], { dtype });
    const d = wg.ones([2, 2], { dtype: otherDtype });
    const o = wg.ones([2, 2], { dtype }).to(other);
    for (const op of [...BINARY, 'matmul', 'mseLoss']) {
      bad('mixed dtypes', () => (a as any)[op](d), wg.DTypeError, [op, 'float32', 'float64']);
      bad('mixed dtypes', () => (wg as any)[op](d, a), wg.DTypeError, [op, 'float32', 'float64']);
      bad('mixed backends', () => (a as any)[op](o), wg.BackendError, [op, 'wasm', 'js']);
      bad('mixed backends', () => (wg as any)[op](o, a), wg.BackendError, [op, 'wasm', 'js']);
    }
    // a seed of the wrong dtype / backend
    const x = wg.ones([2, 2], { dtype, requiresGrad: true });
    const y = x.mul(2);
    const seedDtype = wg.ones([2, 2], { dtype: otherDtype });
    bad('mixed dtypes', () => y.backward(seedDtype), wg.DTypeError, ['backward', 'float32', 'float64']);
    const seedOther = wg.ones([2, 2], { dtype }).to(other);
    bad('mixed backends', () => y.backward(seedOther), wg.WasmgradError, ['backward', 'wasm', 'js']);
    expect(x.grad).toBeNull();
    wg.dispose([a, d, o, x, y, seedDtype, seedOther]);
  });

  it('use after dispose: every method and free function', () => {
    wg.setBackend(backend);
    const dead = T([[1, 2], [3, 4]], { requiresGrad: true });
    const live = T([[1, 2], [3, 4]]);
    dead.dispose();
    expect(dead.isDisposed).toBe(true);
    const calls: [string, () => unknown][] = [
      ['data', () => dead.data()],
      ['toArray', () => dead.toArray()],
      ['item', () => dead.item()],
      ['backward', () => dead.backward()],
      ['detach', () => dead.detach()],
      ['astype', () => dead.astype(otherDtype)],
      ['to', () => dead.to(other)],
      ...BINARY.flatMap((op): [string, () => unknown][] => [
        [op, () => (dead as any)[op](live)],
        [op, () => (live as any)[op](dead)],
        [op, () => (dead as any)[op](2)],
        [op, () => (wg as any)[op](2, dead)],
        [op, () => (wg as any)[op](dead, live)],
      ]),
      ...UNARY.flatMap((op): [string, () => unknown][] => [[op, () => (dead as any)[op]()], [op, () => (wg as any)[op](dead)]]),
      ...(['sum', 'mean', 'max'] as const).flatMap((op): [string, () => unknown][] => [
        [op, () => dead[op]()], [op, () => dead[op](0, true)], [op, () => (wg as any)[op](dead, 1)]]),
      ['reshape', () => dead.reshape([4])],
      ['reshape', () => wg.reshape(dead, [-1])],
      ['transpose', () => dead.transpose()],
      ['transpose', () => wg.transpose(dead, [1, 0])],
      ['matmul', () => dead.matmul(live)],
      ['matmul', () => live.matmul(dead)],
      ['matmul', () => wg.matmul(dead, dead)],
      ['softmax', () => dead.softmax()],
      ['logSoftmax', () => wg.logSoftmax(dead, 0)],
      ['crossEntropy', () => dead.crossEntropy([0, 1])],
      ['crossEntropy', () => wg.crossEntropy(dead, [0, 1])],
      ['mseLoss', () => dead.mseLoss(live)],
      ['mseLoss', () => live.mseLoss(dead)],
      ['mseLoss', () => wg.mseLoss(dead, 1)],
      ['astype', () => wg.astype(dead, dtype)],
      ['to', () => wg.to(dead, backend)],
      ['broadcastTo', () => wg.broadcastTo(dead, [3, 2, 2])],
    ];
    for (const [op, call] of calls) {
      bad('use after dispose', call, wg.DisposedError, [op, 'dispos']);
    }
    // a disposed tensor as a backward seed
    const x = T([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const seed = T([1, 1]);
    seed.dispose();
    bad('use after dispose', () => y.backward(seed), wg.DisposedError, ['backward', 'dispos']);
    expect(x.grad).toBeNull();
    // harmless on a disposed tensor: dispose again, toString, reading shape metadata
    survives('use after dispose', () => dead.dispose());
    survives('use after dispose', () => dead[Symbol.dispose]());
    survives('use after dispose', () => dead.zeroGrad());
    survives('use after dispose', () => dead.retainGrad());
    survives('use after dispose', () => { dead.requiresGrad = false; });
    survives('use after dispose', () => wg.dispose([dead, dead]));
    expect(dead.toString()).toMatch(/disposed/);
    expect(dead.shape).toEqual([2, 2]);
    wg.dispose([live, x, y]);
  });

  it('a graph whose input was disposed: backward either works or raises a DisposedError', () => {
    wg.setBackend(backend);
    const x = T([0.5, -1, 2], { requiresGrad: true });
    const w = T([1.5, 2, -0.5], { requiresGrad: true });
    const h = x.mul(w);           // saves x and w
    const y = h.exp().sum();      // saves exp(h)
    w.dispose();
    h.dispose();
    const r = survives('disposed graph member', () => y.backward());
    if (!(r instanceof Error)) {
      // if it worked, the gradient is right: d/dx sum(exp(x*w)) = w * exp(x*w)
      const g = x.grad!.toArray() as number[];
      [1.5, 2, -0.5].forEach((wv, i) => expect(g[i]).toBeCloseTo(wv * Math.exp([0.5, -1, 2][i] * wv), 4));
    } else {
      expect(r).toBeInstanceOf(wg.DisposedError);
    }
    wg.dispose([x, y]);
  });

  it('optimizers with disposed parameters or gradients', () => {
    wg.setBackend(backend);
    for (const make of [
      (ps: Tensor[]) => new wg.optim.SGD(ps, { lr: 0.1 }),
      (ps: Tensor[]) => new wg.optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
      (ps: Tensor[]) => new wg.optim.Adam(ps, { lr: 0.1 }),
      (ps: Tensor[]) => new wg.optim.AdamW(ps, { lr: 0.1 }),
    ]) {
      const p = T([1, 2, 3], { requiresGrad: true });
      const q = T([4, 5], { requiresGrad: true });
      const opt = make([q, p]);
      const name = opt.name;
      p.mul(p).sum().add(q.sum()).backward();
      const qBefore = q.toArray();
      const qGrad = q.grad!.toArray();
      p.dispose();
      bad('disposed parameter', () => opt.step(), wg.DisposedError, [name, 'step', 'parameter 1', '[3]', 'dispos']);
      // nothing was updated: q (checked before p) is untouched, its gradient intact
      expect(q.toArray()).toEqual(qBefore);
      expect(q.grad!.toArray()).toEqual(qGrad);
      expect(opt.getState(q)).toBeNull();
      // a disposed gradient
      const r = T([1, 1], { requiresGrad: true });
      const opt2 = make([r]);
      r.mul(2).sum().backward();
      r.grad!.dispose();
      bad('disposed parameter', () => opt2.step(), wg.DisposedError, [name, 'gradient', 'dispos']);
      expect(r.toArray()).toEqual([1, 1]);
      // a disposed parameter given to the constructor, and a disposed optimizer
      bad('disposed parameter', () => make([q, p]), wg.DisposedError, [name, 'parameter 1', 'dispos']);
      opt2.dispose();
      bad('disposed parameter', () => opt2.step(), wg.DisposedError, [name, 'dispos']);
      opt.dispose();
      wg.dispose([q, r]);
    }
  });

  it('backward without a seed on a non-scalar, with bad seeds, or without requiresGrad', () => {
    wg.setBackend(backend);
    const x = T([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.mul(2);
    bad('bad backward', () => y.backward(), wg.ShapeError, ['backward', 'seed', '[2,3]']);
    bad('bad backward', () => y.backward({ retainGraph: true }), wg.ShapeError, ['backward', 'seed', '[2,3]']);
    const seed2 = T([1, 2]);
    bad('bad backward', () => y.backward(seed2), wg.ShapeError, ['backward', '[2,3]', '[2]']);
    bad('bad backward', () => y.backward([[1, 2], [3, 4]]), wg.ShapeError, ['backward', '[2,3]', '[2,2]']);
    bad('bad backward', () => y.backward([[1, 2, 3], [4, 5]]), wg.WasmgradError, ['ragged']);
    bad('bad backward', () => y.backward([[1, 2, 3], [4, 5, 'x']] as any), wg.WasmgradError, ['x']);
    bad('bad backward', () => y.backward('abc' as any), wg.WasmgradError, ['backward']);
    bad('bad backward', () => y.backward(2), wg.ShapeError, ['backward', '[2,3]']);
    const c = T([1, 2]);
    const cs = c.sum();
    bad('bad backward', () => cs.backward(), wg.WasmgradError, ['backward', 'requir']);
    const n = wg.noGrad(() => x.mul(3).sum());
    bad('bad backward', () => n.backward(), wg.WasmgradError, ['backward', 'requir']);
    expect(x.grad).toBeNull();
    wg.dispose([x, y, c, cs, n, seed2]);
  });

  it('a second backward through a released graph names retainGraph', () => {
    wg.setBackend(backend);
    const x = T([1, 2, 3], { requiresGrad: true });
    const y = x.exp();
    const s = y.sum();
    s.backward();
    const g1 = x.grad!.toArray();
    bad('released graph', () => s.backward(), wg.WasmgradError, ['backward', 'retainGraph']);
    // another root over the released part of the graph
    const m = y.mean();
    bad('released graph', () => m.backward(), wg.WasmgradError, ['retainGraph']);
    // the gradient was not touched by the failed passes
    expect(x.grad!.toArray()).toEqual(g1);
    // retainGraph: a second pass works, a third without it works, a fourth does not
    const z = x.tanh().sum();
    z.backward({ retainGraph: true });
    z.backward();
    bad('released graph', () => z.backward(), wg.WasmgradError, ['retainGraph']);
    wg.dispose([x, y, s, m, z]);
  });
});

// ---- memory exhaustion (wasm) ----------------------------------------------------------------------

describe('wasm memory exhaustion', () => {
  beforeAll(() => {
    wg.setBackend('wasm');
  });

  it('allocations larger than wasm32 memory give a clear error naming the op, and the library keeps working', () => {
    wg.setBackend('wasm');
    const cases: [string, () => unknown, string[]][] = [
      ['zeros', () => wg.zeros([2 ** 30], { dtype: 'float64' }), ['zeros', '1073741824', 'float64']],
      ['ones', () => wg.ones([2 ** 29], { dtype: 'float64' }), ['ones', '536870912', 'float64']],
      ['full', () => wg.full([2 ** 15, 2 ** 15], 1, { dtype: 'float32' }), ['full', '1073741824']],
      ['randn', () => wg.randn([2 ** 30], { dtype: 'float32' }), ['randn', '1073741824']],
      ['rand', () => wg.rand([3, 2 ** 29], { dtype: 'float32' }), ['rand']],
      ['eye', () => wg.eye(40_000, { dtype: 'float32' }), ['eye', '1600000000']],
    ];
    for (const [, fn, parts] of cases) bad('out of memory', fn, wg.WasmgradError, parts);
  });

  it('a sequence of big allocations until failure: a clear error, then everything works again', () => {
    wg.setBackend('wasm');
    const base = wg.memory();
    const blocks: Tensor[] = [];
    const chunk = 2 ** 26; // 256 MiB of float32
    let err: unknown = null;
    for (let i = 0; i < 32 && err === null; i++) {
      try {
        blocks.push(wg.full([chunk], i + 1));
      } catch (e) {
        err = e;
      }
    }
    tried++;
    perCategory.set('out of memory', (perCategory.get('out of memory') ?? 0) + 1);
    expect(err, 'wasm32 memory (4 GiB) must run out within 32 × 256 MiB').not.toBeNull();
    expect(err).toBeInstanceOf(wg.WasmgradError);
    expect.soft((err as Error).message, 'the message names the op').toMatch(/full/);
    expect.soft((err as Error).message, 'the message gives the size').toMatch(/268435456|67108864/); // bytes or elements
    // Blocks of 16 MiB and more are whole pages of linear memory (assembly/mem.ts), so all but the
    // last 256 MiB of the 4 GiB are reached; the message states that limit and what is in use.
    expect.soft(blocks.length, 'wasm32 memory filled up to its 4 GiB limit').toBeGreaterThanOrEqual(15);
    expect.soft((err as Error).message, 'the message states the limit and the use').toMatch(/at most 4096 MiB \(4 GiB\); in use: \d+ MiB/);
    console.log(`[hostile inputs] wasm heap exhausted after ${blocks.length} × 256 MiB (${wg.memory().wasmBytes} bytes of linear memory): ${(err as Error).message}`);
    expect(wg.memory().tensors).toBe(base.tensors + blocks.length);
    // ops whose output cannot be allocated fail cleanly too
    const square = blocks[0].reshape([2 ** 13, 2 ** 13]);
    const live = wg.memory().tensors;
    for (const [op, fn] of [['exp', () => blocks[0].exp()], ['transpose', () => square.transpose()],
      ['maximum', () => wg.maximum(blocks[0], blocks[1])], ['matmul', () => square.matmul(square)],
      ['softmax', () => square.softmax()],
      // a plain number operand becomes a 0-d tensor before the output is allocated
      ['mul', () => blocks[0].mul(2)], ['sub', () => wg.sub(1, blocks[0])]] as [string, () => unknown][]) {
      bad('out of memory', fn, wg.WasmgradError, [op]);
    }
    expect.soft(wg.memory().tensors, 'failed ops left tensors behind').toBe(live);
    square.dispose();
    // the blocks hold what was written
    wg.tidy(() => {
      expect(blocks[0].max().item()).toBe(1);
      expect(blocks[blocks.length - 1].reshape([2 ** 13, 2 ** 13]).sum(1).max().item()).toBe(blocks.length * 2 ** 13);
    });
    wg.dispose(blocks);
    expect.soft(wg.memory().tensors, 'everything freed').toBe(base.tensors);
    expect.soft(wg.memory().bytes, 'everything freed').toBe(base.bytes);
    // freed memory is reusable: big allocations and correct arithmetic afterwards
    const leaked = wg.memory().tensors - base.tensors; // what the failed ops above left (reported above)
    wg.tidy(() => {
      const again = wg.full([chunk], 2);
      expect(again.sum().item()).toBe(2 * chunk);
      const a = wg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
      const y = a.matmul(a).sum();
      y.backward();
      expect(y.item()).toBe(54);
      expect(a.grad!.toArray()).toEqual([[7, 11], [9, 13]]);
    });
    expect(wg.memory().tensors).toBe(base.tensors + leaked);
  }, 120_000);
});

// ---- concurrent init ---------------------------------------------------------------------------------

describe('init() called concurrently', () => {
  it('resolves, loads one module, and works afterwards', async () => {
    vi.resetModules();
    const spy = vi.spyOn(WebAssembly, 'instantiate');
    try {
      const fresh = await import('../src/index.js');
      const runtime = await import('../src/runtime.js');
      await Promise.all([fresh.init(), fresh.init(), fresh.init({ backend: 'js' }), fresh.init(), fresh.init({ backend: 'wasm' })]);
      expect(spy).toHaveBeenCalledTimes(1);
      const wasm1 = runtime.backendFor('wasm', 'test');
      await fresh.init();
      await Promise.all([fresh.init(), fresh.init({ backend: 'js' })]);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(runtime.backendFor('wasm', 'test')).toBe(wasm1);
      for (const b of ['wasm', 'js'] as const) {
        fresh.setBackend(b);
        const a = fresh.tensor([[1, 2], [3, 4]], { requiresGrad: true });
        const y = a.matmul(a).sum();
        y.backward();
        expect(y.item()).toBe(54);
        expect(a.grad!.toArray()).toEqual([[7, 11], [9, 13]]);
        fresh.dispose([a, y]);
      }
      // a bad name among concurrent calls rejects alone
      tried++;
      perCategory.set('concurrent init', (perCategory.get('concurrent init') ?? 0) + 1);
      const results = await Promise.allSettled([fresh.init(), fresh.init({ backend: 'gpu' as any }), fresh.init({ backend: 'js' })]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const reason = (results[1] as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(fresh.BackendError);
      expect(String(reason.message)).toContain('gpu');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      vi.resetModules();
    }
  });
});
