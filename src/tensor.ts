// Tensor: a shape, a dtype, a storage handle on one backend, a gradient, and a link to the tape
// record of the gate that made it (null for leaves). This file holds a tensor's data and
// lifetime only and imports no op: the op methods (x.add(y), x.backward(), ...) are declared
// and installed by src/methods/, above the ops and autograd layers.

import type { Backend, BackendName, DType, Storage } from './backend/backend.js';
import { sizeOf } from './backend/strides.js';
import { DisposedError, WasmgradError, fmtShape, fmtValue } from './errors.js';
import { TENSOR_BRAND, registerTensor, releaseTensor } from './memory/index.js';
import type { TapeRecord } from './autograd/tape.js';
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
 * An n-dimensional array of float32 or float64 values (or int32 indices, which have no
 * gradient) on one backend ('wasm' or 'js'), with an optional gradient: PyTorch's `torch.Tensor`. Make tensors with the creation functions
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
  node: TapeRecord | null = null;
  /** @internal backward pass that created this tensor (0 outside backward). */
  born = 0;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;
  private _retainsGrad = false;
  private _kept = false;
  private _disposed = false;

  /**
   * @internal Use the creation functions (tensor, zeros, randn, ...).
   * @param dtype The element type, 'float32', 'float64' or 'int32'; fixed for the tensor's life.
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
    if (v && this.dtype === 'int32') {
      // PyTorch: only floating point tensors can require gradients.
      throw new WasmgradError(`requiresGrad: an int32 tensor (shape ${this.shapeString}) cannot require a gradient; convert it with astype('float32') first`);
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
  attachRecord(rec: TapeRecord): void {
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
   * Float32Array, Float64Array or Int32Array by dtype. Throws a DisposedError after dispose().
   *
   * @example wg.tensor([[1, 2], [3, 4]]).data() // Float32Array [1, 2, 3, 4]
   */
  data(): Float32Array | Float64Array | Int32Array {
    this.assertLive('data');
    return this.backend.read(this.storage);
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
}

// memory/ recognises tensors by this mark (it sits below this file, so cannot use instanceof).
Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });

// ---- birth marks (which backward pass created a tensor) ---------------------------------------
let currentBirth = 0;
/** @internal */
export function setBirth(epoch: number): number {
  const prev = currentBirth;
  currentBirth = epoch;
  return prev;
}
