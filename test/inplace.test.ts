// Issue 10, item 4: in-place methods add_ sub_ mul_ div_ copy_ zero_ fill_ clamp_ (PyTorch
// semantics, returning this), their guards, the version counter that makes backward() refuse a
// gate whose tensors were modified in place, and recording in-place ops on graph tensors.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import {
  expectClose, forEachBackend, forEachConfig, randomFlat, squash, thrown, type Tensor,
} from './helpers.js';

const METHODS: { name: string; call: (t: Tensor) => unknown }[] = [
  { name: 'add_', call: (t) => t.add_(1) },
  { name: 'sub_', call: (t) => t.sub_(wg.tensor([1, 2], { dtype: t.dtype })) },
  { name: 'mul_', call: (t) => t.mul_(2) },
  { name: 'div_', call: (t) => t.div_(2) },
  { name: 'clamp_', call: (t) => t.clamp_(0, 1) },
  { name: 'copy_', call: (t) => t.copy_(wg.tensor([5, 6], { dtype: t.dtype })) },
  { name: 'fill_', call: (t) => t.fill_(3) },
  { name: 'zero_', call: (t) => t.zero_() },
];

forEachConfig('in-place values', ({ dtype, tol }) => {
  it('add_ sub_ mul_ div_ with a same-shape tensor write in place and return this', () => {
    const x = wg.tensor([[1, 2], [3, 4]], { dtype });
    const view = x.detach(); // shares the storage: sees every write
    expect(x.add_(wg.tensor([[10, 20], [30, 40]], { dtype }))).toBe(x);
    expect(x.toArray()).toEqual([[11, 22], [33, 44]]);
    expect(x.sub_(wg.tensor([[1, 2], [3, 4]], { dtype }))).toBe(x);
    expect(x.toArray()).toEqual([[10, 20], [30, 40]]);
    expect(x.mul_(wg.tensor([[2, 3], [4, 5]], { dtype }))).toBe(x);
    expect(x.toArray()).toEqual([[20, 60], [120, 200]]);
    expect(x.div_(wg.tensor([[4, 3], [8, 5]], { dtype }))).toBe(x);
    expect(x.toArray()).toEqual([[5, 20], [15, 40]]);
    expect(view.toArray()).toEqual([[5, 20], [15, 40]]);
  });

  it('add_ sub_ mul_ div_ broadcast a tensor or a number to this shape', () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype });
    x.add_(wg.tensor([10, 20, 30], { dtype }));
    expect(x.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    x.mul_(wg.tensor([[1], [-1]], { dtype }));
    expect(x.toArray()).toEqual([[11, 22, 33], [-14, -25, -36]]);
    x.sub_(1).div_(wg.tensor(2, { dtype }));
    expect(x.toArray()).toEqual([[5, 10.5, 16], [-7.5, -13, -18.5]]);
    x.div_(0.5).mul_(wg.tensor([[[1, 1, 1]]], { dtype }).reshape([3]));
    expect(x.toArray()).toEqual([[10, 21, 32], [-15, -26, -37]]);
  });

  it('in-place methods on a tensor big enough for multi-threaded kernels match the out-of-place ops', () => {
    const n = 1 << 17, cols = 256;
    const a = wg.tensor(randomFlat(n, 1), { dtype, shape: [n / cols, cols] });
    const row = wg.tensor(randomFlat(cols, 2, 0.5, 2), { dtype });
    const expected = a.add(row).mul(row).sub(a).div(row).maximum(-0.5).minimum(0.5);
    const x = a.detach().add(0); // a private copy
    x.add_(row).mul_(row).sub_(a).div_(row).clamp_(-0.5, 0.5);
    expectClose(x.data(), expected.data(), tol);
  });

  it('clamp_ clamps in place with either bound optional; NaN stays NaN; min > max gives max', () => {
    const x = wg.tensor([-2, -0.5, 0.5, 2, NaN], { dtype });
    expect(x.clamp_(-1, 1)).toBe(x);
    expect(x.toArray()).toEqual([-1, -0.5, 0.5, 1, NaN]);
    expect(wg.tensor([-2, 3], { dtype }).clamp_(0).toArray()).toEqual([0, 3]);
    expect(wg.tensor([-2, 3], { dtype }).clamp_(undefined, 1).toArray()).toEqual([-2, 1]);
    expect(wg.tensor([-2, 3], { dtype }).clamp_(null, 1).toArray()).toEqual([-2, 1]);
    expect(wg.tensor([-2, 0, 3], { dtype }).clamp_(2, 1).toArray()).toEqual([1, 1, 1]);
  });

  it('copy_ broadcasts the source and converts its dtype and backend', () => {
    const x = wg.zeros([2, 3], { dtype });
    expect(x.copy_(wg.tensor([1, 2, 3], { dtype }))).toBe(x);
    expect(x.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    const other = dtype === 'float32' ? 'float64' : 'float32';
    x.copy_(wg.tensor([[0.5], [0.25]], { dtype: other }));
    expect(x.dtype).toBe(dtype);
    expect(x.toArray()).toEqual([[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]]);
    const otherBackend = wg.getBackend() === 'wasm' ? 'js' : 'wasm';
    x.copy_(wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype }).to(otherBackend));
    expect(x.backendName).toBe(wg.getBackend());
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('fill_ and zero_ set every element', () => {
    const x = wg.tensor([[1, 2], [3, 4]], { dtype });
    expect(x.fill_(-1.5)).toBe(x);
    expect(x.toArray()).toEqual([[-1.5, -1.5], [-1.5, -1.5]]);
    expect(x.zero_()).toBe(x);
    expect(x.toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('every in-place write bumps the version counter shared by detach() and reshape views', () => {
    const x = wg.tensor([1, 2, 3, 4], { dtype });
    const v = x.detach();
    const r = x.reshape([2, 2]);
    expect(x.version).toBe(0);
    x.add_(1);
    v.mul_(2);
    r.clamp_(0, 100);
    expect([x.version, v.version, r.version]).toEqual([3, 3, 3]);
    x.copy_(v); x.fill_(1); x.zero_(); x.sub_(1); x.div_(1);
    expect(r.version).toBe(8);
    expect(wg.tensor([1], { dtype }).version).toBe(0);
  });

  it('in-place methods with numbers and tensors leave memory().tensors unchanged', () => {
    const x = wg.tensor([1, 2, 3], { dtype });
    const y = wg.tensor([1, 1, 1], { dtype });
    const before = wg.memory();
    x.add_(1).sub_(y).mul_(2).div_(4).clamp_(0, 1).copy_(y).fill_(2).zero_();
    expect(wg.memory().tensors).toBe(before.tensors);
    expect(wg.memory().bytes).toBe(before.bytes);
  });
});

forEachConfig('in-place argument errors', ({ dtype }) => {
  it('an argument that does not broadcast to this shape is a ShapeError naming the method and both shapes', () => {
    const x = wg.tensor([1, 2, 3], { dtype });
    const before = wg.memory().tensors;
    const e = thrown(() => x.add_(wg.zeros([2, 3], { dtype })));
    expect(e).toBeInstanceOf(wg.ShapeError);
    expect(squash(e.message)).toContain(squash("add_: the argument of shape [2,3] cannot be broadcast to this tensor's shape [3]"));
    expect(thrown(() => x.mul_(wg.zeros([2], { dtype }))).message).toMatch(/^mul_: .*\[2\].*\[3\]/);
    expect(thrown(() => x.copy_(wg.zeros([4], { dtype }))).message).toMatch(/^copy_: the source of shape \[4\]/);
    expect(x.toArray()).toEqual([1, 2, 3]);
    expect(x.version).toBe(0);
    expect(wg.memory().tensors).toBe(before + 3);
  });

  it('a tensor of another dtype is a DTypeError naming the method and both dtypes', () => {
    const other = dtype === 'float32' ? 'float64' : 'float32';
    const e = thrown(() => wg.tensor([1, 2], { dtype }).sub_(wg.tensor([1, 2], { dtype: other })));
    expect(e).toBeInstanceOf(wg.DTypeError);
    expect(e.message).toMatch(/^sub_: dtypes differ/);
    expect(e.message).toContain(dtype);
    expect(e.message).toContain(other);
  });

  it('a tensor on the other backend is a BackendError naming the method', () => {
    const otherBackend = wg.getBackend() === 'wasm' ? 'js' : 'wasm';
    const e = thrown(() => wg.tensor([1, 2], { dtype }).div_(wg.tensor([1, 2], { dtype }).to(otherBackend)));
    expect(e).toBeInstanceOf(wg.BackendError);
    expect(e.message).toMatch(/^div_: backends differ/);
  });

  it('bad numbers and a clamp_ without bounds are errors naming the method', () => {
    const x = wg.tensor([1, 2], { dtype });
    expect(thrown(() => x.clamp_()).message).toBe('clamp_: at least one of min and max must be given');
    expect(thrown(() => x.clamp_('1' as any)).message).toMatch(/^clamp_: min must be a number, got "1"/);
    expect(thrown(() => x.fill_(undefined as any)).message).toMatch(/^fill_: the value must be a number/);
    expect(thrown(() => x.add_('2' as any)).message).toMatch(/^add_: the argument must be a number/);
    expect(thrown(() => x.copy_(3 as any)).message).toMatch(/^copy_: src must be a Tensor/);
    for (const e of [thrown(() => x.clamp_()), thrown(() => x.copy_(3 as any))]) expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(x.toArray()).toEqual([1, 2]);
  });

  it('an in-place method on a disposed tensor is a DisposedError naming the method', () => {
    const x = wg.tensor([1, 2], { dtype });
    x.dispose();
    const e = thrown(() => x.add_(1));
    expect(e).toBeInstanceOf(wg.DisposedError);
    expect(e.message).toMatch(/^add_: /);
  });
});

forEachConfig('in-place on a leaf that requires grad', ({ dtype }) => {
  it.each(METHODS)('$name on a leaf that requires grad outside noGrad throws naming the method', ({ name, call }) => {
    const w = wg.tensor([0.5, -0.5], { dtype, requiresGrad: true });
    const before = wg.memory().tensors;
    const e = thrown(() => call(w));
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message.startsWith(`${name}: a leaf tensor that requires grad cannot be modified in place outside noGrad()`)).toBe(true);
    expect(w.toArray()).toEqual([0.5, -0.5]);
    expect(w.version).toBe(0);
    // Only the tensors the call's own arguments made (wg.tensor in sub_ / copy_) remain.
    expect(wg.memory().tensors - before).toBeLessThanOrEqual(1);
  });

  it.each(METHODS)('$name on a leaf that requires grad works inside noGrad and keeps it a parameter', ({ call }) => {
    const w = wg.tensor([0.5, -0.5], { dtype, requiresGrad: true });
    const out = wg.noGrad(() => call(w));
    expect(out).toBe(w);
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
    expect(w.version).toBe(1);
  });

  it('hand-written gradient descent with sub_ inside noGrad converges, same leaf, flat memory', () => {
    const xs = wg.tensor([[1, 0], [0, 1], [1, 1]], { dtype });
    const ys = wg.tensor([[1], [2], [3]], { dtype }); // y = x · [1, 2]
    const w = wg.zeros([2, 1], { dtype, requiresGrad: true });
    const lr = 0.3;
    let mem = 0;
    for (let step = 0; step < 400; step++) {
      wg.tidy(() => {
        xs.matmul(w).mseLoss(ys).backward();
        wg.noGrad(() => { w.sub_(w.grad!.mul(lr)); });
        w.zeroGrad();
      });
      if (step === 1) mem = wg.memory().tensors;
    }
    expect(wg.memory().tensors).toBe(mem);
    expect(w.isLeaf).toBe(true);
    expect(w.version).toBe(400);
    expectClose(w.toArray(), [[1], [2]], { atol: 1e-4 });
  });
});

forEachConfig('version counter and backward', ({ dtype }) => {
  it('backward through a gate whose saved tensor was modified in place throws naming the gate, shape and versions', () => {
    const x = wg.tensor([0.1, 0.2], { dtype, requiresGrad: true });
    const y = x.exp(); // exp saves its output
    const loss = y.sum();
    wg.noGrad(() => y.mul_(2));
    const e = thrown(() => loss.backward());
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(squash(e.message)).toContain(squash('modified by an in-place operation: the saved tensor 0 of exp (shape [2]) is at version 1 now but was at version 0 when exp recorded it'));
    expect(x.grad).toBeNull();
  });

  it('backward through a gate whose input was modified inside noGrad throws naming the gate and the input', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const x = wg.tensor([3, 4], { dtype });
    const loss = w.mul(x).sum(); // mul's rule reads x for w's gradient
    x.add_(1);
    const e = thrown(() => loss.backward());
    expect(squash(e.message)).toContain(squash('the input 1 of mul (shape [2]) is at version 1 now but was at version 0'));
    expect(w.grad).toBeNull();
  });

  it('an optimizer step bumps the version: backward again through a graph that used the parameter throws', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const opt = new wg.optim.SGD([w], { lr: 0.1 });
    const loss = w.mul(w).sum();
    loss.backward({ retainGraph: true });
    opt.step();
    expect(w.version).toBe(1);
    const e = thrown(() => loss.backward());
    expect(e.message).toMatch(/of mul \(shape \[2\]\) is at version 1 now but was at version 0/);
    expectClose(w.toArray(), [0.8, 1.6], { rtol: 1e-6 });
  });

  it('modifying a detach() view of a parameter makes backward through the parameter\'s graph throw', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const loss = w.mul(w).sum();
    w.detach().zero_(); // allowed (a view that does not require grad), and visible in w
    expect(w.toArray()).toEqual([0, 0]);
    expect(thrown(() => loss.backward()).message).toMatch(/mul .*version 1 now/);
  });

  it('load() into a model bumps its parameters\' versions: backward through a graph that used them throws', () => {
    const model = new wg.nn.Linear(2, 1, { dtype });
    const bytes = wg.save(model);
    const loss = model.forward(wg.tensor([[1, 2]], { dtype })).sum();
    wg.load(model, bytes);
    expect(model.weight.version).toBe(1);
    expect(thrown(() => loss.backward()).message).toMatch(/modified by an in-place operation: the input \d of \w+ \(shape \[[\d,]+\]\) is at version 1 now/);
  });

  it('a graph recorded after the in-place write backpropagates normally', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    wg.noGrad(() => w.mul_(3));
    w.mul(w).sum().backward();
    expect(w.grad!.toArray()).toEqual([6, 12]);
  });
});

/** (x, b) ↦ loss through an in-place op on a non-leaf, and the same written out of place. */
const REBASE_CASES: { name: string; inplace: (h: Tensor, b: Tensor) => Tensor; outOfPlace: (h: Tensor, b: Tensor) => Tensor }[] = [
  { name: 'add_', inplace: (h, b) => h.add_(b), outOfPlace: (h, b) => h.add(b) },
  { name: 'sub_', inplace: (h, b) => h.sub_(b), outOfPlace: (h, b) => h.sub(b) },
  { name: 'mul_', inplace: (h, b) => h.mul_(b), outOfPlace: (h, b) => h.mul(b) },
  { name: 'div_', inplace: (h, b) => h.div_(b), outOfPlace: (h, b) => h.div(b) },
  { name: 'clamp_', inplace: (h) => h.clamp_(-0.3, 0.4), outOfPlace: (h) => h.maximum(-0.3).minimum(0.4) },
  { name: 'copy_', inplace: (h, b) => h.copy_(b), outOfPlace: (h, b) => b.add(h.mul(0)) },
];

forEachConfig('in-place on graph tensors while recording', ({ dtype, tol }) => {
  const gtol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-6 };

  it.each(REBASE_CASES)('$name on a non-leaf is recorded: gradients equal the out-of-place op\'s', ({ inplace, outOfPlace }) => {
    const xd = [0.3, -0.7, 0.2, 0.9, -0.1, 0.5], bd = [1.5, -0.8, 1.2];
    const run = (useInplace: boolean) => {
      const x = wg.tensor(xd, { dtype, shape: [2, 3], requiresGrad: true });
      const b = wg.tensor(bd, { dtype, requiresGrad: true });
      let h = x.mul(x).sub(0.2);          // a non-leaf
      h = useInplace ? inplace(h, b) : outOfPlace(h, b);
      const loss = h.tanh().mul(wg.tensor([1, 2, 3], { dtype })).sum();
      loss.backward();
      // copy_ overwrites h: x then gets no gradient at all (null), the out-of-place form zeros.
      return { h: h.toArray(), loss: loss.item(), gx: x.grad?.toArray() ?? [[0, 0, 0], [0, 0, 0]], gb: b.grad?.toArray() ?? null };
    };
    const got = run(true), want = run(false);
    expectClose(got.h, want.h, tol);
    expectClose(got.loss, want.loss, tol);
    expectClose(got.gx, want.gx, gtol);
    if (want.gb !== null) expectClose(got.gb, want.gb, gtol);
  });

  it('add_ on a non-leaf returns this, which now has the new history', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const h = x.mul(2);
    expect(h.add_(1)).toBe(h);
    expect(h.node!.gate.name).toBe('add');
    expect(h.isLeaf).toBe(false);
    expect(h.version).toBe(1);
    expect(h.toArray()).toEqual([3, 5]);
  });

  it('add_ of a tensor that requires grad into a constant makes the constant part of the graph', () => {
    const c = wg.zeros([2, 2], { dtype });
    const b = wg.tensor([1, 2], { dtype, requiresGrad: true });
    c.add_(b);
    expect(c.isLeaf).toBe(false);
    expect(c.requiresGrad).toBe(true);
    c.mul(c).sum().backward();
    expect(b.grad!.toArray()).toEqual([4, 8]); // d/db sum over 2 rows of b²
  });

  it('fill_ and zero_ on a non-leaf cut the gradient to its old values', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const h = x.mul(2);
    h.fill_(3);
    h.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]); // only through mul(h, x)
    const y = x.mul(5);
    y.zero_();
    expect(y.toArray()).toEqual([0, 0]);
    expect(y.node!.gate.name).toBe('zero_');
  });

  it('mul_ on the output of exp while recording, then backward through exp, throws naming exp', () => {
    const x = wg.tensor([0.1, 0.2], { dtype, requiresGrad: true });
    const y = x.exp();
    y.mul_(2); // recorded, but exp's backward needs its saved output, now overwritten
    const e = thrown(() => y.sum().backward());
    expect(e.message).toMatch(/saved tensor 0 of exp \(shape \[2\]\) is at version 1 now but was at version 0/);
  });

  it('in-place on a non-leaf that shares its storage with a reshape view while recording throws naming the method', () => {
    const x = wg.tensor([1, 2, 3, 4], { dtype, requiresGrad: true });
    const h = x.mul(2).reshape([2, 2]);
    const e = thrown(() => h.add_(1));
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message).toMatch(/^add_: this tensor \(shape \[2,2\], made by reshape\) shares its storage/);
    expect(h.toArray()).toEqual([[2, 4], [6, 8]]);
    expect(h.version).toBe(0);
  });

  it('in-place while recording inside tidy leaves memory at its baseline', () => {
    const x = wg.tensor([0.1, 0.2, 0.3], { dtype, requiresGrad: true });
    const b = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const base = wg.memory();
    wg.tidy(() => {
      const h = x.mul(x);
      h.add_(b).mul_(2).div_(b).sub_(1).clamp_(-5, 5);
      h.sum().backward();
    });
    x.zeroGrad();
    b.zeroGrad();
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytes).toBe(base.bytes);
  });
});

forEachBackend('gradcheck through in-place ops', () => {
  it.each(REBASE_CASES)('gradcheck of a function using $name on a non-leaf passes in float64', ({ inplace }) => {
    const x = wg.tensor([0.3, -0.7, 0.25, 0.9, -0.15, 0.5], { dtype: 'float64', shape: [2, 3] });
    const b = wg.tensor([1.5, -0.8, 1.2], { dtype: 'float64' });
    const res = wg.gradcheck((xx: Tensor, bb: Tensor) => {
      const h = xx.mul(xx).sub(0.2);
      return inplace(h, bb).tanh();
    }, [x, b], { eps: 1e-6, atol: 1e-8, rtol: 1e-6 });
    expect(res.ok).toBe(true);
  });
});
