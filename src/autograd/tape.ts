// Gates and the tape.
//
// Every op is a gate: a forward that computes the output and saves what its backward needs,
// and a backward rule that turns the upstream gradient into one gradient per input, written
// with ops. A call of a gate that needs gradients appends a TapeRecord to the tape: a plain object
// naming the gate, its inputs and saved tensors (no closure per node). Records carry a
// monotonically increasing id, so sorting by id gives execution order; backward walks them
// in reverse.

import { Tensor } from '../tensor.js';
import { openScope, closeScope, closeScopeKeepingOnly } from '../memory/index.js';
import { BackendError, DTypeError, DisposedError, OutOfMemoryError, WasmgradError, fmtValue } from '../errors.js';

/** What forward and backward see: saved tensors, which inputs need gradients, attributes. */
export interface GateContext<A = unknown> {
  /**
   * Saves tensors for the backward rule (inputs, the output, or values made in forward).
   *
   * @example ctx.save(x, y)
   */
  save(...tensors: Tensor[]): void;
  /** The tensors passed to `save()`, in order (read them in backward). */
  readonly saved: readonly Tensor[];
  /**
   * True when input i needs a gradient; a rule may skip computing the others.
   *
   * @example return [ctx.needsInputGrad(0) ? dy.mul(2) : null];
   */
  needsInputGrad(i: number): boolean;
  /** The gate's non-tensor arguments (undefined for gates made with defineGate). */
  readonly attrs: A;
  /** The gate's inputs. */
  readonly inputs: readonly Tensor[];
}

export interface Gate<A = unknown> {
  readonly name: string;
  /** Computes the output. Runs with recording off; may call backend kernels or ops. */
  forward(ctx: GateContext<A>, inputs: readonly Tensor[], attrs: A): Tensor;
  /** One gradient per input (null/undefined where none), each shaped like its input. */
  backward(ctx: GateContext<A>, dy: Tensor): readonly (Tensor | null | undefined)[];
  /** Set by gates whose inputs may differ in dtype or backend (astype, to). */
  readonly mixedInputs?: boolean;
  /**
   * Set by gates that accept int32 inputs: conversions and copies that move elements without
   * arithmetic (astype, to, reshape, ...), index-taking ops, and custom gates (defineGate), whose
   * forward runs ops that check for themselves. Every other gate rejects int32 with a DTypeError.
   */
  readonly acceptsInt32?: boolean;
}

let nextRecordId = 1;

/** One entry of the tape. */
export class TapeRecord<A = unknown> implements GateContext<A> {
  readonly id = nextRecordId++;
  saved: Tensor[] = [];
  /** Saved tensors made inside forward: the record owns them and frees them on release. */
  owned: Tensor[] | null = null;
  released = false;
  /** Output of the gate (for retainGrad and shape checks). */
  output: Tensor | null = null;
  /** Gradient accumulated for the output during one backward pass. */
  dy: Tensor | null = null;
  /** Visit mark of the backward pass that last collected this record. */
  mark = 0;
  /**
   * Version counters of the inputs and saved tensors when recorded (null: all 0, the common
   * case, so no array is made). backward() refuses a record whose tensors were written in
   * place since: its rule would read the new values.
   */
  inputVersions: number[] | null = null;
  savedVersions: number[] | null = null;
  constructor(readonly gate: Gate<A>, readonly inputs: readonly Tensor[], readonly attrs: A) {
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].version !== 0) {
        this.inputVersions = inputs.map((t) => t.version);
        break;
      }
    }
  }

  save(...tensors: Tensor[]): void {
    for (const t of tensors) {
      const v = t.version;
      if (v !== 0 && this.savedVersions === null) this.savedVersions = new Array<number>(this.saved.length).fill(0);
      this.saved.push(t);
      this.savedVersions?.push(v);
    }
  }

  needsInputGrad(i: number): boolean {
    return this.inputs[i].requiresGrad;
  }

  /** Drops saved values after a backward pass without retainGraph. */
  release(): void {
    this.released = true;
    this.saved = [];
    this.savedVersions = null;
    if (this.owned !== null) {
      for (const t of this.owned) t.dispose();
      this.owned = null;
    }
  }
}

/** The context forward sees when nothing is recorded: saving is a no-op. */
class NoRecordContext<A> implements GateContext<A> {
  constructor(readonly inputs: readonly Tensor[], readonly attrs: A) {}
  save(): void {}
  get saved(): readonly Tensor[] {
    return [];
  }
  needsInputGrad(): boolean {
    return false;
  }
}

// ---- recording switch ------------------------------------------------------------------------

let gradEnabled = true;

/**
 * Whether ops are being recorded on the tape: false inside `noGrad` (PyTorch's `torch.is_grad_enabled`).
 *
 * @example wg.noGrad(() => wg.isGradEnabled()) // false
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets recording on or off; returns the previous value (for try/finally restore). */
export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
}

/**
 * Runs fn with recording off: nothing inside lands on the tape.
 *
 * Returns fn's result; tensors made inside do not require gradients (PyTorch's `torch.no_grad`).
 * Use it for parameter updates and evaluation.
 *
 * @example wg.noGrad(() => wg.ones([2], { requiresGrad: true }).mul(2)).requiresGrad // false
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---- applying a gate ------------------------------------------------------------------------

/** A DTypeError unless `t` is a float tensor: int32 tensors carry no gradient and reach no float kernel. */
export function checkFloat(name: string, t: Tensor, what = 'input'): void {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${name}: ${what} is an int32 tensor of shape ${t.shapeString}; ${name} takes float32 or float64 tensors `
      + `(int32 tensors hold indices and have no gradient; convert with astype('float32'))`);
  }
}

/** Checks that inputs are live tensors of one backend and one dtype, naming the op otherwise. */
export function checkInputs(name: string, inputs: readonly Tensor[], mixed: boolean, acceptsInt32 = false): void {
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (!(t instanceof Tensor)) {
      throw new WasmgradError(`${name}: input ${i} is not a Tensor (got ${fmtValue(t)})`);
    }
    if (t.isDisposed) throw new DisposedError(`${name}: input ${i} (shape ${t.shapeString}) was disposed (by dispose(), or by the tidy() that made it)`);
    if (!acceptsInt32) checkFloat(name, t, `input ${i}`);
  }
  if (mixed || inputs.length < 2) return;
  const first = inputs[0];
  for (let i = 1; i < inputs.length; i++) {
    const t = inputs[i];
    // int32 index inputs sit beside float data (an index argument): only float dtypes must agree.
    if (t.dtype !== first.dtype && !(acceptsInt32 && (t.dtype === 'int32' || first.dtype === 'int32'))) {
      throw new DTypeError(`${name}: dtypes differ: ${first.dtype} ${first.shapeString} and ${t.dtype} ${t.shapeString} (use astype)`);
    }
    if (t.backendName !== first.backendName) {
      throw new BackendError(`${name}: backends differ: ${first.backendName} and ${t.backendName} (use to(backend))`);
    }
  }
}

/**
 * Runs a gate: forward with recording off, then, if any input requires a gradient and
 * recording is on, a TapeRecord on the output. Tensors forward made but neither returned nor saved
 * are freed at once; on an error everything forward made is freed.
 */
export function applyGate<A>(gate: Gate<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  checkInputs(gate.name, inputs, gate.mixedInputs === true, gate.acceptsInt32 === true);
  let needsGrad = false;
  if (gradEnabled) {
    for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) { needsGrad = true; break; }
  }
  const ctx: GateContext<A> = needsGrad ? new TapeRecord(gate, inputs, attrs) : new NoRecordContext(inputs, attrs);
  const scope = openScope();
  const prev = setGradEnabled(false);
  let out: Tensor;
  try {
    out = gate.forward(ctx, inputs, attrs);
    if (!(out instanceof Tensor)) {
      throw new WasmgradError(`${gate.name}: forward must return a Tensor (got ${fmtValue(out)})`);
    }
  } catch (e) {
    gradEnabled = prev;
    closeScope(scope, null, true);
    if (e instanceof OutOfMemoryError && !e.message.startsWith(`${gate.name}:`)) {
      throw new OutOfMemoryError(`${gate.name}: ${e.message}`);
    }
    throw e;
  }
  gradEnabled = prev;
  // Keep the output and saved values; what forward made besides them is freed now.
  if (scope.length === 1 && scope[0] === out) {
    closeScopeKeepingOnly(scope, out);
  } else {
    const keep = new Set<Tensor>([out]);
    if (needsGrad) {
      const rec = ctx as TapeRecord<A>;
      for (const s of rec.saved) {
        if (s !== out && scope.includes(s)) (rec.owned ??= []).push(s);
        keep.add(s);
      }
    }
    closeScope(scope, keep, true);
  }
  if (needsGrad) {
    const rec = ctx as TapeRecord<A>;
    if (out.node !== null || out.isLeaf === false || inputs.includes(out)) {
      // A gate that returned an existing tensor: wrap it so the record has its own output.
      out = out.shareStorage();
    }
    rec.output = out;
    out.attachRecord(rec);
  }
  return out;
}
