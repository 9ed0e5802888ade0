// Tensor: a shape, a dtype, a storage handle on one backend, a gradient, and a link to the tape
// record of the gate that made it (null for leaves).

import type { Backend, BackendName, DType, Storage } from './backend/backend.js';
import { sizeOf } from './backend/strides.js';
import { DisposedError, WasmgradError, fmtShape, fmtValue } from './errors.js';
import { registerTensor, releaseTensor, setTensorCheck } from './memory/index.js';
import type { Record } from './autograd/tape.js';
import * as ops from './ops/index.js';
import { backward as runBackward, type BackwardOptions } from './autograd/backward.js';
import { backendFor } from './runtime.js';
import { formatTensor } from './format.js';

// Engines without explicit resource management still get a Symbol.dispose to key on.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('Symbol.dispose');

/**
 * A tensor, or a plain number where an op accepts one (it becomes a 0-d tensor of the other
 * operand's dtype, or float32 when both are numbers).
 */
export type TensorLike = Tensor | number;
/** An axis or a list of axes; negative values count from the end (-1 is the last axis). */
export type Axis = number | readonly number[];

let nextTensorId = 1;

/**
 * An n-dimensional array of float32 or float64 values on one backend ('wasm' or 'js'), with an
 * optional gradient: PyTorch's `torch.Tensor`. Make tensors with the creation functions
 * (`tensor`, `zeros`, `randn`, ...); every op is both a method here and a free function of the
 * same name. Wasm tensors live in WebAssembly memory: free them with `dispose()`, `tidy()` or
 * `using` (garbage collection frees forgotten ones eventually).
 *
 * @example
 * ```ts
 * const x = wg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad; // tensor([[2, 4], [6, 8]])
 * ```
 */
export class Tensor {
  /** @internal A process-wide serial number (graph drawings, debugging). */
  readonly id = nextTensorId++;
  /** The size of each dimension, outermost first (frozen); `[]` for a 0-d tensor. */
  readonly shape: readonly number[];
  /** The number of elements: the product of `shape` (1 for a 0-d tensor). */
  readonly size: number;
  /** @internal */ storage: Storage;
  /** @internal */ readonly backend: Backend;
  /** @internal the record of the gate that made this tensor; null for leaves. */
  node: Record | null = null;
  /** @internal backward pass that created this tensor (0 outside backward). */
  born = 0;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;
  private _retainsGrad = false;
  private _kept = false;
  private _disposed = false;

  /**
   * @internal Use the creation functions (tensor, zeros, randn, ...).
   * @param dtype The element type, 'float32' or 'float64'; fixed for the tensor's life.
   */
  constructor(storage: Storage, shape: readonly number[], readonly dtype: DType, backend: Backend) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.size = sizeOf(shape);
    this.backend = backend;
    this.born = currentBirth;
    registerTensor(this, storage, backend);
  }

  /**
   * The number of dimensions, `shape.length` (PyTorch's `dim()`).
   *
   * @example wg.zeros([2, 3]).ndim // 2
   */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * The backend holding this tensor's storage: 'wasm' or 'js' (PyTorch's `device`). Ops
   * on tensors of different backends throw a BackendError; copy with `to()`.
   */
  get backendName(): BackendName {
    return this.backend.name;
  }

  /** True for tensors no recorded gate produced (user-created, or made with recording off). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /**
   * Whether gradients flow to this tensor. Settable on leaves (`x.requiresGrad = true` makes
   * a parameter); a tensor made by a recorded op requires a gradient when any input does, and
   * setting it to false there throws a WasmgradError (use `detach()`).
   */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  /** Makes a leaf require (or stop requiring) a gradient; throws a WasmgradError on a non-leaf. */
  set requiresGrad(v: boolean) {
    if (typeof v !== 'boolean') {
      throw new WasmgradError(`requiresGrad: expected true or false, got ${fmtValue(v)} (${typeof v})`);
    }
    if (this.node !== null && !v) {
      throw new WasmgradError(`requiresGrad: can only be changed on leaf tensors (this one, shape ${this.shapeString}, was made by ${this.node.gate.name}); use detach()`);
    }
    if (this.node === null) this._requiresGrad = v;
  }

  /** The accumulated gradient: same shape, dtype and backend as this tensor; null until backward. */
  get grad(): Tensor | null {
    return this._grad;
  }

  /**
   * Replaces the gradient (null clears it without freeing). A WasmgradError if `g` is not a
   * Tensor or its shape or dtype differ from this tensor's.
   */
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new WasmgradError('grad: expected a Tensor or null');
      if (fmtShape(g.shape) !== this.shapeString || g.dtype !== this.dtype) {
        throw new WasmgradError(`grad: gradient ${g.dtype} ${g.shapeString} does not match tensor ${this.dtype} ${this.shapeString}`);
      }
      g._kept = true;
    }
    this._grad = g;
  }

  /** @internal */
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }

  /** True once `dispose()` has freed this tensor; any op on it then throws a DisposedError. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** @internal */
  get isKept(): boolean {
    return this._kept;
  }

  /** @internal exempts this tensor from tidy scopes (gradients, keep()). */
  markKept(): void {
    this._kept = true;
  }

  /** @internal */
  unmarkKept(): void {
    this._kept = false;
  }

  /** @internal */
  get shapeString(): string {
    return fmtShape(this.shape);
  }

  /** @internal */
  attachRecord(rec: Record): void {
    this.node = rec;
    this._requiresGrad = true;
  }

  /** @internal A new tensor object over the same storage (no copy), sharing its version counter. */
  shareStorage(shape: readonly number[] = this.shape): Tensor {
    this.assertLive('shareStorage');
    const t = new Tensor(this.storage, shape, this.dtype, this.backend);
    t.versionBox = this.versionBox ??= { n: 0 };
    return t;
  }

  // ---- version counter ------------------------------------------------------------------------
  // Counts the in-place writes to this tensor's storage (PyTorch's `_version`); tensors sharing
  // the storage (reshape, detach) share the counter. A record remembers the versions of the
  // tensors its backward rule may read, and backward() refuses to run a rule on changed values.

  /** @internal Shared with every tensor over the same storage; made on first need. */
  versionBox: { n: number } | null = null;

  /**
   * How many in-place writes (add_, optimizer steps, load, ...) this tensor's storage has had
   * (PyTorch's `_version`); tensors sharing the storage (reshape, detach) share the counter.
   * backward() refuses a gate whose saved tensors changed since it was recorded.
   *
   * @example wg.zeros([2]).add_(1).version // 1
   */
  get version(): number {
    return this.versionBox === null ? 0 : this.versionBox.n;
  }

  /** @internal Call after writing this tensor's storage in place. */
  bumpVersion(): void {
    (this.versionBox ??= { n: 0 }).n++;
  }

  /** @internal Makes this tensor a leaf again (in-place writes that replace its history). */
  clearRecord(): void {
    this.node = null;
    this._requiresGrad = false;
  }

  /** @internal */
  assertLive(op: string): void {
    if (this._disposed) throw new DisposedError(`${op}: tensor of shape ${this.shapeString} was disposed`);
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * A typed-array copy of the elements, row-major.
   * Float32Array or Float64Array by dtype. Throws a DisposedError after dispose().
   *
   * @example wg.tensor([[1, 2], [3, 4]]).data() // Float32Array [1, 2, 3, 4]
   */
  data(): Float32Array | Float64Array {
    this.assertLive('data');
    return this.backend.read(this.storage) as Float32Array | Float64Array;
  }

  /**
   * Nested arrays of numbers (a number for a 0-d tensor).
   * PyTorch's `tolist()`.
   *
   * @example wg.eye(2).toArray() // [[1, 0], [0, 1]]
   */
  toArray(): number | unknown[] {
    this.assertLive('toArray');
    const flat = this.backend.read(this.storage);
    if (this.shape.length === 0) return flat[0];
    let pos = 0;
    const build = (d: number): unknown[] => {
      const n = this.shape[d];
      const out = new Array<unknown>(n);
      if (d === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = flat[pos++];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(d + 1);
      }
      return out;
    };
    return build(0);
  }

  /**
   * The value of a one-element tensor.
   * A WasmgradError for any other size (PyTorch's `item()`).
   *
   * @example wg.tensor([1, 2, 3]).sum().item() // 6
   */
  item(): number {
    this.assertLive('item');
    if (this.size !== 1) {
      throw new WasmgradError(`item: tensor of shape ${this.shapeString} has ${this.size} elements, expected 1`);
    }
    return this.backend.get(this.storage, 0);
  }

  /**
   * A readable print: the values (or the element count above 1000), shape, dtype, backend and,
   * for recorded tensors, the gate that made them (PyTorch's `grad_fn`).
   *
   * @example String(wg.tensor([1, 2])) // 'tensor([1, 2], shape=[2], dtype=float32, backend=wasm)'
   */
  toString(): string {
    return formatTensor(this);
  }

  // ---- autograd -----------------------------------------------------------------------------

  /**
   * Backpropagates from this tensor. The seed defaults to 1 for a one-element tensor and is
   * required otherwise. Options: retainGraph keeps saved values for another pass; createGraph
   * records the backward pass so gradients can be differentiated again.
   *
   * PyTorch's `backward()`: leaves that require a gradient accumulate into `.grad` (call
   * `zeroGrad()` between steps); non-leaves keep theirs only after `retainGrad()`. The seed has
   * this tensor's shape (a number for a one-element tensor, or nested arrays). Throws a
   * WasmgradError if this tensor does not require a gradient, if a seed is missing for a tensor of
   * several elements, or (a DisposedError) on a second pass over a graph whose saved values were
   * released (pass `retainGraph` on the first).
   *
   * @example const x = wg.tensor([1, 2], { requiresGrad: true }); x.mul(3).sum().backward(); x.grad // tensor([3, 3])
   */
  backward(seed?: Tensor | number | ArrayLike<unknown> | BackwardOptions, opts?: BackwardOptions): void {
    if (seed !== undefined && seed !== null && !(seed instanceof Tensor) && typeof seed === 'object'
      && !Array.isArray(seed) && !ArrayBuffer.isView(seed)) {
      runBackward(this, undefined, seed as BackwardOptions);
      return;
    }
    runBackward(this, seed as Tensor | number | ArrayLike<unknown> | undefined, opts ?? {});
  }

  /**
   * Clears the gradient. A plain gradient is freed (copy it first if you need it later); one
   * recorded with createGraph is only unlinked, since it is commonly differentiated next.
   *
   * @example const x = wg.ones([2], { requiresGrad: true }); x.sum().backward(); x.zeroGrad(); x.grad // null
   */
  zeroGrad(): void {
    const g = this._grad;
    if (g === null) return;
    this._grad = null;
    if (g.node === null) g.dispose();
    else g.unmarkKept();
  }

  /**
   * Keep `.grad` on this non-leaf tensor after backward.
   * (On a leaf this does nothing: leaves always keep theirs.) Returns this tensor.
   *
   * @example const x = wg.ones([2], { requiresGrad: true }); const y = x.mul(2).retainGrad(); y.sum().backward(); y.grad // tensor([1, 1])
   */
  retainGrad(): this {
    if (this.node !== null) this._retainsGrad = true;
    return this;
  }

  /** @internal engine-side grad assignment (no checks). */
  setGradUnchecked(g: Tensor | null): void {
    if (g !== null) g._kept = true;
    this._grad = g;
  }

  /**
   * A new leaf sharing this tensor's values, cut from the graph.
   * PyTorch's `detach()`: no copy is made, and the result does not require a gradient.
   *
   * @example wg.ones([2], { requiresGrad: true }).mul(2).detach().requiresGrad // false
   */
  detach(): Tensor {
    this.assertLive('detach');
    return this.shareStorage();
  }

  /**
   * A copy converted to `dtype` ('float32' or 'float64'); see `wg.astype`.
   *
   * @example wg.tensor([1.5]).astype('float64').dtype // 'float64'
   */
  astype(dtype: DType): Tensor {
    return ops.astype(this, dtype);
  }

  /**
   * A copy on another backend ('wasm' or 'js'); see `wg.to`.
   *
   * @example wg.tensor([1, 2]).to('js').backendName // 'js'
   */
  to(backend: BackendName): Tensor {
    return ops.to(this, backend);
  }

  /**
   * Frees the storage now (and the gradient with it); idempotent. Any later use of the tensor
   * throws a DisposedError. `using t = ...` calls it at the end of the block.
   *
   * @example const t = wg.ones([1000]); t.dispose(); t.isDisposed // true
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._grad !== null) {
      const g = this._grad;
      this._grad = null;
      g.dispose();
    }
    releaseTensor(this, this.storage, this.backend);
  }

  /**
   * The same as `dispose()`, for `using` declarations (explicit resource management).
   *
   * @example { using t = wg.ones([3]); t.sum().item(); } // t is freed at the closing brace (needs `using` support: TypeScript or a recent engine)
   */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- printing -----------------------------------------------------------------------------
  // Node's console.log/util.inspect print this instead of the storage and backend objects; the
  // symbol is a registered one, so the browser bundle needs no node:util.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  // ---- in-place methods (src/ops/inplace.ts): write this tensor's storage, bump its version --
  // On a leaf that requires grad only inside noGrad (e.g. w.sub_(w.grad.mul(lr))).
  /**
   * In place: this += b (PyTorch's `add_`), b a number or a tensor of this dtype and backend
   * that broadcasts to this shape (a ShapeError otherwise; a DTypeError or BackendError when
   * they differ). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.tensor([1, 2]).add_(1) // tensor([2, 3])
   */
  add_(b: TensorLike): this { ops.add_(this, b); return this; }
  /**
   * In place: this -= b (PyTorch's `sub_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example const w = wg.ones([2], { requiresGrad: true }); wg.noGrad(() => w.sub_(0.5)) // tensor([0.5, 0.5])
   */
  sub_(b: TensorLike): this { ops.sub_(this, b); return this; }
  /**
   * In place: this *= b (PyTorch's `mul_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.tensor([1, 2]).mul_(wg.tensor([3, 4])) // tensor([3, 8])
   */
  mul_(b: TensorLike): this { ops.mul_(this, b); return this; }
  /**
   * In place: this /= b (PyTorch's `div_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.tensor([2, 4]).div_(2) // tensor([1, 2])
   */
  div_(b: TensorLike): this { ops.div_(this, b); return this; }
  /**
   * In place: clamps every element into [min, max] (PyTorch's `clamp_`); either bound may be
   * omitted or null, not both (a WasmgradError). NaN stays NaN; with min > max every element
   * becomes max. The recorded gradient is 1 inside and at a bound, 0 outside. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.tensor([-1, 0.5, 2]).clamp_(0, 1) // tensor([0, 0.5, 1])
   */
  clamp_(min?: number | null, max?: number | null): this { ops.clamp_(this, min, max); return this; }
  /**
   * In place: copies src (broadcast to this shape, converted to this dtype and backend) into this
   * tensor (PyTorch's `copy_`); src gets the gradient, summed back to its shape. A ShapeError when
   * src does not broadcast to this shape. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.zeros([2, 2]).copy_(wg.tensor([1, 2])) // tensor([[1, 2], [1, 2]])
   */
  copy_(src: Tensor): this { ops.copy_(this, src); return this; }
  /**
   * In place: sets every element to the number v (PyTorch's `fill_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.zeros([3]).fill_(7) // tensor([7, 7, 7])
   */
  fill_(v: number): this { ops.fill_(this, v); return this; }
  /**
   * In place: sets every element to 0 (PyTorch's `zero_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
   * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
   * out-of-place op. Bumps `version`; returns this tensor.
   *
   * @example wg.ones([2]).zero_() // tensor([0, 0])
   */
  zero_(): this { ops.zero_(this); return this; }

  // ---- ops ----------------------------------------------------------------------------------
  /**
   * `this + b` with broadcasting; see `wg.add`.
   *
   * @example wg.tensor([1, 2]).add(10) // tensor([11, 12])
   */
  add(b: TensorLike): Tensor { return ops.add(this, b); }
  /**
   * `this - b` with broadcasting; see `wg.sub`.
   *
   * @example wg.tensor([5, 7]).sub(wg.tensor([1, 2])) // tensor([4, 5])
   */
  sub(b: TensorLike): Tensor { return ops.sub(this, b); }
  /**
   * `this * b` elementwise with broadcasting (not the matrix product; see `matmul`).
   *
   * @example wg.tensor([[1, 2], [3, 4]]).mul(wg.tensor([10, 100])) // tensor([[10, 200], [30, 400]])
   */
  mul(b: TensorLike): Tensor { return ops.mul(this, b); }
  /**
   * `this / b` with broadcasting; see `wg.div`.
   *
   * @example wg.tensor([1, 2]).div(4) // tensor([0.25, 0.5])
   */
  div(b: TensorLike): Tensor { return ops.div(this, b); }
  /**
   * `this ** b` with broadcasting; see `wg.pow`.
   *
   * @example wg.tensor([1, 2, 3]).pow(2) // tensor([1, 4, 9])
   */
  pow(b: TensorLike): Tensor { return ops.pow(this, b); }
  /**
   * The elementwise larger of this and `b`; see `wg.maximum`.
   *
   * @example wg.tensor([1, 5]).maximum(wg.tensor([3, 2])) // tensor([3, 5])
   */
  maximum(b: TensorLike): Tensor { return ops.maximum(this, b); }
  /**
   * The elementwise smaller of this and `b`; see `wg.minimum`.
   *
   * @example wg.tensor([1, 5]).minimum(wg.tensor([3, 2])) // tensor([1, 2])
   */
  minimum(b: TensorLike): Tensor { return ops.minimum(this, b); }
  /**
   * `-this`; see `wg.neg`.
   *
   * @example wg.tensor([1, -2]).neg() // tensor([-1, 2])
   */
  neg(): Tensor { return ops.neg(this); }
  /**
   * e to the power of each element; see `wg.exp`.
   *
   * @example wg.tensor([0, 1]).exp() // tensor([1, 2.7183])
   */
  exp(): Tensor { return ops.exp(this); }
  /**
   * The natural logarithm of each element; see `wg.log`.
   *
   * @example wg.tensor([1, 100]).log() // tensor([0, 4.6052])
   */
  log(): Tensor { return ops.log(this); }
  /**
   * The square root of each element; see `wg.sqrt`.
   *
   * @example wg.tensor([4, 9]).sqrt() // tensor([2, 3])
   */
  sqrt(): Tensor { return ops.sqrt(this); }
  /**
   * The absolute value of each element; see `wg.abs`.
   *
   * @example wg.tensor([-1.5, 2]).abs() // tensor([1.5, 2])
   */
  abs(): Tensor { return ops.abs(this); }
  /**
   * The hyperbolic tangent of each element; see `wg.tanh`.
   *
   * @example wg.tensor([0, 1]).tanh() // tensor([0, 0.7616])
   */
  tanh(): Tensor { return ops.tanh(this); }
  /**
   * The logistic function 1 / (1 + e^-x) of each element; see `wg.sigmoid`.
   *
   * @example wg.tensor([0, 2]).sigmoid() // tensor([0.5, 0.8808])
   */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /**
   * max(x, 0) for each element; see `wg.relu`.
   *
   * @example wg.tensor([-1, 0, 2]).relu() // tensor([0, 0, 2])
   */
  relu(): Tensor { return ops.relu(this); }
  /**
   * The sum over `axis` (all axes when omitted); see `wg.sum`.
   *
   * @example wg.tensor([[1, 2], [3, 4]]).sum(1) // tensor([3, 7])
   */
  sum(axis?: Axis | null, keepdims = false): Tensor { return ops.sum(this, axis, keepdims); }
  /**
   * The mean over `axis` (all axes when omitted); see `wg.mean`.
   *
   * @example wg.tensor([[1, 2], [3, 4]]).mean(0) // tensor([2, 3])
   */
  mean(axis?: Axis | null, keepdims = false): Tensor { return ops.mean(this, axis, keepdims); }
  /**
   * The largest value over `axis` (all axes when omitted); see `wg.max`.
   *
   * @example wg.tensor([[1, 5], [3, 4]]).max(1) // tensor([5, 4])
   */
  max(axis?: Axis | null, keepdims = false): Tensor { return ops.max(this, axis, keepdims); }
  /**
   * The same elements in a new shape (one dimension may be -1); see `wg.reshape`.
   *
   * @example wg.arange(6).reshape([2, -1]) // tensor([[0, 1, 2], [3, 4, 5]])
   */
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /**
   * The axes permuted (reversed when omitted); see `wg.transpose`.
   *
   * @example wg.tensor([[1, 2], [3, 4]]).transpose() // tensor([[1, 3], [2, 4]])
   */
  transpose(axes?: readonly number[]): Tensor { return ops.transpose(this, axes); }
  /**
   * The matrix product `this @ b`; see `wg.matmul`.
   *
   * @example wg.tensor([[1, 2], [3, 4]]).matmul(wg.tensor([[1], [1]])) // tensor([[3], [7]])
   */
  matmul(b: Tensor): Tensor { return ops.matmul(this, b); }
  /**
   * Softmax along `axis` (default the last); see `wg.softmax`.
   *
   * @example wg.tensor([0, Math.log(3)]).softmax() // tensor([0.25, 0.75])
   */
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  /**
   * log(softmax(x)) along `axis`, computed stably; see `wg.logSoftmax`.
   *
   * @example wg.tensor([0, Math.log(3)]).logSoftmax() // tensor([-1.3863, -0.2877])
   */
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }
  /**
   * The mean cross-entropy of these logits `[N, C]` against class indices; see `wg.crossEntropy`
   * (`opts` accepts no keys yet).
   *
   * @example wg.tensor([[0, 0], [0, 0]]).crossEntropy([0, 1]) // tensor(0.6931)
   */
  crossEntropy(labels: ArrayLike<number>, opts?: Parameters<typeof ops.crossEntropy>[2]): Tensor { return ops.crossEntropy(this, labels, opts); }
  /**
   * The mean squared error against `target`, which must have this tensor's shape or be a
   * number; see `wg.mseLoss` (`opts` accepts no keys yet).
   *
   * @example wg.tensor([1, 2]).mseLoss(wg.tensor([1, 4])) // tensor(2)
   */
  mseLoss(target: TensorLike, opts?: Parameters<typeof ops.mseLoss>[2]): Tensor { return ops.mseLoss(this, target, opts); }
}

setTensorCheck((v): v is Tensor => v instanceof Tensor);

/** The tensor's backend object from its name (kept here so ops need not import runtime). */
export function backendOf(name: BackendName, op: string): Backend {
  return backendFor(name, op);
}

// ---- birth marks (which backward pass created a tensor) ---------------------------------------
let currentBirth = 0;
/** @internal */
export function setBirth(epoch: number): number {
  const prev = currentBirth;
  currentBirth = epoch;
  return prev;
}
