// Fused gradient gates out[i] = g(saved[i], dy[i]) and gradient accumulation dst += src.
// Pointers are byte addresses; n counts elements. Semantics follow UnaryGrad in backend.ts.

import { AddInPlaceSlot, UnaryGrad, UnaryGradSlot } from './opcodes';
import { argF64, argi, argp, range, rangeHi } from './task';
import { elemShift } from './simd';

/** s = y = sigmoid(x): dy * y * (1 - y). */
@final class SigmoidGradOp {
  @inline v<T>(s: v128, g: v128): v128 {
    return v128.mul<T>(v128.mul<T>(g, s), v128.sub<T>(v128.splat<T>(<T>1), s));
  }
  @inline s<T>(s: T, g: T): T { return g * s * (<T>1 - s); }
}
/** s = y = tanh(x): dy * (1 - y * y). */
@final class TanhGradOp {
  @inline v<T>(s: v128, g: v128): v128 {
    return v128.mul<T>(g, v128.sub<T>(v128.splat<T>(<T>1), v128.mul<T>(s, s)));
  }
  @inline s<T>(s: T, g: T): T { return g * (<T>1 - s * s); }
}
/** s = x: x <= 0 ? 0 : dy (relu'(0) = 0; where x is NaN the gradient passes, as PyTorch's threshold_backward). */
@final class ReluGradOp {
  @inline v<T>(s: v128, g: v128): v128 { return v128.andnot(g, v128.le<T>(s, v128.splat<T>(<T>0))); }
  @inline s<T>(s: T, g: T): T { return s <= <T>0 ? <T>0 : g; }
}
/** s = x: dy * sign(x); 0 at x = 0, NaN where x is NaN (as the JS backend). */
@final class AbsGradOp {
  @inline v<T>(s: v128, g: v128): v128 {
    const zero = v128.splat<T>(<T>0);
    const r = v128.or(v128.and(g, v128.gt<T>(s, zero)), v128.and(v128.neg<T>(g), v128.lt<T>(s, zero)));
    return v128.bitselect(s, r, v128.ne<T>(s, s));
  }
  @inline s<T>(s: T, g: T): T {
    return s > <T>0 ? g : s < <T>0 ? -g : s == <T>0 ? <T>0 : <T>NaN;
  }
}

@inline function gradLoop<T, OP>(out: usize, saved: usize, dy: usize, n: i32): void {
  const op = changetype<OP>(0);
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(out + i, op.v<T>(v128.load(saved + i), v128.load(dy + i)));
  for (; i < end; i += sizeof<T>()) store<T>(out + i, op.s<T>(load<T>(saved + i), load<T>(dy + i)));
}

@inline function unaryGrad<T>(op: i32, out: usize, saved: usize, dy: usize, n: i32): void {
  switch (op) {
    case UnaryGrad.Sigmoid: gradLoop<T, SigmoidGradOp>(out, saved, dy, n); break;
    case UnaryGrad.Tanh: gradLoop<T, TanhGradOp>(out, saved, dy, n); break;
    case UnaryGrad.Relu: gradLoop<T, ReluGradOp>(out, saved, dy, n); break;
    case UnaryGrad.Abs: gradLoop<T, AbsGradOp>(out, saved, dy, n); break;
    default: unreachable(); // an op code without a kernel
  }
}

/** unaryGrad_f32(op: UnaryGrad code, out: f32*, saved: f32*, dy: f32*, n: elements). */
export function unaryGrad_f32(op: i32, out: usize, saved: usize, dy: usize, n: i32): void {
  unaryGrad<f32>(op, out, saved, dy, n);
}
/** unaryGrad_f64(op: UnaryGrad code, out: f64*, saved: f64*, dy: f64*, n: elements). */
export function unaryGrad_f64(op: i32, out: usize, saved: usize, dy: usize, n: i32): void {
  unaryGrad<f64>(op, out, saved, dy, n);
}

@inline function addInPlace<T>(dst: usize, src: usize, n: i32): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(dst + i, v128.add<T>(v128.load(dst + i), v128.load(src + i)));
  for (; i < end; i += sizeof<T>()) store<T>(dst + i, load<T>(dst + i) + load<T>(src + i));
}

/** addInPlace_f32(dst: f32*, src: f32*, n: elements): dst += src. */
export function addInPlace_f32(dst: usize, src: usize, n: i32): void { addInPlace<f32>(dst, src, n); }
/** addInPlace_f64(dst: f64*, src: f64*, n: elements): dst += src. */
export function addInPlace_f64(dst: usize, src: usize, n: i32): void { addInPlace<f64>(dst, src, n); }

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a UnaryGrad task: `chunk` elements. */
export function unaryGradChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, UnaryGradSlot.N), argp(args, UnaryGradSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const op = argi(args, UnaryGradSlot.Op), out = argp(args, UnaryGradSlot.Out) + off;
  const saved = argp(args, UnaryGradSlot.Saved) + off, dy = argp(args, UnaryGradSlot.Dy) + off;
  if (f64) unaryGrad_f64(op, out, saved, dy, n);
  else unaryGrad_f32(op, out, saved, dy, n);
}

/** Chunk idx of an AddInPlace task: `chunk` elements. */
export function addInPlaceChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, AddInPlaceSlot.N), argp(args, AddInPlaceSlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const dst = argp(args, AddInPlaceSlot.Dst) + off, src = argp(args, AddInPlaceSlot.Src) + off;
  if (f64) addInPlace_f64(dst, src, n);
  else addInPlace_f32(dst, src, n);
}
