// The Backend interface: storage plus the primitive kernels every op is built from.
//
// Both backends (pure-JS typed arrays and AssemblyScript/wasm linear memory) implement exactly
// this interface, so ops never touch typed arrays and one test suite runs on both.
//
// Conventions shared by every primitive:
// - All tensors are stored contiguous, row-major. `out` is always a fresh contiguous Storage
//   of the right size, allocated by the caller; kernels never allocate tensors.
// - Shapes and strides are counted in elements, not bytes. A stride of 0 broadcasts.
// - Every storage passed to one call has the same dtype (the ops layer checks this), except
//   `labels` (int32) and the two sides of `cast`.
// - Sizes may be 0; a kernel with nothing to do returns without touching memory.
// - In-place writes (Tensor.add_, clamp_, copy_) pass the tensor's own storage as `out` and as
//   `a` of binary (read contiguously with out's shape) or copyStrided: elementwise kernels must
//   read element i before writing it, on every thread split.

/**
 * Element types of tensors: 32- or 64-bit IEEE floats, or 32-bit signed integers for indices
 * and labels ('int32': no gradient; differentiable ops reject it with a DTypeError, convert
 * with `astype`). Ops never promote: mixing dtypes throws a DTypeError.
 */
export type DType = 'float32' | 'float64' | 'int32';
/** The dtypes gradients flow through. */
export type FloatDType = 'float32' | 'float64';
/** Storage element types: the same as the public dtypes. */
export type SType = DType;
/** The two backends: 'wasm' (AssemblyScript SIMD kernels, the default) and 'js' (plain typed-array loops). */
export type BackendName = 'wasm' | 'js';

/** A block of elements owned by one backend. `refs` counts the tensors sharing it. */
export interface Storage {
  readonly backend: BackendName;
  readonly dtype: SType;
  /** Number of elements. */
  readonly size: number;
  /** Bytes reserved for it (size * bytes per element). */
  readonly bytes: number;
  /** Tensors that share this storage (reshape/detach share, they do not copy). */
  refs: number;
  /** True once freed; a freed storage must never reach a kernel. */
  freed: boolean;
}

// The op codes (names, codes, thread cost classes) come from the op table, src/backend/opcodes.ts.
export { Unary, UnaryGrad, Binary, Reduce } from './opcodes.js';
import type { Binary, Reduce, Unary, UnaryGrad } from './opcodes.js';

export interface Backend {
  readonly name: BackendName;

  // ---- storage -------------------------------------------------------------------------------
  /** Allocates `size` elements, contents unspecified. Throws OutOfMemoryError if memory is exhausted. */
  alloc(dtype: SType, size: number): Storage;
  free(s: Storage): void;
  /** Copies src[0..n) into s starting at element `offset` (default 0). */
  write(s: Storage, src: ArrayLike<number>, offset?: number): void;
  /** A fresh typed-array copy of the whole storage (Float32Array, Float64Array or Int32Array). */
  read(s: Storage): Float32Array | Float64Array | Int32Array;
  /** One element. */
  get(s: Storage, index: number): number;
  fill(s: Storage, value: number): void;
  /** Converts between float32, float64 and int32 (same size); equal dtypes copy. Float to int32 truncates (see castToInt32). */
  cast(out: Storage, a: Storage): void;
  /**
   * float32/float64 `a` into int32 `out`, truncating toward zero (PyTorch); returns the index of
   * the first NaN, ±Inf or out-of-int32-range element (out is then partly written), or -1.
   */
  castToInt32(out: Storage, a: Storage): number;
  /** Bytes the backend currently holds for its heap (the wasm memory size; 0 for js). */
  heapBytes(): number;
  /**
   * The backend's own count of storages allocated and not yet freed, and the sum of their
   * `bytes`, kept where allocation happens (for wasm: by the allocator wrapper in assembly/mem.ts).
   */
  liveAllocations(): { count: number; bytes: number };

  // ---- elementwise ---------------------------------------------------------------------------
  unary(op: Unary, out: Storage, a: Storage): void;
  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void;
  /**
   * out has `shape` (contiguous); a and b are read at offset 0 with the given element strides
   * (0 where that input broadcasts). shape, aStrides and bStrides have the same length (may be 0).
   */
  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void;
  /** out (contiguous, `shape`) = a read with element `strides` from element `offset`: transpose, expand. */
  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void;
  /**
   * out[outOffset + idx . outStrides] = a[aOffset + idx . aStrides] for every index of `shape`:
   * a strided copy into part of out, the rest of out untouched (cat, stack, pad, and a slice's
   * gradient into zeros). Strides may be negative (flip); out's must not repeat an element.
   */
  copyInto(out: Storage, outOffset: number, outStrides: readonly number[], a: Storage, aOffset: number,
    aStrides: readonly number[], shape: readonly number[]): void;
  /** dst += src, elementwise, same size (gradient accumulation). */
  addInPlace(dst: Storage, src: Storage): void;

  // ---- reductions (a viewed as [outer, red, inner]; out is [outer, inner]) -------------------
  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void;
  /** out has a's size: 1 at the first index of each max along `red`, 0 elsewhere. */
  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void;
  /** out (a's shape) = the running sum of a along n (from the end of n when reverse): cumsum. */
  cumsum(out: Storage, a: Storage, outer: number, n: number, inner: number, reverse: boolean): void;

  // ---- matmul --------------------------------------------------------------------------------
  /**
   * For each of `batch` problems: C[M,N] = op(A) · op(B), op(A) is [M,K], op(B) is [K,N].
   * A is stored [M,K] (or [K,M] when transA), B is stored [K,N] (or [N,K] when transB).
   * Problem i reads A at element offset i*aBatchStride, B at i*bBatchStride (0 broadcasts) and
   * writes C at i*M*N. C is overwritten.
   */
  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void;

  // ---- softmax family (a viewed as [outer, n, inner], normalised along n) ---------------------
  /** softmax (log = false) or logSoftmax (log = true), numerically stable (max subtracted). */
  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void;
  /**
   * Backward of softmax from its cached output y: dx = y * (dy - sum(dy * y)).
   * Backward of logSoftmax from its cached output y: dx = dy - exp(y) * sum(dy).
   */
  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void;
  /**
   * Softmax cross-entropy, fused. logits [N, C], labels int32 [N] (already validated in range).
   * Writes probs (softmax of logits, [N, C]) and returns the mean loss
   * -(1/N) Σ log softmax(logits)[i, labels[i]].
   */
  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number;
  /** out[i, c] = scale * (probs[i, c] - (c == labels[i])). */
  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void;

  // ---- gather / scatter-add along one dimension (indexSelect, gather, their backward) ---------
  // The gathered side is viewed as [outer, n, inner], the indexed side as [outer, dim, inner];
  // index is [n] (one index per row, perElement false) or [outer, n, inner] (one per element,
  // perElement true). gather takes an int32 index or a float one holding integers, and checks
  // each entry is an integer in [0, dim) as it goes; scatterAdd takes an int32 index a gather has
  // checked.
  /**
   * out[o, j, i] = src[o, index[j] (or index[o, j, i]), i]. Returns the first position of index
   * not an integer in [0, dim) (out is then partly written), or -1.
   */
  gather(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): number;
  /** The adjoint of gather: out (overwritten) = 0, then out[o, index, i] += src[o, j, i]; repeated indices accumulate. */
  scatterAdd(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): void;
  /**
   * Index tensors to int32: out (int32, src's size) = src while each entry is an integer in
   * [0, size); returns the position of the first entry that is not (out is then partly written), or -1.
   */
  indexFrom(out: Storage, src: Storage, size: number): number;

  // ---- attention (scores viewed as [batch, L, S], one row of S per query) ---------------------
  /**
   * In place, per row (u, i): x_j = scale * p[u, i, j] masked (causal: -Inf where j > i; a bool
   * mask: -Inf where it is 0; an additive mask: + mask), then p = softmax(x) along the row. A
   * row with no position left (all -Inf) becomes NaN, as in PyTorch. The mask is read at
   * maskOffset(u) + i * sl + j * ss (see AttnMask).
   */
  attnSoftmax(p: Storage, batch: number, L: number, S: number, scale: number, causal: boolean, mask: AttnMask | null): void;
  /** The softmax backward with the scale folded in: out = scale * p * (dp - rowsum(dp * p)), rows of S; out may alias dp. */
  attnSoftmaxGrad(out: Storage, p: Storage, dp: Storage, rows: number, S: number, scale: number): void;

  // ---- convolution (NCHW; 1-d convolutions use H = KH = OH = 1) -------------------------------
  // x [N, C, H, W], w [O, C/groups, KH, KW], y [N, O, OH, OW]; cross-correlation (no kernel
  // flip) with zero padding; padH/padW pad the top/left edge, the bottom/right padding is
  // whatever OH/OW imply. No bias (the ops add it). Outputs are overwritten.
  /** y = conv(x, w). */
  conv2d(y: Storage, x: Storage, w: Storage, g: ConvGeom): void;
  /** dx = the adjoint of conv2d in x applied to dy (col2im of wᵀ·dy); also convTranspose2d's forward. */
  conv2dBackwardInput(dx: Storage, dy: Storage, w: Storage, g: ConvGeom): void;
  /** dw = the adjoint of conv2d in w applied to dy: Σ over images of dy · im2col(x)ᵀ. */
  conv2dBackwardWeight(dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void;

  // ---- pooling over [planes, H, W] planes (NCHW, planes = N·C; 1-d pooling uses H = KH = OH = 1) ----
  // Max pooling's backward scatters dy through its indices (maxPool2dBackward: scatterAdd with
  // outer = planes, n = OH·OW, inner = 1, dim = H·W, perElement), and the gradient of that is
  // gather through them.
  /**
   * y[p, oy, ox] = the max of x[p] over the window of (oy, ox), indices[p, oy, ox] (int32) = its
   * in-plane index iy·W + ix; ties go to the first element in window order, a NaN always wins.
   * Every window holds at least one input element (the ops layer checks).
   */
  maxPool2d(y: Storage, indices: Storage, x: Storage, g: PoolGeom): void;
  /** dx (overwritten) = dy added at each window's winner indices[p, oy, ox] of its plane, outputs in order. */
  maxPool2dBackward(dx: Storage, dy: Storage, indices: Storage, g: PoolGeom): void;
  /** y = the mean of each window of x (PoolGeom's avg fields; dilation is 1). A window on the padding alone gives 0. */
  avgPool2d(y: Storage, x: Storage, g: PoolGeom): void;
  /** dx (overwritten) = the adjoint of avgPool2d applied to dy: dy / divisor spread over each window. */
  avgPool2dBackward(dx: Storage, dy: Storage, g: PoolGeom): void;
  // ---- normalisation (x viewed as [N, C, S]; gamma/beta per channel, null: 1 and 0) -----------
  // mean and invstd = 1 / sqrt(biased variance + eps) are written per statistics unit by the
  // forward and read back by the backward: dx = invstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·gamma.
  /** Batch norm: per channel c over its N·S values; y = (x − mean)·invstd·gamma + beta; mean, invstd [C]. */
  batchNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, C: number, S: number, eps: number): void;
  /** Batch norm's backward: dx (null: not wanted), dgamma = Σ dy·x̂ and dbeta = Σ dy per channel (null: not wanted). */
  batchNormGrad(dx: Storage | null, dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage,
    invstd: Storage, gamma: Storage | null, N: number, C: number, S: number): void;
  /**
   * Group norm (C = G·cpg; layer norm is G = 1, S = 1): per (n, g) over its contiguous cpg·S
   * values; y = (x − mean)·invstd·gamma[c] + beta[c]; mean, invstd [N·G].
   */
  groupNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, G: number, cpg: number, S: number, eps: number): void;
  /** Group norm's backward for x. */
  groupNormGrad(dx: Storage, dy: Storage, x: Storage, mean: Storage, invstd: Storage, gamma: Storage | null,
    N: number, G: number, cpg: number, S: number): void;
  /** Group norm's backward for gamma and beta: per channel Σ dy·x̂ and Σ dy over n and s (either may be null). */
  normAffineGrad(dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage, invstd: Storage,
    N: number, G: number, cpg: number, S: number): void;

  // ---- optimizer updates (in place on param and state; all same size and dtype) ---------------
  /**
   * SGD as PyTorch defines it: d = grad + weightDecay * param; with momentum > 0,
   * velocity = firstStep ? d : momentum * velocity + (1 - dampening) * d, and
   * d = nesterov ? d + momentum * velocity : velocity; then param -= lr * d.
   * velocity is ignored (may be null) when momentum == 0.
   */
  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void;
  /**
   * Adam (decoupled = false: grad += weightDecay * param) or AdamW (decoupled = true:
   * param *= 1 - lr * weightDecay), then m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g²,
   * param -= lr * (m / (1 - beta1^step)) / (sqrt(v / (1 - beta2^step)) + eps). step counts from 1.
   */
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void;
  /**
   * RMSprop: g = grad + weightDecay * param; squareAvg = alpha squareAvg + (1 - alpha) g²;
   * centered: gradAvg = alpha gradAvg + (1 - alpha) g, avg = sqrt(squareAvg - gradAvg²) + eps,
   * else avg = sqrt(squareAvg) + eps; momentum > 0: buf = momentum buf + g / avg, param -= lr buf;
   * else param -= lr g / avg. buf (gradAvg) is ignored, may be null, without momentum (centered).
   */
  rmspropStep(param: Storage, grad: Storage, squareAvg: Storage, buf: Storage | null, gradAvg: Storage | null, lr: number,
    alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean): void;
  /** Adagrad: g = grad + weightDecay * param; sum += g²; param -= clr g / (sqrt(sum) + eps). */
  adagradStep(param: Storage, grad: Storage, sum: Storage, clr: number, weightDecay: number, eps: number): void;
}

/**
 * The geometry of one 2-d convolution, in elements: input x [N, C, H, W], weight
 * w [O, C/groups, KH, KW], output y [N, O, OH, OW]; output position (oy, ox) with kernel tap
 * (ky, kx) reads x at (oy*strideH - padH + ky*dilationH, ox*strideW - padW + kx*dilationW),
 * zero outside. The ops layer checks it (OH, OW >= 1 unless N or O is 0, groups divides C and O).
 */
export interface ConvGeom {
  N: number; C: number; H: number; W: number;
  O: number; KH: number; KW: number; OH: number; OW: number;
  strideH: number; strideW: number; padH: number; padW: number;
  dilationH: number; dilationW: number; groups: number;
}

/**
 * The geometry of 2-d pooling: input [planes, H, W], output [planes, OH, OW]; output (oy, ox)
 * reads the window of taps (oy*strideH - padH + ky*dilationH, ox*strideW - padW + kx*dilationW),
 * ky < KH, kx < KW, the taps outside the input skipped. Average pooling: `adaptive` windows are
 * [floor(o·H/OH), ceil((o+1)·H/OH)) instead; the mean divides by `divisor` when it is not 0, else
 * by the window's size with its padding (countIncludePad, clipped at H + padH) or without.
 */
export interface PoolGeom {
  planes: number; H: number; W: number; OH: number; OW: number; KH: number; KW: number;
  strideH: number; strideW: number; padH: number; padW: number; dilationH: number; dilationW: number;
  countIncludePad: boolean; divisor: number; adaptive: boolean;
}

/**
 * An attention mask broadcast to [batch, L, S]: `bool` (an int32 storage, nonzero = may attend)
 * or `add` (the scores' dtype, added). Batch u reads from element
 * floor(u / b1) * sb0 + (u % b1) * sb1; sl and ss step along L and S (0 broadcasts).
 */
export interface AttnMask {
  storage: Storage; kind: 'bool' | 'add';
  b1: number; sb0: number; sb1: number; sl: number; ss: number;
}

/** Bytes per element of a storage type. */
export function bytesPer(t: SType): number {
  return t === 'float64' ? 8 : 4;
}
