// Interpreting the random programs of programs.ts: the Engine interface (wasmgrad on any backend
// × dtype here, TensorFlow.js in tfjs-engine.ts), the repair pass that computes each `fix`
// constant, readable listings, and normwise closeness checks.

import * as wg from '../../src/index.js';
import { broadcast, sizeOf } from '../catalog/shapes.js';
import type { Axis, BinaryOp, Instr, Program, ReduceOp, Shape, Tensor, UnaryOp } from './programs.js';
import { type OtherInstr, fmtOther, operandsOf } from './other-steps.js';
import { MORE_KINDS, type MoreInstr, moreKey, wgMore } from './more-steps.js';

const f32 = Math.fround;

// ---- interpreting ----------------------------------------------------------------------------------

/** What the interpreter needs from a tensor library. */
export interface Engine<T> {
  input(data: Float64Array, shape: Shape): T;
  constant(data: Float64Array, shape: Shape): T;
  bin(op: BinaryOp, a: T, b: T, fn: boolean): T;
  num(op: BinaryOp, a: T, c: number, numFirst: boolean): T;
  un(op: UnaryOp, a: T, fn: boolean): T;
  red(op: ReduceOp, a: T, axis: Axis, keepdims: boolean): T;
  reshape(a: T, shape: Shape): T;
  transpose(a: T, perm: number[] | undefined): T;
  matmul(a: T, b: T, fn: boolean): T;
  softmax(a: T, axis: number, log: boolean): T;
  crossEntropy(a: T, labels: number[], int32: boolean): T;
  mse(pred: T, target: T): T;
  /** An op of other-steps.ts, given its operands (operandsOf(ins)). */
  other(ins: OtherInstr, xs: T[]): T;
  /** sum(a * w) */
  weightedSum(a: T, w: T): T;
  add(a: T, b: T): T;
  shapeOf(a: T): Shape;
  /** Float64 values (only the repair engine needs it). */
  read?(a: T): Float64Array;
}

/** Evaluates the program; returns every node and the final scalar. */
export function evaluate<T>(prog: Program, eng: Engine<T>, inputs: T[]): { nodes: T[]; total: T } {
  const nodes: T[] = [];
  const repairing = typeof eng.read === 'function';
  prog.instrs.forEach((ins, i) => {
    let t: T;
    switch (ins.k) {
      case 'input': t = inputs[ins.index]; break;
      case 'const': t = eng.constant(ins.data, ins.shape); break;
      case 'bin': t = eng.bin(ins.op, nodes[ins.a], nodes[ins.b], ins.fn); break;
      case 'num': t = eng.num(ins.op, nodes[ins.a], ins.c, ins.numFirst); break;
      case 'un': t = eng.un(ins.op, nodes[ins.a], ins.fn); break;
      case 'red': t = eng.red(ins.op, nodes[ins.a], ins.axis, ins.keepdims); break;
      case 'reshape': t = eng.reshape(nodes[ins.a], ins.shape); break;
      case 'transpose': t = eng.transpose(nodes[ins.a], ins.perm); break;
      case 'matmul': t = eng.matmul(nodes[ins.a], nodes[ins.b], ins.fn); break;
      case 'softmax': t = eng.softmax(nodes[ins.a], ins.axis, ins.log); break;
      case 'ce': t = eng.crossEntropy(nodes[ins.a], ins.labels, ins.int32); break;
      case 'mse': t = eng.mse(nodes[ins.a], nodes[ins.b]); break;
      case 'fix': {
        if (ins.d === undefined) {
          if (!repairing) throw new Error(`program not repaired (instruction ${i})`);
          const x = eng.read!(nodes[ins.a]);
          const other = ins.mode.kind === 'tie' ? eng.read!(nodes[ins.mode.b]) : null;
          ins.d = computeFix(ins, x, prog.shapes[ins.a], other, ins.mode.kind === 'tie' ? prog.shapes[ins.mode.b] : null);
        }
        t = ins.d === null ? nodes[ins.a] : eng.add(nodes[ins.a], eng.constant(ins.d, ins.shape));
        break;
      }
      default: t = eng.other(ins, operandsOf(ins).map((x) => nodes[x]));
    }
    const got = eng.shapeOf(t);
    if (got.join() !== prog.shapes[i].join()) {
      throw new Error(`instruction ${i} (${fmtInstr(ins, i)}) made shape [${got}], the generator expected [${prog.shapes[i]}]`);
    }
    nodes.push(t);
  });
  let total: T | null = null;
  for (const s of prog.sinks) {
    const term = eng.weightedSum(nodes[s.node], eng.constant(s.w, prog.shapes[s.node]));
    total = total === null ? term : eng.add(total, term);
  }
  return { nodes, total: total! };
}

function stridesOf(shape: Shape): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Reads flat data of `shape` broadcast to `out`. */
function broadcastRead(data: Float64Array, shape: Shape, out: Shape): Float64Array {
  const n = out.length;
  const st = stridesOf(shape);
  const bs = out.map((_, i) => {
    const j = shape.length - n + i;
    return j < 0 || shape[j] === 1 ? 0 : st[j];
  });
  const res = new Float64Array(sizeOf(out));
  const idx = new Array(n).fill(0);
  for (let k = 0; k < res.length; k++) {
    let off = 0;
    for (let i = 0; i < n; i++) off += idx[i] * bs[i];
    res[k] = data[off];
    for (let i = n - 1; i >= 0; i--) { if (++idx[i] < out[i]) break; idx[i] = 0; }
  }
  return res;
}

function computeFix(ins: Extract<Instr, { k: 'fix' }>, x: Float64Array, xShape: Shape,
  other: Float64Array | null, otherShape: Shape | null): Float64Array | null {
  let scale = 1;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  if (other) for (const v of other) scale = Math.max(scale, Math.abs(v));
  const margin = 2e-3 * scale;
  const step = f32(3 * margin);
  const d = new Float64Array(sizeOf(ins.shape));
  let any = false;
  const mode = ins.mode;
  if (mode.kind === 'zero') {
    x.forEach((v, i) => {
      if (Math.abs(v - mode.center) < margin) { d[i] = v >= mode.center ? step : -step; any = true; }
    });
  } else if (mode.kind === 'tie') {
    // d has a's shape: each element of a moves by the smallest multiple of step that keeps it
    // `margin` away from every element of b it meets under broadcasting.
    const out = broadcast(xShape, otherShape!)!;
    const n = out.length;
    const as = stridesOf(xShape), bs = stridesOf(otherShape!);
    const aStr = out.map((_, i) => { const j = xShape.length - n + i; return j < 0 || xShape[j] === 1 ? 0 : as[j]; });
    const bStr = out.map((_, i) => { const j = otherShape!.length - n + i; return j < 0 || otherShape![j] === 1 ? 0 : bs[j]; });
    const meets: number[][] = Array.from({ length: x.length }, () => []);
    const idx = new Array(n).fill(0);
    for (let k = 0; k < sizeOf(out); k++) {
      let oa = 0, ob = 0;
      for (let i = 0; i < n; i++) { oa += idx[i] * aStr[i]; ob += idx[i] * bStr[i]; }
      meets[oa].push(other![ob]);
      for (let i = n - 1; i >= 0; i--) { if (++idx[i] < out[i]) break; idx[i] = 0; }
    }
    meets.forEach((bv, j) => {
      const clear = (shift: number) => bv.every((v) => Math.abs(x[j] + shift - v) >= margin);
      if (clear(0)) return;
      for (let m = 1; ; m++) {
        const s = clear(m * step) ? m * step : clear(-m * step) ? -m * step : 0;
        if (s !== 0) { d[j] = f32(s); any = true; return; }
      }
    });
  } else {
    const ndim = xShape.length;
    const list = mode.axis === undefined ? Array.from({ length: ndim }, (_, i) => i)
      : (Array.isArray(mode.axis) ? mode.axis : [mode.axis]).map((a) => (a < 0 ? a + ndim : a));
    const kept = xShape.map((dd, i) => (list.includes(i) ? 1 : dd));
    const ks = stridesOf(kept);
    const groups = new Map<number, number[]>();
    const idx = new Array(ndim).fill(0);
    for (let k = 0; k < x.length; k++) {
      let g = 0;
      for (let i = 0; i < ndim; i++) if (!list.includes(i)) g += idx[i] * ks[i];
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(k);
      for (let i = ndim - 1; i >= 0; i--) { if (++idx[i] < xShape[i]) break; idx[i] = 0; }
    }
    const sg = mode.lowest ? -1 : 1; // the smallest of x is the largest of -x
    for (const members of groups.values()) {
      let top = members[0];
      for (const k of members) if (sg * x[k] > sg * x[top]) top = k;
      let second = -Infinity;
      for (const k of members) if (k !== top) second = Math.max(second, sg * x[k]);
      if (sg * x[top] - second < margin) { d[top] = sg * step; any = true; }
    }
  }
  return any ? d : null;
}

export function fmtInstr(ins: Instr, i: number): string {
  const n = (x: number) => `n${x}`;
  switch (ins.k) {
    case 'input': return `input #${ins.index}`;
    case 'const': return `const [${ins.shape}]`;
    case 'bin': return `${ins.fn ? 'wg.' : ''}${ins.op}(${n(ins.a)}, ${n(ins.b)})`;
    case 'num': return ins.numFirst ? `wg.${ins.op}(${ins.c}, ${n(ins.a)})` : `${ins.op}(${n(ins.a)}, ${ins.c})`;
    case 'un': return `${ins.op}(${n(ins.a)})`;
    case 'red': return `${ins.op}(${n(ins.a)}, ${JSON.stringify(ins.axis)}, ${ins.keepdims})`;
    case 'reshape': return `reshape(${n(ins.a)}, [${ins.shape}])`;
    case 'transpose': return `transpose(${n(ins.a)}${ins.perm ? `, [${ins.perm}]` : ''})`;
    case 'matmul': return `matmul(${n(ins.a)}, ${n(ins.b)})`;
    case 'softmax': return `${ins.log ? 'logSoftmax' : 'softmax'}(${n(ins.a)}, ${ins.axis})`;
    case 'ce': return `crossEntropy(${n(ins.a)}, ${JSON.stringify(ins.labels)}${ins.int32 ? ' as Int32Array' : ''})`;
    case 'mse': return `mseLoss(${n(ins.a)}, ${n(ins.b)})`;
    case 'fix': return ins.d ? `${n(ins.a)} + d (moved off the ${ins.mode.kind === 'top' ? 'max tie' : ins.mode.kind === 'tie' ? `tie with n${ins.mode.b}` : `kink at ${ins.mode.center}`})` : `${n(ins.a)}`;
    default: return fmtOther(ins, n);
  }
  return `?${i}`;
}

/** A readable listing of a program (printed with every failure). */
export function listing(prog: Program): string {
  const lines = prog.instrs.map((ins, i) => `  n${i} = ${fmtInstr(ins, i)}  : [${prog.shapes[i]}]`);
  lines.push(`  result = ${prog.sinks.map((s) => `sum(n${s.node} * W${s.node})`).join(' + ')}`);
  const data = prog.inputs.map((inp, i) => `  input #${i} [${inp.shape}] = ${JSON.stringify(Array.from(inp.data).slice(0, 24))}`);
  return [...lines, ...data].join('\n');
}

/** Counts op kinds in a program (coverage report). */
export function opCounts(prog: Program, into: Map<string, number>): void {
  for (const ins of prog.instrs) {
    let key: string = ins.k;
    if (ins.k === 'bin' || ins.k === 'un' || ins.k === 'red') key = ins.op;
    else if (ins.k === 'num') key = `${ins.op}(number)`;
    else if (ins.k === 'softmax') key = ins.log ? 'logSoftmax' : 'softmax';
    else if (ins.k === 'ce') key = 'crossEntropy';
    else if (ins.k === 'mse') key = 'mseLoss';
    else if (ins.k === 'fix') key = ins.d ? 'fix(applied)' : 'fix(none needed)';
    else if (MORE_KINDS.includes(ins.k)) key = moreKey(ins as MoreInstr);
    into.set(key, (into.get(key) ?? 0) + 1);
  }
}

// ---- the wasmgrad engine ------------------------------------------------------------------------

export class WgEngine implements Engine<Tensor> {
  constructor(readonly dtype: 'float32' | 'float64', readonly repair = false) {
    if (repair) this.read = (a: Tensor) => Float64Array.from(a.data());
  }

  read?: (a: Tensor) => Float64Array;
  input(data: Float64Array, shape: Shape): Tensor {
    return wg.tensor(data, { dtype: this.dtype, shape, requiresGrad: true });
  }
  constant(data: Float64Array, shape: Shape): Tensor {
    return wg.tensor(data, { dtype: this.dtype, shape });
  }
  bin(op: BinaryOp, a: Tensor, b: Tensor, fn: boolean): Tensor {
    return fn ? (wg as any)[op](a, b) : (a as any)[op](b);
  }
  num(op: BinaryOp, a: Tensor, c: number, numFirst: boolean): Tensor {
    return numFirst ? (wg as any)[op](c, a) : (a as any)[op](c);
  }
  un(op: UnaryOp, a: Tensor, fn: boolean): Tensor {
    return fn ? (wg as any)[op](a) : (a as any)[op]();
  }
  red(op: ReduceOp, a: Tensor, axis: Axis, keepdims: boolean): Tensor {
    if (axis === undefined && !keepdims) return (a as any)[op]();
    return (a as any)[op](axis, keepdims);
  }
  reshape(a: Tensor, shape: Shape): Tensor { return a.reshape(shape); }
  transpose(a: Tensor, perm: number[] | undefined): Tensor { return perm ? a.transpose(perm) : a.transpose(); }
  matmul(a: Tensor, b: Tensor, fn: boolean): Tensor { return fn ? wg.matmul(a, b) : a.matmul(b); }
  softmax(a: Tensor, axis: number, log: boolean): Tensor {
    return log ? (axis === -1 ? a.logSoftmax() : a.logSoftmax(axis)) : (axis === -1 ? wg.softmax(a) : a.softmax(axis));
  }
  crossEntropy(a: Tensor, labels: number[], int32: boolean): Tensor {
    return int32 ? wg.crossEntropy(a, Int32Array.from(labels)) : a.crossEntropy(labels);
  }
  // mseLoss refuses a target of another shape (issue 10): the generated one is broadcast first
  mse(pred: Tensor, target: Tensor): Tensor { return pred.mseLoss(wg.broadcastTo(target, pred.shape)); }
  other(ins: OtherInstr, xs: Tensor[]): Tensor {
    const [a] = xs;
    switch (ins.k) {
      case 'narrow': return a.narrow(ins.dim, ins.start, ins.length);
      case 'cat': return wg.cat(xs, ins.dim);
      case 'pad': return ins.value === 0 && ins.pads.length === 2 ? a.pad(ins.pads) : a.pad(ins.pads, ins.value);
      case 'flip': return a.flip(ins.dims);
      case 'permute': return ins.spread ? a.permute(...ins.dims) : a.permute(ins.dims);
      case 'squeeze': return ins.dim === undefined ? a.squeeze() : a.squeeze(ins.dim);
      case 'unsqueeze': return a.unsqueeze(ins.dim);
      case 'indexSelect': {
        const idx = ins.form === 'array' ? ins.indices : ins.form === 'int32array' ? Int32Array.from(ins.indices)
          : wg.tensor(Int32Array.from(ins.indices), { dtype: 'int32', shape: [ins.indices.length] });
        return a.indexSelect(ins.dim, idx);
      }
      case 'gather': return a.gather(ins.dim, wg.tensor(Int32Array.from(ins.index), { dtype: 'int32', shape: ins.indexShape }));
      case 'where': return xs[2].where(xs[0].gt(xs[1]), xs[3]);
      case 'clamp': return a.clamp(ins.min ?? null, ins.max ?? null);
      case 'prod': return ins.axis === undefined && !ins.keepdims ? a.prod() : a.prod(ins.axis, ins.keepdims);
      case 'logsumexp': return ins.keepdims ? a.logsumexp(ins.axis, true) : a.logsumexp(ins.axis);
      case 'cumsum': return a.cumsum(ins.dim);
      default: return wgMore(ins, xs);
    }
  }
  weightedSum(a: Tensor, w: Tensor): Tensor { return a.mul(w).sum(); }
  add(a: Tensor, b: Tensor): Tensor { return a.add(b); }
  shapeOf(a: Tensor): Shape { return a.shape.slice(); }
}

export interface Outcome {
  value: number;
  grads: Float64Array[];
}

/** Fills in every fix's constant (float64, js backend). Must run before any comparison. */
export function repair(prog: Program): void {
  const prev = wg.getBackend();
  wg.setBackend('js');
  try {
    wg.tidy(() => {
      const eng = new WgEngine('float64', true);
      const inputs = prog.inputs.map((inp) => eng.input(inp.data, inp.shape));
      const { nodes } = evaluate(prog, eng, inputs);
      // The generator's intervals must hold: conditioning (exp, log, denominators) rests on them.
      nodes.forEach((t, i) => {
        const [lo, hi] = prog.bounds[i];
        const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
        for (const v of t.data()) {
          if (!(v >= lo - slack && v <= hi + slack)) {
            throw new Error(`generator bug: n${i} = ${fmtInstr(prog.instrs[i], i)} has value ${v} outside [${lo}, ${hi}]\n${listing(prog)}`);
          }
        }
      });
    });
  } finally {
    wg.setBackend(prev);
  }
}

/** Value and input gradients of a program in wasmgrad on a backend and dtype; frees everything. */
export function runWasmgrad(prog: Program, backend: 'wasm' | 'js', dtype: 'float32' | 'float64'): Outcome {
  const prev = wg.getBackend();
  wg.setBackend(backend);
  try {
    return wg.tidy(() => {
      const eng = new WgEngine(dtype);
      const inputs = prog.inputs.map((inp) => eng.input(inp.data, inp.shape));
      const { total } = evaluate(prog, eng, inputs);
      if (total.shape.length !== 0 || total.dtype !== dtype) throw new Error(`result is ${total.dtype} [${total.shape}]`);
      total.backward();
      const grads = inputs.map((x, i) => {
        if (x.grad === null) throw new Error(`input #${i} got no gradient`);
        if (x.grad.shape.join() !== x.shape.join()) throw new Error(`input #${i}: grad shape [${x.grad.shape}] != [${x.shape}]`);
        if (x.grad.dtype !== dtype) throw new Error(`input #${i}: grad dtype ${x.grad.dtype}`);
        return Float64Array.from(x.grad.data());
      });
      const value = total.item();
      for (const x of inputs) x.dispose(); // also frees .grad
      return { value, grads };
    });
  } finally {
    wg.setBackend(prev);
  }
}

// ---- closeness -------------------------------------------------------------------------------------

export interface Tol { rtol: number; atol: number }

/**
 * Normwise closeness: |a - e| <= rtol·|e| + atol·max(1, max|e|) elementwise. The absolute part
 * scales with the tensor's magnitude, since a well-conditioned program's rounding errors do.
 * Returns null when close, else a description of the worst element.
 */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol, floor = 1): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return `index ${i}: ${a} vs ${e}`;
      continue;
    }
    const excess = Math.abs(a - e) - (tol.rtol * Math.abs(e) + tol.atol * scale);
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) { worst = i; worstExcess = excess; }
  }
  if (worst < 0) return null;
  return `index ${worst}: ${actual[worst]} vs ${expected[worst]} (|diff| ${Math.abs(actual[worst] - expected[worst]).toExponential(2)}, scale ${scale.toPrecision(3)}, rtol ${tol.rtol}, atol ${tol.atol})`;
}

/** Compares two outcomes; throws with the program listing on a mismatch. */
export function expectSame(prog: Program, what: string, actual: Outcome, expected: Outcome, tol: Tol): void {
  const problems: string[] = [];
  // the value's scale is that of the terms that were summed: use the gradient magnitudes as a floor
  const v = compare([actual.value], [expected.value], tol, 1);
  if (v) problems.push(`value: ${v}`);
  expected.grads.forEach((g, i) => {
    const d = compare(actual.grads[i], g, tol, 1);
    if (d) problems.push(`grad of input #${i} [${prog.inputs[i].shape}]: ${d}`);
  });
  if (problems.length > 0) {
    throw new Error(`${what}:\n  ${problems.join('\n  ')}\nprogram:\n${listing(prog)}`);
  }
}
