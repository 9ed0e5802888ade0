// Tensor: a shape, a dtype, a storage handle on one backend, a gradient, and a link to the tape
// record of the gate that made it (null for leaves).

import type { Backend, BackendName, DType, Storage } from './backend/backend.js';
import { sizeOf } from './backend/strides.js';
import { DisposedError, WasmgradError, fmtShape } from './errors.js';
import { registerTensor, releaseTensor, setTensorCheck } from './memory/index.js';
import type { Record } from './autograd/tape.js';
import * as ops from './ops/index.js';
import { backward as runBackward, type BackwardOptions } from './autograd/backward.js';
import { backendFor } from './runtime.js';
import { formatTensor } from './format.js';

// Engines without explicit resource management still get a Symbol.dispose to key on.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('Symbol.dispose');

export type TensorLike = Tensor | number;
export type Axis = number | readonly number[];

let nextTensorId = 1;

export class Tensor {
  readonly id = nextTensorId++;
  readonly shape: readonly number[];
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

  /** @internal Use the creation functions (tensor, zeros, randn, ...). */
  constructor(storage: Storage, shape: readonly number[], readonly dtype: DType, backend: Backend) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.size = sizeOf(shape);
    this.backend = backend;
    this.born = currentBirth;
    registerTensor(this, storage, backend);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get backendName(): BackendName {
    return this.backend.name;
  }

  /** True for tensors no recorded gate produced (user-created, or made with recording off). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(v: boolean) {
    if (this.node !== null && !v) {
      throw new WasmgradError(`requiresGrad: can only be changed on leaf tensors (this one, shape ${this.shapeString}, was made by ${this.node.gate.name}); use detach()`);
    }
    if (this.node === null) this._requiresGrad = Boolean(v);
  }

  /** The accumulated gradient: same shape, dtype and backend as this tensor; null until backward. */
  get grad(): Tensor | null {
    return this._grad;
  }

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

  /** How many in-place writes (add_, optimizer steps, ...) this tensor's storage has had. */
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

  /** A typed-array copy of the elements, row-major. */
  data(): Float32Array | Float64Array {
    this.assertLive('data');
    return this.backend.read(this.storage) as Float32Array | Float64Array;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
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

  /** The value of a one-element tensor. */
  item(): number {
    this.assertLive('item');
    if (this.size !== 1) {
      throw new WasmgradError(`item: tensor of shape ${this.shapeString} has ${this.size} elements, expected 1`);
    }
    return this.backend.get(this.storage, 0);
  }

  toString(): string {
    return formatTensor(this);
  }

  // ---- autograd -----------------------------------------------------------------------------

  /**
   * Backpropagates from this tensor. The seed defaults to 1 for a one-element tensor and is
   * required otherwise. Options: retainGraph keeps saved values for another pass; createGraph
   * records the backward pass so gradients can be differentiated again.
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
   */
  zeroGrad(): void {
    const g = this._grad;
    if (g === null) return;
    this._grad = null;
    if (g.node === null) g.dispose();
    else g.unmarkKept();
  }

  /** Keep `.grad` on this non-leaf tensor after backward. */
  retainGrad(): this {
    if (this.node !== null) this._retainsGrad = true;
    return this;
  }

  /** @internal engine-side grad assignment (no checks). */
  setGradUnchecked(g: Tensor | null): void {
    if (g !== null) g._kept = true;
    this._grad = g;
  }

  /** A new leaf sharing this tensor's values, cut from the graph. */
  detach(): Tensor {
    this.assertLive('detach');
    return this.shareStorage();
  }

  astype(dtype: DType): Tensor {
    return ops.astype(this, dtype);
  }

  to(backend: BackendName): Tensor {
    return ops.to(this, backend);
  }

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
  /** this += b (b broadcast to this shape). */
  add_(b: TensorLike): this { ops.add_(this, b); return this; }
  /** this -= b. */
  sub_(b: TensorLike): this { ops.sub_(this, b); return this; }
  /** this *= b. */
  mul_(b: TensorLike): this { ops.mul_(this, b); return this; }
  /** this /= b. */
  div_(b: TensorLike): this { ops.div_(this, b); return this; }
  /** Clamps every element into [min, max] (either bound may be omitted). */
  clamp_(min?: number | null, max?: number | null): this { ops.clamp_(this, min, max); return this; }
  /** Copies src (broadcast to this shape, converted to this dtype and backend) into this tensor. */
  copy_(src: Tensor): this { ops.copy_(this, src); return this; }
  /** Sets every element to v. */
  fill_(v: number): this { ops.fill_(this, v); return this; }
  /** Sets every element to 0. */
  zero_(): this { ops.zero_(this); return this; }

  // ---- ops ----------------------------------------------------------------------------------
  add(b: TensorLike): Tensor { return ops.add(this, b); }
  sub(b: TensorLike): Tensor { return ops.sub(this, b); }
  mul(b: TensorLike): Tensor { return ops.mul(this, b); }
  div(b: TensorLike): Tensor { return ops.div(this, b); }
  pow(b: TensorLike): Tensor { return ops.pow(this, b); }
  maximum(b: TensorLike): Tensor { return ops.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return ops.minimum(this, b); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  sum(axis?: Axis | null, keepdims = false): Tensor { return ops.sum(this, axis, keepdims); }
  mean(axis?: Axis | null, keepdims = false): Tensor { return ops.mean(this, axis, keepdims); }
  max(axis?: Axis | null, keepdims = false): Tensor { return ops.max(this, axis, keepdims); }
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  transpose(axes?: readonly number[]): Tensor { return ops.transpose(this, axes); }
  matmul(b: Tensor): Tensor { return ops.matmul(this, b); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }
  crossEntropy(labels: ArrayLike<number>, opts?: Parameters<typeof ops.crossEntropy>[2]): Tensor { return ops.crossEntropy(this, labels, opts); }
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
