// In-place methods, PyTorch's add_ sub_ mul_ div_ copy_ fill_ zero_ clamp_: they write the
// tensor's own storage (tensors sharing it, such as detach() views, see the change) and return
// it. Every write bumps the storage's version counter, so backward() refuses a gate that
// recorded the old values (see checkUsable in autograd/backward.ts).
//
// Three cases, as in PyTorch:
// - a leaf that requires grad: only inside noGrad (a parameter update), otherwise an error;
// - nothing to record (noGrad, or neither this tensor nor the argument requires grad): one
//   kernel writes the storage in place — the elementwise kernels read element i before they
//   write it, so the output may be the first operand;
// - recording (this tensor is on a tape, or the argument requires grad): the op is recorded
//   out of place on a copy of the old values, the result is written into this tensor, and this
//   tensor takes over the new record (PyTorch "rebases" its history the same way). Gradients
//   are then those of `x = x.add(y)`.

import { Binary } from '../backend/backend.js';
import { contiguousStrides } from '../backend/strides.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, isGradEnabled, noGrad, type Gate } from '../autograd/tape.js';
import { BackendError, DTypeError, ShapeError, WasmgradError, describeValue } from '../errors.js';
import { broadcastShapes, broadcastStrides, empty, requireTensor, sameShape, scalarLike } from './util.js';
import { add, div, maximum, minimum, mul, sub } from './binary.js';
import { sumTo } from './reduce.js';
import { astype, to } from './shape.js';
import { copyOf } from '../alloc.js';

// ---- guards ------------------------------------------------------------------------------------

/** The tensor being modified: live, and not a leaf that requires grad while recording. */
function target(op: string, self: Tensor): Tensor {
  requireTensor(op, self, 'this tensor');
  if ((self.dtype as string) !== 'float32' && (self.dtype as string) !== 'float64') {
    throw new DTypeError(`${op}: in-place methods take float32 or float64 tensors, got ${self.dtype} ${self.shapeString}`);
  }
  if (isGradEnabled() && self.isLeaf && self.requiresGrad) {
    throw new WasmgradError(`${op}: a leaf tensor that requires grad cannot be modified in place outside noGrad() `
      + `(shape ${self.shapeString}; wrap the update in wg.noGrad(() => ...), or modify a detach()ed copy)`);
  }
  return self;
}

/** True when the write must be recorded: recording is on and a gradient flows through it. */
function recording(self: Tensor, arg: Tensor | null): boolean {
  return isGradEnabled() && (self.requiresGrad || (arg !== null && arg.requiresGrad));
}

/** A tensor argument, checked against this tensor: same dtype and backend, broadcastable to its shape. */
function checkArg(op: string, self: Tensor, b: Tensor, what = 'argument'): void {
  b.assertLive(op);
  if (b.dtype !== self.dtype) {
    throw new DTypeError(`${op}: dtypes differ: this tensor is ${self.dtype} ${self.shapeString}, the ${what} ${b.dtype} ${b.shapeString} (use astype)`);
  }
  if (b.backendName !== self.backendName) {
    throw new BackendError(`${op}: backends differ: this tensor is on ${self.backendName}, the ${what} on ${b.backendName} (use to(backend))`);
  }
  checkBroadcast(op, self, b, what);
}

function checkBroadcast(op: string, self: Tensor, b: Tensor, what: string): void {
  if (sameShape(b.shape, self.shape)) return;
  let ok = true;
  try {
    ok = sameShape(broadcastShapes(op, self.shape, b.shape), self.shape);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ShapeError(`${op}: the ${what} of shape ${b.shapeString} cannot be broadcast to this tensor's shape ${self.shapeString} (an in-place result keeps this tensor's shape)`);
  }
}

function checkNumber(op: string, v: unknown, what: string): number {
  if (typeof v !== 'number') throw new WasmgradError(`${op}: ${what} must be a number, got ${describeValue(v)}`);
  return v;
}

// ---- recording: rebase this tensor's history onto the out-of-place op --------------------------

/**
 * Records `compute(old)` where `old` holds this tensor's values and history before the write,
 * writes the result into this tensor and moves the result's record onto it.
 */
function rebase(op: string, self: Tensor, compute: (old: Tensor) => Tensor): void {
  const prevNode = self.node;
  if (prevNode !== null && self.storage.refs > 1) {
    // Another tensor over this storage (a reshape of it, or one it is a reshape of) would change
    // too, behind its own history's back.
    throw new WasmgradError(`${op}: this tensor (shape ${self.shapeString}, made by ${prevNode.gate.name}) shares its storage `
      + `with another tensor (a reshape or detach() view); modifying it in place while recording is not supported: `
      + `use the out-of-place op (x = x.${op.slice(0, -1)}(...)) or do it inside noGrad()`);
  }
  const old = copyOf(self);
  if (prevNode !== null) {
    old.attachRecord(prevNode);
    prevNode.output = old;
  }
  let r: Tensor;
  try {
    r = compute(old);
  } catch (e) {
    if (prevNode !== null) prevNode.output = self;
    old.dispose();
    throw e;
  }
  self.backend.cast(self.storage, r.storage); // same dtype: a copy
  self.bumpVersion();
  const rec = r.node;
  if (rec !== null && rec.output === r) {
    rec.output = self;
    self.attachRecord(rec);
    r.clearRecord();
    // A rule that saved its output (div) keeps reading r, which the record now owns.
    if (rec.saved.includes(r)) (rec.owned ??= []).push(r);
    else r.dispose();
  } else {
    // Nothing to differentiate (cannot happen with the gates used here; kept for safety).
    self.clearRecord();
    if (r !== old) r.dispose();
    old.dispose();
  }
}

// ---- add_ sub_ mul_ div_ ---------------------------------------------------------------------------

function binaryInPlace(op: string, kernel: Binary, outOfPlace: (a: Tensor, b: Tensor) => Tensor,
  self: Tensor, b: TensorLike): Tensor {
  target(op, self);
  let arg: Tensor;
  if (b instanceof Tensor) {
    checkArg(op, self, b);
    arg = b;
  } else {
    arg = scalarLike(checkNumber(op, b, 'the argument'), self);
  }
  try {
    if (recording(self, arg)) {
      rebase(op, self, (old) => outOfPlace(old, arg)); // a number's 0-d tensor now belongs to the graph
      return self;
    }
    const s = contiguousStrides(self.shape);
    self.backend.binary(kernel, self.storage, self.storage, arg.storage, self.shape, s,
      sameShape(arg.shape, self.shape) ? s : broadcastStrides(arg.shape, self.shape));
    self.bumpVersion();
  } catch (e) {
    if (arg !== b) arg.dispose();
    throw e;
  }
  if (arg !== b) arg.dispose();
  return self;
}

export function add_(self: Tensor, b: TensorLike): Tensor { return binaryInPlace('add_', Binary.Add, add, self, b); }
export function sub_(self: Tensor, b: TensorLike): Tensor { return binaryInPlace('sub_', Binary.Sub, sub, self, b); }
export function mul_(self: Tensor, b: TensorLike): Tensor { return binaryInPlace('mul_', Binary.Mul, mul, self, b); }
export function div_(self: Tensor, b: TensorLike): Tensor { return binaryInPlace('div_', Binary.Div, div, self, b); }

// ---- clamp_ --------------------------------------------------------------------------------------

/**
 * clamp_(min?, max?): NaN stays NaN; with min > max every element becomes max (as PyTorch).
 * Recorded as maximum then minimum: gradient 1 inside and at a bound, 0 outside.
 */
export function clamp_(self: Tensor, min?: number | null, max?: number | null): Tensor {
  target('clamp_', self);
  const lo = min === undefined || min === null ? null : checkNumber('clamp_', min, 'min');
  const hi = max === undefined || max === null ? null : checkNumber('clamp_', max, 'max');
  if (lo === null && hi === null) throw new WasmgradError('clamp_: at least one of min and max must be given');
  if (recording(self, null)) {
    rebase('clamp_', self, (old) => {
      let r = old;
      if (lo !== null) r = maximum(r, lo);
      if (hi !== null) r = minimum(r, hi);
      return r;
    });
    return self;
  }
  const s = contiguousStrides(self.shape), zero = self.shape.map(() => 0);
  for (const [kernel, v] of [[Binary.Maximum, lo], [Binary.Minimum, hi]] as const) {
    if (v === null) continue;
    const bound = scalarLike(v, self);
    try {
      self.backend.binary(kernel, self.storage, self.storage, bound.storage, self.shape, s, zero);
    } finally {
      bound.dispose();
    }
  }
  self.bumpVersion();
  return self;
}

// ---- copy_ fill_ zero_ ---------------------------------------------------------------------------

// The recorded form of an overwrite: the output is src broadcast to old's shape; old's values are
// gone, so it gets no gradient; src gets the gradient summed back to its shape.
function overwriteGate(name: string): Gate {
  return {
    name,
    forward(_ctx, [old, src]) {
      const out = empty(old.shape, old.dtype, old.backend);
      old.backend.copyStrided(out.storage, src.storage, old.shape, broadcastStrides(src.shape, old.shape), 0);
      return out;
    },
    backward(ctx, dy) {
      return [null, ctx.needsInputGrad(1) ? sumTo(dy, ctx.inputs[1].shape) : null];
    },
  };
}
const copyGate = overwriteGate('copy_');
const fillGate = overwriteGate('fill_');
const zeroGate = overwriteGate('zero_');

/** copy_(src): src's values, broadcast to this shape and converted to this dtype and backend. */
export function copy_(self: Tensor, src: Tensor): Tensor {
  target('copy_', self);
  if (!(src instanceof Tensor)) throw new WasmgradError(`copy_: src must be a Tensor, got ${describeValue(src)}`);
  src.assertLive('copy_');
  checkBroadcast('copy_', self, src, 'source');
  if (recording(self, src)) {
    // astype and to are gates themselves, so the gradient converts back.
    let s = src;
    if (s.backendName !== self.backendName) s = to(s, self.backendName);
    if (s.dtype !== self.dtype) s = astype(s, self.dtype);
    rebase('copy_', self, (old) => applyGate(copyGate, [old, s], undefined));
    return self;
  }
  const converted = src.backendName === self.backendName && src.dtype === self.dtype ? src
    : noGrad(() => astype(src.backendName === self.backendName ? src : to(src, self.backendName), self.dtype));
  try {
    self.backend.copyStrided(self.storage, converted.storage, self.shape, broadcastStrides(converted.shape, self.shape), 0);
  } finally {
    if (converted !== src) converted.dispose();
  }
  self.bumpVersion();
  return self;
}

/** fill_(v): every element becomes v. */
export function fill_(self: Tensor, value: number, op = 'fill_'): Tensor {
  target(op, self);
  const v = checkNumber(op, value, 'the value');
  if (recording(self, null)) {
    const c = scalarLike(v, self);
    try {
      rebase(op, self, (old) => applyGate(op === 'zero_' ? zeroGate : fillGate, [old, c], undefined));
    } catch (e) {
      c.dispose();
      throw e;
    }
    return self;
  }
  self.backend.fill(self.storage, v);
  self.bumpVersion();
  return self;
}

/** zero_(): fill_(0). */
export function zero_(self: Tensor): Tensor {
  return fill_(self, 0, 'zero_');
}

declare module '../tensor.js' {
  interface Tensor {
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
    add_(b: TensorLike): this;
    /**
     * In place: this -= b (PyTorch's `sub_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example const w = wg.ones([2], { requiresGrad: true }); wg.noGrad(() => w.sub_(0.5)) // tensor([0.5, 0.5])
     */
    sub_(b: TensorLike): this;
    /**
     * In place: this *= b (PyTorch's `mul_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([1, 2]).mul_(wg.tensor([3, 4])) // tensor([3, 8])
     */
    mul_(b: TensorLike): this;
    /**
     * In place: this /= b (PyTorch's `div_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([2, 4]).div_(2) // tensor([1, 2])
     */
    div_(b: TensorLike): this;
    /**
     * In place: clamps every element into [min, max] (PyTorch's `clamp_`); either bound may be
     * omitted or null, not both (a WasmgradError). NaN stays NaN; with min > max every element
     * becomes max. The recorded gradient is 1 inside and at a bound, 0 outside. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([-1, 0.5, 2]).clamp_(0, 1) // tensor([0, 0.5, 1])
     */
    clamp_(min?: number | null, max?: number | null): this;
    /**
     * In place: copies src (broadcast to this shape, converted to this dtype and backend) into this
     * tensor (PyTorch's `copy_`); src gets the gradient, summed back to its shape. A ShapeError when
     * src does not broadcast to this shape. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.zeros([2, 2]).copy_(wg.tensor([1, 2])) // tensor([[1, 2], [1, 2]])
     */
    copy_(src: Tensor): this;
    /**
     * In place: sets every element to the number v (PyTorch's `fill_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.zeros([3]).fill_(7) // tensor([7, 7, 7])
     */
    fill_(v: number): this;
    /**
     * In place: sets every element to 0 (PyTorch's `zero_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.ones([2]).zero_() // tensor([0, 0])
     */
    zero_(): this;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  add_(b) { add_(this, b); return this; },
  sub_(b) { sub_(this, b); return this; },
  mul_(b) { mul_(this, b); return this; },
  div_(b) { div_(this, b); return this; },
  clamp_(min, max) { clamp_(this, min, max); return this; },
  copy_(src) { copy_(this, src); return this; },
  fill_(v) { fill_(this, v); return this; },
  zero_() { zero_(this); return this; },
} satisfies Partial<Tensor> & ThisType<Tensor>;
