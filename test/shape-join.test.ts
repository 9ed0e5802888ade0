// The shape and joining ops (narrow select split chunk flip pad cat stack squeeze unsqueeze
// flatten permute expand tril triu): hand-computed values on both backends and dtypes, their
// gradients, PyTorch's edge cases (negative dims, size-0 dims, legacy [0] tensors in cat, ∞ outside
// a triangle), hostile arguments (a WasmgradError naming the op and the value, memory unchanged),
// and the strided-copy primitive copyInto split over threads giving the same bits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import type { SType } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { WasmBackend, createWasmBackend, parThresholds, type ParThresholds } from '../src/backend/wasm/index.js';
import { forEachConfig, squash, thrown } from './helpers.js';

const m34 = (dtype: wg.DType) => wg.arange(12, { dtype }).reshape([3, 4]);

forEachConfig('shape and joining ops', ({ dtype }) => {
  it('narrow takes length elements of dim from start, negative dim and start from the end', () => {
    const x = m34(dtype);
    expect(x.narrow(1, 1, 2).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(wg.narrow(x, -2, -1, 1).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(x.narrow(0, 3, 0).shape).toEqual([0, 4]);
    expect(x.narrow(1, 0, 1).dtype).toBe(dtype);
  });

  it('select drops the dim, negative index from the end', () => {
    const x = m34(dtype);
    expect(x.select(1, -1).toArray()).toEqual([3, 7, 11]);
    expect(wg.select(x, 0, 1).toArray()).toEqual([4, 5, 6, 7]);
    expect(wg.tensor([5], { dtype }).select(0, 0).shape).toEqual([]);
  });

  it('split by size leaves a smaller last piece; by sizes they must add up', () => {
    const x = m34(dtype);
    expect(x.split(3, 1).map((t) => t.toArray())).toEqual([[[0, 1, 2], [4, 5, 6], [8, 9, 10]], [[3], [7], [11]]]);
    expect(wg.split(x, [1, 0, 2]).map((t) => t.shape)).toEqual([[1, 4], [0, 4], [2, 4]]);
    expect(wg.zeros([0, 2], { dtype }).split(2).map((t) => t.shape)).toEqual([[0, 2]]);
  });

  it('chunk gives ceil(size / n) pieces, fewer when the size does not allow n', () => {
    expect(wg.arange(5, { dtype }).chunk(3).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(wg.arange(6, { dtype }).chunk(4).map((t) => t.shape)).toEqual([[2], [2], [2]]);
    expect(m34(dtype).chunk(2, -1)[1].toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
  });

  it('flip reverses each listed dim', () => {
    const x = m34(dtype);
    expect(x.flip(0).toArray()).toEqual([[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]);
    expect(wg.flip(x, [-1, 0]).toArray()).toEqual([[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
    expect(wg.zeros([2, 0], { dtype }).flip([1]).shape).toEqual([2, 0]);
  });

  it('pad pads the last dim first with value, negative amounts crop', () => {
    const x = wg.tensor([[1, 2], [3, 4]], { dtype });
    expect(x.pad([1, 0]).toArray()).toEqual([[0, 1, 2], [0, 3, 4]]);
    expect(wg.pad(x, [0, 1, 1, 0], -1).toArray()).toEqual([[-1, -1, -1], [1, 2, -1], [3, 4, -1]]);
    expect(x.pad([-1, 1, 0, -1], 7).toArray()).toEqual([[2, 7]]);
    expect(x.pad([-2, 0]).shape).toEqual([2, 0]);
  });

  it("pad modes 'reflect', 'replicate' and 'circular' give torch.nn.functional.pad's values", () => {
    const r = wg.tensor([1, 2, 3], { dtype });
    expect(wg.pad(r, [2, 1], 'reflect').toArray()).toEqual([3, 2, 1, 2, 3, 2]);
    expect(wg.pad(r, [2, 1], 'replicate').toArray()).toEqual([1, 1, 1, 2, 3, 3]);
    expect(wg.pad(r, [2, 1], 'circular').toArray()).toEqual([2, 3, 1, 2, 3, 1]);
    expect(r.pad([3, 0], { mode: 'circular' }).toArray()).toEqual([1, 2, 3, 1, 2, 3]);
    const m = wg.tensor([[0, 1, 2], [3, 4, 5]], { dtype });
    // F.pad(m, (1, 1, 1, 1), mode='reflect') and F.pad(m, (1, 2, 1, 0), mode='circular')
    expect(m.pad([1, 1, 1, 1], 'reflect').toArray()).toEqual([[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [1, 0, 1, 2, 1]]);
    expect(m.pad([1, 2, 1, 0], 'circular').toArray()).toEqual([[5, 3, 4, 5, 3, 4], [2, 0, 1, 2, 0, 1], [5, 3, 4, 5, 3, 4]]);
    expect(m.pad([0, 0, 2, 1], 'replicate').toArray()).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]]);
    expect(m.pad([0, 0], 'reflect').toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(m.pad([1, 1], { value: 9 }).toArray()).toEqual([[9, 0, 1, 2, 9], [9, 3, 4, 5, 9]]);
  });

  it('pad modes route the gradient back to the elements they copy', () => {
    const r = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    // reflect [2, 1]: [3, 2, 1, 2, 3, 2] reads x2, x1, x0, x1, x2, x1; weights 1..6
    wg.pad(r, [2, 1], 'reflect').mul(wg.tensor([1, 2, 3, 4, 5, 6], { dtype })).sum().backward();
    expect(r.grad!.toArray()).toEqual([3, 2 + 4 + 6, 1 + 5]);
    const c = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    wg.pad(c, [2, 1], 'replicate').mul(wg.tensor([1, 2, 3, 4, 5, 6], { dtype })).sum().backward();
    expect(c.grad!.toArray()).toEqual([1 + 2 + 3, 4, 5 + 6]);
  });

  it('cat joins along dim, skipping 1-D empty tensors as PyTorch does', () => {
    const a = wg.tensor([[1, 2]], { dtype }), b = wg.tensor([[3, 4], [5, 6]], { dtype });
    expect(wg.cat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(wg.cat([b, b], -1).toArray()).toEqual([[3, 4, 3, 4], [5, 6, 5, 6]]);
    expect(wg.cat([wg.zeros([0], { dtype }), a]).toArray()).toEqual([[1, 2]]);
    expect(wg.cat([wg.zeros([0, 2], { dtype }), a]).shape).toEqual([1, 2]);
  });

  it('stack joins along a new dim, from -(ndim+1) to ndim', () => {
    const a = wg.tensor([1, 2], { dtype }), b = wg.tensor([3, 4], { dtype });
    expect(wg.stack([a, b]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(wg.stack([a, b], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(wg.stack([wg.zeros([0, 3], { dtype })], 2).shape).toEqual([0, 3, 1]);
  });

  it('squeeze, unsqueeze and flatten change only the shape', () => {
    const x = wg.zeros([1, 2, 1, 3], { dtype });
    expect(x.squeeze().shape).toEqual([2, 3]);
    expect(x.squeeze(-2).shape).toEqual([1, 2, 3]);
    expect(x.squeeze([0, 1]).shape).toEqual([2, 1, 3]);
    expect(wg.unsqueeze(m34(dtype), -1).shape).toEqual([3, 4, 1]);
    expect(m34(dtype).unsqueeze(0).toArray()).toEqual([m34(dtype).toArray()]);
    expect(x.flatten(1, 2).shape).toEqual([1, 2, 3]);
    expect(wg.flatten(wg.tensor(3, { dtype })).shape).toEqual([1]);
    expect(m34(dtype).flatten().toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('permute reorders dims given one by one or as an array; expand repeats size-1 dims', () => {
    const x = m34(dtype);
    expect(x.permute(1, 0).toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(wg.permute(wg.zeros([2, 3, 4], { dtype }), [-1, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(wg.tensor([[1], [2]], { dtype }).expand([2, -1, 3]).toArray()).toEqual([[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
  });

  it('tril and triu keep a triangle of the last two dims, offset by k', () => {
    const x = m34(dtype);
    expect(x.tril().toArray()).toEqual([[0, 0, 0, 0], [4, 5, 0, 0], [8, 9, 10, 0]]);
    expect(wg.tril(x, 1).toArray()).toEqual([[0, 1, 0, 0], [4, 5, 6, 0], [8, 9, 10, 11]]);
    expect(x.triu(-1).toArray()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [0, 9, 10, 11]]);
    expect(wg.triu(x, 2).toArray()).toEqual([[0, 0, 2, 3], [0, 0, 0, 7], [0, 0, 0, 0]]);
    expect(wg.stack([x, x]).triu(3).toArray()[1]).toEqual([[0, 0, 0, 3], [0, 0, 0, 0], [0, 0, 0, 0]]);
  });

  it('tril puts an exact 0 where the input is infinite or NaN outside the triangle', () => {
    const x = wg.tensor([[1, Infinity], [NaN, 2]], { dtype });
    expect(x.tril().toArray()).toEqual([[1, 0], [NaN, 2]]);
    expect(x.triu().toArray()).toEqual([[1, Infinity], [0, 2]]);
  });

  it('gradients flow back into the narrowed, selected, flipped, padded and joined places', () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    const w = wg.tensor([10, 20], { dtype });
    x.narrow(1, 1, 2).mul(w).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 10, 20], [0, 10, 20]]);
    x.zeroGrad();
    x.select(0, -1).flip(0).mul(wg.tensor([1, 2, 3], { dtype })).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 0], [3, 2, 1]]);
    x.zeroGrad();
    x.pad([1, -1], 9).mul(x.pad([1, -1], 9)).sum().backward(); // d/dx sum(x'^2) on the kept part
    expect(x.grad!.toArray()).toEqual([[2, 4, 0], [8, 10, 0]]);
    x.zeroGrad();
    const [a, b] = x.split([1, 2], 1);
    wg.stack([wg.cat([b, a], 1), x.tril()]).mul(wg.arange(12, { dtype }).reshape([2, 2, 3])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[2 + 6, 0, 1], [5 + 9, 3 + 10, 4]]);
  });

  it('second-order gradients go through the view and assemble gates', () => {
    const x = wg.tensor([1, 2, 3], { dtype });
    const first = (t: wg.Tensor) => wg.grad((u: wg.Tensor) => wg.cat([u.narrow(0, 1, 2), u.flip(0)]).pow(3).sum())(t)[0];
    const [gg] = wg.grad((t: wg.Tensor) => first(t).sum())(x);
    // y = x1³ + x2³ + (x0³ + x1³ + x2³): d²/dx² summed = 6x0 + 12x1 + 12x2
    expect(gg.toArray()).toEqual([6, 24, 36]);
  });
});

// ---- hostile arguments -----------------------------------------------------------------------

/** The call throws a WasmgradError whose message holds each fragment, and leaves memory as it was. */
function rejects(fn: () => unknown, ...fragments: string[]): void {
  const before = wg.memory();
  const e = thrown(fn);
  expect(e).toBeInstanceOf(wg.WasmgradError);
  for (const f of fragments) expect(squash(e.message)).toContain(squash(f));
  const after = wg.memory();
  expect(after.tensors).toBe(before.tensors);
  expect(after.bytes).toBe(before.bytes);
}

describe.each(['wasm', 'js'] as const)('hostile arguments [%s]', (backend) => {
  beforeAll(async () => { await wg.init(); });
  const x = () => { wg.setBackend(backend); return wg.arange(6).reshape([2, 3]); };

  it('out-of-range or non-integer dims name the op and the dim', () => {
    const t = x();
    rejects(() => t.narrow(2, 0, 1), 'narrow', 'dim 2', '[2, 3]');
    rejects(() => t.select(-3, 0), 'select', 'dim -3');
    rejects(() => t.split(1, 1.5), 'split', '1.5');
    rejects(() => t.chunk(2, 5), 'chunk', 'dim 5');
    rejects(() => t.flip([0, -2]), 'flip', 'dim 0', 'more than once');
    rejects(() => t.unsqueeze(4), 'unsqueeze', 'dim 4');
    rejects(() => t.squeeze(2), 'squeeze', 'dim 2');
    rejects(() => t.flatten(1, 0), 'flatten', 'startDim 1');
    rejects(() => t.permute(0, 0), 'permute', '[0, 0]');
    rejects(() => t.permute(0), 'permute', '[0]');
    rejects(() => wg.stack([t, t], 4), 'stack', 'dim 4');
    rejects(() => wg.cat([t, t], -3), 'cat', 'dim -3');
    t.dispose();
  });

  it('out-of-range or non-integer indices, lengths and sizes name the op and the value', () => {
    const t = x();
    rejects(() => t.narrow(1, 2, 2), 'narrow', 'start 2 + length 2', 'size 3');
    rejects(() => t.narrow(1, -4, 1), 'narrow', 'start -4');
    rejects(() => t.narrow(1, 0.5, 1), 'narrow', 'start', '0.5');
    rejects(() => t.select(1, 3), 'select', 'index 3', 'size 3');
    rejects(() => t.select(0, NaN), 'select', 'index', 'NaN');
    rejects(() => t.chunk(0), 'chunk', 'chunks', '0');
    rejects(() => t.split(0), 'split', 'split size 0');
    rejects(() => t.tril(0.5), 'tril', 'diagonal', '0.5');
    t.dispose();
  });

  it('shapes that do not fit are ShapeErrors naming the op and the shapes', () => {
    const t = x();
    const u = wg.zeros([3, 3]);
    const e = thrown(() => wg.cat([t, u], 1));
    expect(e).toBeInstanceOf(wg.ShapeError);
    rejects(() => wg.cat([t, u], 1), 'cat', '[2, 3]', '[3, 3]', 'dim 1');
    rejects(() => wg.stack([t, u]), 'stack', '[2, 3]', '[3, 3]');
    rejects(() => t.split([1, 2], 0), 'split', '[1, 2]', 'add up to 2');
    rejects(() => t.split([3, -1], 0), 'split', '[3, -1]');
    rejects(() => t.pad([1]), 'pad', '[1]');
    rejects(() => t.pad([0, 0, 0, 0, 0, 0]), 'pad', 'at most 2');
    rejects(() => t.pad([-2, -2]), 'pad', 'negative');
    rejects(() => t.pad([3, 0], 'reflect'), 'pad', "mode 'reflect'", '[3, 0]', 'less than its size 3', '[2, 3]');
    rejects(() => t.pad([0, 0, 0, 3], 'circular'), 'pad', "mode 'circular'", 'at most its size 2');
    rejects(() => t.pad([-1, 0], 'replicate'), 'pad', "mode 'replicate'", 'no negative pads');
    const empty = wg.zeros([0, 2]);
    rejects(() => empty.pad([0, 0, 1, 0], 'replicate'), 'pad', 'cannot pad dim 0 of size 0');
    empty.dispose();
    rejects(() => t.pad([1, 0], 'mirror' as never), 'pad', "'constant', 'reflect', 'replicate', 'circular'", 'mirror');
    rejects(() => t.pad([1, 0], { mode: 'reflect', value: 2 }), 'pad', 'value 2', "mode 'constant' only");
    rejects(() => t.pad([1, 0], { fill: 2 } as never), 'pad', 'fill');
    rejects(() => t.expand([3, 3]), 'expand', '[2, 3]', '[3, 3]');
    rejects(() => t.expand([3]), 'expand', '[3]');
    const v = wg.tensor([1, 2]), f64 = wg.zeros([2, 3], { dtype: 'float64' });
    rejects(() => v.tril(), 'tril', '[2]');
    rejects(() => wg.cat([]), 'cat', 'non-empty');
    rejects(() => wg.cat([t, 3 as unknown as wg.Tensor]), 'cat', 'tensors[1]');
    rejects(() => wg.cat([t, f64]), 'cat', 'float64');
    [t, u, v, f64].forEach((z) => z.dispose());
  });

  it('the library keeps working after the errors', () => {
    const t = x();
    expect(wg.cat([t, t]).narrow(0, 1, 2).select(1, 2).toArray()).toEqual([5, 2]);
    t.dispose();
  });
});

// ---- the copyInto primitive on threads ---------------------------------------------------------

describe('copyInto split over threads gives the bits of one thread', () => {
  let be: WasmBackend;
  let shipped: ParThresholds;
  beforeAll(async () => {
    be = await createWasmBackend({ variant: 'threads', threads: 2 });
    shipped = parThresholds();
    parThresholds({ cheap: 0, medium: 0, costly: 0, reduce: 0, matmul: 0, pack: 0 });
    for (let i = 0; i < 200 && be.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
  }, 30_000);
  afterAll(() => {
    parThresholds(shipped);
    be?.closeThreads();
  });

  it.each(['float32', 'float64'] as const)('cat blocks, a flipped block and a 6-D pad block [%s]', (dtype: SType) => {
    // (outShape, outOffset, outStrides, aOffset, aStrides, shape) over a 2·3·4·5·6·7 source
    const src = Array.from({ length: 5040 }, (_, i) => i * 0.5 - 7);
    const cases: [number, number, number[], number, number[], number[]][] = [
      [5040 * 2, 5040, [1], 0, [1], [5040]],
      [70 * 144, 70, [144, 1], 0, [70, 1], [72, 70]],
      [5040, 0, [2520, 840, 210, 42, 7, 1], 5039, [-2520, -840, -210, -42, -7, -1], [2, 3, 4, 5, 6, 7]],
      // a [2..7] block at (1, 1, 1, 1, 1, 1) of a [4..9] output
      [4 * 5 * 6 * 7 * 8 * 9, 15120 + 3024 + 504 + 72 + 9 + 1, [5 * 6 * 7 * 8 * 9, 6 * 7 * 8 * 9, 7 * 8 * 9, 8 * 9, 9, 1],
        0, [2520, 840, 210, 42, 7, 1], [2, 3, 4, 5, 6, 7]],
    ];
    for (const [outSize, outOffset, outStrides, aOffset, aStrides, shape] of cases) {
      const results = [1, 2].map((threads) => {
        be.setThreads(threads);
        const a = be.alloc(dtype, src.length), out = be.alloc(dtype, outSize);
        be.write(a, src);
        be.fill(out, -1);
        be.copyInto(out, outOffset, outStrides, a, aOffset, aStrides, shape);
        const r = Array.from(be.read(out));
        be.free(a);
        be.free(out);
        return r;
      });
      const ja = jsBackend.alloc(dtype, src.length), jo = jsBackend.alloc(dtype, outSize);
      jsBackend.write(ja, src);
      jsBackend.fill(jo, -1);
      jsBackend.copyInto(jo, outOffset, outStrides, ja, aOffset, aStrides, shape);
      const expected = Array.from(jsBackend.read(jo));
      jsBackend.free(ja);
      jsBackend.free(jo);
      expect(results[0]).toEqual(expected);
      expect(results[1]).toEqual(expected);
    }
  });
});
