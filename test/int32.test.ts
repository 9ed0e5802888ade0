// int32 tensors (SPEC "Integer tensors"): creation with PyTorch's truncation, astype both ways,
// reading, printing, safetensors I32, crossEntropy labels, and every differentiable op rejecting
// int32 with a DTypeError naming the op — on both backends, with memory unchanged after each error.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

type T = wg.Tensor;

/** Runs fn, expects it to throw `cls` with a message matching every pattern, and memory() unchanged. */
function expectError(fn: () => unknown, cls: new (...a: never[]) => Error, ...patterns: (string | RegExp)[]): Error {
  const before = wg.memory();
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect(caught).toBeInstanceOf(wg.WasmgradError);
  for (const p of patterns) expect((caught as Error).message).toMatch(p);
  const after = wg.memory();
  expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({ tensors: before.tensors, bytes: before.bytes });
  return caught as Error;
}

const int = (data: number | unknown[], shape?: number[]): T => wg.tensor(data as number[], { dtype: 'int32', ...(shape ? { shape } : {}) });

describe.each(['wasm', 'js'] as const)('int32 tensors [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
  });

  describe('creation and reading', () => {
    it('tensor(data, { dtype: int32 }) reads back as an Int32Array, nested arrays and items', () => {
      const t = int([[1, -2, 3], [2147483647, -2147483648, 0]]);
      expect(t.dtype).toBe('int32');
      expect(t.backendName).toBe(backend);
      const d = t.data();
      expect(d).toBeInstanceOf(Int32Array);
      expect(Array.from(d)).toEqual([1, -2, 3, 2147483647, -2147483648, 0]);
      expect(t.toArray()).toEqual([[1, -2, 3], [2147483647, -2147483648, 0]]);
      expect(int(7).item()).toBe(7);
      expect(int([-5]).item()).toBe(-5);
      expect(int([1, 2, 3, 4], [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
    });

    it('non-integer values are truncated toward zero as torch.tensor(..., dtype=int32) does', () => {
      expect(Array.from(int([1.5, -1.5, 2.9, -2.9, 0.4, -0.4]).data())).toEqual([1, -1, 2, -2, 0, 0]);
      expect(Array.from(wg.tensor(new Float64Array([3.99, -3.99]), { dtype: 'int32' }).data())).toEqual([3, -3]);
      expect(wg.full([2], -2.7, { dtype: 'int32' }).toArray()).toEqual([-2, -2]);
    });

    it('NaN, Infinity and out-of-range values are an error naming tensor/full and the value', () => {
      expectError(() => int([1, NaN]), wg.WasmgradError, /^tensor:/, /NaN/, /int32/);
      expectError(() => int([Infinity]), wg.WasmgradError, /^tensor:/, /Infinity/);
      expectError(() => int([2147483648]), wg.WasmgradError, /^tensor:/, /2147483648/);
      expectError(() => int([-2147483649]), wg.WasmgradError, /^tensor:/, /-2147483649/);
      expectError(() => wg.full([2], NaN, { dtype: 'int32' }), wg.WasmgradError, /^full:/, /NaN/);
      expectError(() => wg.full([2], 3e9, { dtype: 'int32' }), wg.WasmgradError, /^full:/, /3000000000/);
      expectError(() => wg.arange(0, 4e9, 1e9, { dtype: 'int32' }), wg.WasmgradError, /^arange:/, /3000000000/);
    });

    it('an Int32Array without dtype stays float32 (the documented rule of tensor())', () => {
      const t = wg.tensor(new Int32Array([1, 2]));
      expect(t.dtype).toBe('float32');
      expect(t.data()).toBeInstanceOf(Float32Array);
    });

    it('zeros, ones, full, arange and eye make int32 tensors', () => {
      const z = wg.zeros([2, 2], { dtype: 'int32' });
      expect(z.dtype).toBe('int32');
      expect(z.toArray()).toEqual([[0, 0], [0, 0]]);
      expect(wg.ones([3], { dtype: 'int32' }).data()).toEqual(new Int32Array([1, 1, 1]));
      expect(wg.full([2], 7, { dtype: 'int32' }).data()).toEqual(new Int32Array([7, 7]));
      expect(wg.arange(5, { dtype: 'int32' }).data()).toEqual(new Int32Array([0, 1, 2, 3, 4]));
      expect(wg.arange(3, -3, -2, { dtype: 'int32' }).data()).toEqual(new Int32Array([3, 1, -1]));
      expect(wg.eye(2, { dtype: 'int32' }).data()).toEqual(new Int32Array([1, 0, 0, 1]));
    });

    it('randn and rand refuse int32 with a DTypeError naming them', () => {
      expectError(() => wg.randn([2], { dtype: 'int32' }), wg.DTypeError, /^randn:/, /int32/);
      expectError(() => wg.rand([2], { dtype: 'int32' }), wg.DTypeError, /^rand:/, /int32/);
    });

    it('an int32 tensor cannot require a gradient', () => {
      expectError(() => wg.tensor([1], { dtype: 'int32', requiresGrad: true }), wg.DTypeError, /^tensor:/, /int32/);
      expectError(() => wg.zeros([2], { dtype: 'int32', requiresGrad: true }), wg.DTypeError, /^zeros:/, /int32/);
      const t = int([1, 2]);
      expectError(() => { t.requiresGrad = true; }, wg.WasmgradError, /^requiresGrad:/, /int32/);
      expect(t.requiresGrad).toBe(false);
      t.requiresGrad = false; // allowed: nothing changes
    });

    it('memory() counts 4 bytes per int32 element', () => {
      const before = wg.memory();
      const t = wg.zeros([10], { dtype: 'int32' });
      expect(wg.memory().bytes - before.bytes).toBe(40);
      expect(wg.memory().tensors - before.tensors).toBe(1);
      t.dispose();
      expect(wg.memory().bytes).toBe(before.bytes);
    });

    it('prints as an integer tensor (1, not 1.) with dtype=int32', () => {
      expect(String(int([1, 2]))).toBe(`tensor([1, 2], shape=[2], dtype=int32, backend=${backend})`);
      expect(String(int([[1, -10], [100, 2]]))).toBe(
        `tensor([[  1, -10],\n        [100,   2]], shape=[2,2], dtype=int32, backend=${backend})`);
      expect(String(int(5))).toBe(`tensor(5, shape=[], dtype=int32, backend=${backend})`);
    });
  });

  describe.each(['float32', 'float64'] as const)('astype with %s', (dtype) => {
    it('float -> int32 truncates toward zero as PyTorch', () => {
      const x = wg.tensor([1.7, -1.7, 0.5, -0.5, 3, -0, 100.99], { dtype });
      const y = x.astype('int32');
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.data())).toEqual([1, -1, 0, 0, 3, 0, 100]);
      expect(wg.astype(wg.tensor([-2147483648, 2147483520], { dtype }), 'int32').toArray()).toEqual([-2147483648, 2147483520]);
    });

    it('float -> int32 of many elements (vector body and tail) matches Math.trunc', () => {
      const n = 1003;
      const vals = Array.from({ length: n }, (_, i) => (i - 500) * 0.37);
      const y = wg.tensor(vals, { dtype }).astype('int32');
      expect(Array.from(y.data())).toEqual(vals.map((v) => Math.trunc(dtype === 'float32' ? Math.fround(v) : v) | 0));
    });

    it('int32 -> float converts exactly (float32 rounds above 2^24)', () => {
      const vals = [0, 1, -7, 123456, -2147483648, 2147483647, 16777217];
      const y = int(vals).astype(dtype);
      expect(y.dtype).toBe(dtype);
      expect(Array.from(y.data())).toEqual(dtype === 'float64' ? vals : vals.map(Math.fround));
      const many = Array.from({ length: 1001 }, (_, i) => i * 3 - 1500);
      expect(Array.from(int(many).astype(dtype).data())).toEqual(many);
    });

    it('NaN, Infinity and out-of-range values are an error naming astype and the value', () => {
      const bad: [number, RegExp][] = [[NaN, /NaN/], [Infinity, /Infinity/], [-Infinity, /-Infinity/], [2147483648, /2147483648/], [-3e9, /3000000000/]];
      for (const [v, pat] of bad) {
        const x = wg.tensor([1, 2, v, 4], { dtype });
        expectError(() => x.astype('int32'), wg.WasmgradError, /^astype:/, pat, /index 2/);
        x.dispose();
      }
    });

    it('the int32 result of astype has no gradient; the float path keeps its gradient', () => {
      const x = wg.tensor([1.5, -2.5], { dtype, requiresGrad: true });
      const i = x.astype('int32');
      expect(i.requiresGrad).toBe(false);
      expect(i.isLeaf).toBe(true);
      const f = i.astype(dtype);
      expect(f.requiresGrad).toBe(false);
      expect(f.toArray()).toEqual([1, -2]);
      x.mul(i.astype(dtype)).sum().backward();
      expect(x.grad!.toArray()).toEqual([1, -2]);
    });
  });

  describe('copies and conversions', () => {
    it('to() copies an int32 tensor to the other backend', () => {
      const other = backend === 'wasm' ? 'js' : 'wasm';
      const t = int([3, -4, 5]).to(other);
      expect(t.backendName).toBe(other);
      expect(t.dtype).toBe('int32');
      expect(t.data()).toEqual(new Int32Array([3, -4, 5]));
    });

    it('reshape, transpose and broadcastTo move int32 elements exactly', () => {
      const t = int([[1, 2, 3], [4, 5, -2147483648]]);
      expect(t.reshape([3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, -2147483648]]);
      expect(t.transpose().toArray()).toEqual([[1, 4], [2, 5], [3, -2147483648]]);
      expect(wg.broadcastTo(int([7, -8]), [2, 2]).toArray()).toEqual([[7, -8], [7, -8]]);
    });

    it('saveTensors/loadTensors round-trip int32 as safetensors I32', () => {
      const idx = int([[0, -1], [2147483647, 5]]);
      const w = wg.tensor([1.5, 2.5]);
      const bytes = wg.saveTensors({ idx, w });
      const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
      expect(header.idx).toEqual({ dtype: 'I32', shape: [2, 2], data_offsets: [8, 24] });
      expect(header.w.data_offsets).toEqual([0, 8]); // F32 before I32, as Python's safetensors writes
      expect(new DataView(bytes.buffer, bytes.byteOffset + 8 + headerLen + 8 + 4).getInt32(0, true)).toBe(-1);
      const back = wg.loadTensors(bytes).tensors;
      const idx2 = back.get('idx')!;
      expect(idx2.dtype).toBe('int32');
      expect(idx2.toArray()).toEqual([[0, -1], [2147483647, 5]]);
      expect(back.get('w')!.dtype).toBe('float32');
    });
  });

  describe('crossEntropy labels', () => {
    it('accepts a 1-D int32 tensor of class indices, giving the same loss and gradient as an array', () => {
      const logits = wg.tensor([[1, 2, 0.5], [0.1, -1, 3]], { dtype: 'float64', requiresGrad: true });
      const a = wg.crossEntropy(logits, int([1, 2]));
      const b = wg.crossEntropy(logits, [1, 2]);
      expect(a.item()).toBeCloseTo(b.item(), 12);
      const expected = (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)) - 2
        + Math.log(Math.exp(0.1) + Math.exp(-1) + Math.exp(3)) - 3) / 2;
      expect(a.item()).toBeCloseTo(expected, 12);
      a.backward();
      const g = logits.grad!.toArray() as number[][];
      expect(g[0][1]).toBeLessThan(0);
      expect(g[1][2]).toBeLessThan(0);
      expect(logits.crossEntropy(int([1, 2])).item()).toBeCloseTo(expected, 12);
    });

    it('rejects a float labels tensor, a 2-D one and an out-of-range int32 label', () => {
      const logits = wg.tensor([[1, 2], [3, 4]]);
      const f = wg.tensor([0, 1]);
      expectError(() => wg.crossEntropy(logits, f), wg.DTypeError, /^crossEntropy:/, /float32/, /int32/);
      const two = int([[0], [1]]);
      expectError(() => wg.crossEntropy(logits, two), wg.ShapeError, /^crossEntropy:/, /\[2,1\]/);
      const out = int([0, 2]);
      expectError(() => wg.crossEntropy(logits, out), wg.WasmgradError, /^crossEntropy:/, /label 2/);
    });
  });

  describe('differentiable ops reject int32', () => {
    const unary = ['neg', 'exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'silu',
      'sum', 'mean', 'max', 'softmax', 'logSoftmax'] as const;
    const binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'matmul', 'mseLoss'] as const;

    it.each(unary)('%s on an int32 tensor is a DTypeError naming it', (op) => {
      const x = int([[1, 2], [3, 4]]);
      const fn = (wg as unknown as Record<string, (a: T, ...r: unknown[]) => T>)[op];
      const extra = op === 'softmax' || op === 'logSoftmax' ? [-1] : [];
      expectError(() => fn(x, ...extra), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
      const method = (x as unknown as Record<string, (...r: unknown[]) => T>)[op];
      expectError(() => method.call(x, ...extra), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
    });

    it.each(binary)('%s with an int32 operand is a DTypeError naming it', (op) => {
      const x = int([[1, 2], [3, 4]]);
      const y = int([[1, 0], [0, 1]]);
      const f = wg.tensor([[1, 0], [0, 1]]);
      const fn = (wg as unknown as Record<string, (a: T | number, b: T | number) => T>)[op];
      expectError(() => fn(x, y), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
      expectError(() => fn(f, x), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
      expectError(() => fn(x, f), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
      if (op !== 'matmul' && op !== 'mseLoss') expectError(() => fn(x, 2), wg.DTypeError, new RegExp(`^${op}:`), /int32/);
    });

    it('crossEntropy with int32 logits is a DTypeError naming it', () => {
      const x = int([[1, 2], [3, 4]]);
      expectError(() => wg.crossEntropy(x, [0, 1]), wg.DTypeError, /^crossEntropy:/, /int32/);
    });

    it('in-place methods on an int32 tensor are a DTypeError naming them', () => {
      const x = int([1, 2]);
      expectError(() => x.add_(1), wg.DTypeError, /^add_:/, /int32/);
      expectError(() => x.mul_(2), wg.DTypeError, /^mul_:/, /int32/);
      expect(x.toArray()).toEqual([1, 2]);
    });

    it('the library keeps working after the errors', () => {
      const x = int([1, 2]);
      expect(() => x.add(x)).toThrow(wg.DTypeError);
      expect(x.astype('float32').add(1).toArray()).toEqual([2, 3]);
    });
  });
});

describe.each(['wasm', 'js'] as const)('int32 in custom gates [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
  });

  it('a defineGate gate accepts an int32 index input beside float data and differentiates the float one', () => {
    // y = x * idx (idx converted inside): gradient idx to x, none to the int32 input.
    const scaleBy = wg.defineGate({
      name: 'scaleBy',
      forward: (_ctx, x: T, idx: T) => x.mul(idx.astype(x.dtype)),
      backward: (ctx, dy) => [dy.mul(ctx.inputs[1].astype(dy.dtype)), null],
    });
    const x = wg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const idx = wg.tensor([2, -1, 0], { dtype: 'int32' });
    const y = scaleBy(x, idx);
    expect(y.toArray()).toEqual([2, -2, 0]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, -1, 0]);
  });
});
