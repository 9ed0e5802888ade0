// The typed surface of build/wasmgrad*.wasm: every export, numbers only. Pointers are byte
// addresses (heap blocks are 16-byte aligned); n, shapes and strides count elements; op codes
// are the Unary/UnaryGrad/Binary/Reduce values of backend.ts; booleans travel as 0/1.

type Ptr = number;

export interface WasmExports {
  readonly memory: WebAssembly.Memory;

  // mem.ts (addresses may be >= 2^31 and come back as negative i32: read them with >>> 0;
  // 0 means out of memory; a small alloc may also trap when memory cannot grow)
  alloc(bytes: number): Ptr;
  /** From the large-block list whatever the size (when TLSF cannot grow); counted = 1 for storage. */
  allocPaged(bytes: number, counted: number): Ptr;
  free(ptr: Ptr, bytes: number): void;
  allocScratch(bytes: number): Ptr;
  freeScratch(ptr: Ptr): void;
  /** Bytes in free regions of the large-block list. */
  largeFreeBytes(): number;
  liveBlocks(): number;
  liveBytes(): number;
  copyBytes(dst: Ptr, src: Ptr, bytes: number): void;

  // elementwise.ts
  unary_f32(op: number, out: Ptr, a: Ptr, n: number): void;
  unary_f64(op: number, out: Ptr, a: Ptr, n: number): void;
  binary_f32(op: number, out: Ptr, a: Ptr, b: Ptr, n0: number, n1: number, n2: number, n3: number,
    as0: number, as1: number, as2: number, as3: number, bs0: number, bs1: number, bs2: number, bs3: number): void;
  binary_f64(op: number, out: Ptr, a: Ptr, b: Ptr, n0: number, n1: number, n2: number, n3: number,
    as0: number, as1: number, as2: number, as3: number, bs0: number, bs1: number, bs2: number, bs3: number): void;
  /** 4-byte elements (float32 and int32), bit-exact. */
  copyStrided_f32(out: Ptr, a: Ptr, n0: number, n1: number, n2: number, n3: number,
    s0: number, s1: number, s2: number, s3: number): void;
  copyStrided_f64(out: Ptr, a: Ptr, n0: number, n1: number, n2: number, n3: number,
    s0: number, s1: number, s2: number, s3: number): void;
  /** out[i.os] = a[i.as] (strided destination and source), 4-byte elements. */
  copyInto_f32(out: Ptr, a: Ptr, n0: number, n1: number, n2: number, n3: number,
    os0: number, os1: number, os2: number, os3: number, as0: number, as1: number, as2: number, as3: number): void;
  copyInto_f64(out: Ptr, a: Ptr, n0: number, n1: number, n2: number, n3: number,
    os0: number, os1: number, os2: number, os3: number, as0: number, as1: number, as2: number, as3: number): void;
  fill_f32(out: Ptr, n: number, value: number): void;
  fill_f64(out: Ptr, n: number, value: number): void;
  fill_i32(out: Ptr, n: number, value: number): void;
  cast_f32_f64(out: Ptr, a: Ptr, n: number): void;
  cast_f64_f32(out: Ptr, a: Ptr, n: number): void;
  cast_i32_f32(out: Ptr, a: Ptr, n: number): void;
  cast_i32_f64(out: Ptr, a: Ptr, n: number): void;
  /** Truncates toward zero; returns the index of the first NaN/±Inf/out-of-range element, or -1. */
  cast_f32_i32(out: Ptr, a: Ptr, n: number): number;
  cast_f64_i32(out: Ptr, a: Ptr, n: number): number;

  // elementwise_grad.ts
  unaryGrad_f32(op: number, out: Ptr, saved: Ptr, dy: Ptr, n: number): void;
  unaryGrad_f64(op: number, out: Ptr, saved: Ptr, dy: Ptr, n: number): void;
  addInPlace_f32(dst: Ptr, src: Ptr, n: number): void;
  addInPlace_f64(dst: Ptr, src: Ptr, n: number): void;

  // reduce.ts
  reduce_f32(op: number, out: Ptr, a: Ptr, outer: number, red: number, inner: number): void;
  reduce_f64(op: number, out: Ptr, a: Ptr, outer: number, red: number, inner: number): void;
  argmaxMask_f32(out: Ptr, a: Ptr, outer: number, red: number, inner: number): void;
  argmaxMask_f64(out: Ptr, a: Ptr, outer: number, red: number, inner: number): void;

  // scan.ts
  cumsum_f32(out: Ptr, a: Ptr, outer: number, n: number, inner: number, reverse: number): void;
  cumsum_f64(out: Ptr, a: Ptr, outer: number, n: number, inner: number, reverse: number): void;

  // matmul.ts
  matmulScratchBytes_f32(M: number, N: number, K: number): number;
  matmulScratchBytes_f64(M: number, N: number, K: number): number;
  matmul_f32(c: Ptr, a: Ptr, b: Ptr, scratch: Ptr, batch: number, M: number, N: number, K: number,
    transA: number, transB: number, aBatchStride: number, bBatchStride: number): void;
  matmul_f64(c: Ptr, a: Ptr, b: Ptr, scratch: Ptr, batch: number, M: number, N: number, K: number,
    transA: number, transB: number, aBatchStride: number, bBatchStride: number): void;

  // softmax.ts
  softmax_f32(out: Ptr, a: Ptr, outer: number, n: number, inner: number, log: number): void;
  softmax_f64(out: Ptr, a: Ptr, outer: number, n: number, inner: number, log: number): void;
  softmaxGrad_f32(out: Ptr, y: Ptr, dy: Ptr, outer: number, n: number, inner: number, log: number): void;
  softmaxGrad_f64(out: Ptr, y: Ptr, dy: Ptr, outer: number, n: number, inner: number, log: number): void;
  crossEntropy_f32(probs: Ptr, logits: Ptr, labels: Ptr, N: number, C: number): number;
  crossEntropy_f64(probs: Ptr, logits: Ptr, labels: Ptr, N: number, C: number): number;
  crossEntropyGrad_f32(out: Ptr, probs: Ptr, labels: Ptr, N: number, C: number, scale: number): void;
  crossEntropyGrad_f64(out: Ptr, probs: Ptr, labels: Ptr, N: number, C: number, scale: number): void;

  // optim.ts (in place on param and state; velocity may be 0 when momentum == 0; step counts from 1)
  sgdStep_f32(param: Ptr, grad: Ptr, velocity: Ptr, n: number, lr: number, momentum: number, dampening: number,
    weightDecay: number, nesterov: number, firstStep: number): void;
  sgdStep_f64(param: Ptr, grad: Ptr, velocity: Ptr, n: number, lr: number, momentum: number, dampening: number,
    weightDecay: number, nesterov: number, firstStep: number): void;
  adamStep_f32(param: Ptr, grad: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: number, step: number): void;
  adamStep_f64(param: Ptr, grad: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: number, step: number): void;
  rmspropStep_f32(param: Ptr, grad: Ptr, squareAvg: Ptr, buf: Ptr, gradAvg: Ptr, n: number, lr: number, alpha: number,
    eps: number, weightDecay: number, momentum: number, centered: number): void;
  rmspropStep_f64(param: Ptr, grad: Ptr, squareAvg: Ptr, buf: Ptr, gradAvg: Ptr, n: number, lr: number, alpha: number,
    eps: number, weightDecay: number, momentum: number, centered: number): void;
  adagradStep_f32(param: Ptr, grad: Ptr, sum: Ptr, n: number, clr: number, weightDecay: number, eps: number): void;
  adagradStep_f64(param: Ptr, grad: Ptr, sum: Ptr, n: number, clr: number, weightDecay: number, eps: number): void;

  // gather.ts (index: i32*, or for gather_* f32*/f64* of integers; perElement 0: index [n], 1: index [outer, n, inner])
  /** indexType 0 i32, 1 f32, 2 f64. Returns the first position of index not an integer in [0, dim) (out then partly written), or -1. */
  gather_f32(out: Ptr, src: Ptr, index: Ptr, outer: number, n: number, inner: number, dim: number, perElement: number, indexType: number): number;
  gather_f64(out: Ptr, src: Ptr, index: Ptr, outer: number, n: number, inner: number, dim: number, perElement: number, indexType: number): number;
  /** out [outer, dim, inner] is overwritten: out = 0, then out[o, index, i] += src[o, j, i]. */
  scatterAdd_f32(out: Ptr, src: Ptr, index: Ptr, outer: number, n: number, inner: number, dim: number, perElement: number): void;
  scatterAdd_f64(out: Ptr, src: Ptr, index: Ptr, outer: number, n: number, inner: number, dim: number, perElement: number): void;
  /** out: i32* [n] = src [n] while each is an integer in [0, size); returns the first bad position or -1. */
  indexFrom_f32(out: Ptr, src: Ptr, n: number, size: number): number;
  indexFrom_f64(out: Ptr, src: Ptr, n: number, size: number): number;
  indexFrom_i32(out: Ptr, src: Ptr, n: number, size: number): number;

  // pool.ts: [planes, H, W] planes; mode 0 counts the padding, 1 does not, 2 adaptive windows; divisor 0: the count
  maxPool2d_f32(y: Ptr, idx: Ptr, x: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, dH: number, dW: number): void;
  maxPool2d_f64(y: Ptr, idx: Ptr, x: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, dH: number, dW: number): void;
  /** dx (overwritten) = dy scattered to the winners' in-plane indices idx, per plane (plane = H*W, oplane = OH*OW). */
  maxPool2dBackward_f32(dx: Ptr, dy: Ptr, idx: Ptr, planes: number, plane: number, oplane: number): void;
  maxPool2dBackward_f64(dx: Ptr, dy: Ptr, idx: Ptr, planes: number, plane: number, oplane: number): void;
  avgPool2d_f32(y: Ptr, x: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, mode: number, divisor: number): void;
  avgPool2d_f64(y: Ptr, x: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, mode: number, divisor: number): void;
  avgPool2dBackward_f32(dx: Ptr, dy: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, mode: number, divisor: number): void;
  avgPool2dBackward_f64(dx: Ptr, dy: Ptr, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sH: number, sW: number, pH: number, pW: number, mode: number, divisor: number): void;
  // attention.ts (rows [r0, r1) of p [batch * L, S] in place; kind 0 none, 1 bool i32 mask, 2 additive mask)
  attnSoftmax_f32(p: Ptr, L: number, S: number, scale: number, causal: number, kind: number, mask: Ptr,
    b1: number, sb0: number, sb1: number, sl: number, ss: number, r0: number, r1: number): void;
  attnSoftmax_f64(p: Ptr, L: number, S: number, scale: number, causal: number, kind: number, mask: Ptr,
    b1: number, sb0: number, sb1: number, sl: number, ss: number, r0: number, r1: number): void;
  /** out = scale * p * (dp - rowsum(dp * p)) over rows of S; out may alias dp. */
  attnSoftmaxGrad_f32(out: Ptr, p: Ptr, dp: Ptr, S: number, scale: number, rows: number): void;
  attnSoftmaxGrad_f64(out: Ptr, p: Ptr, dp: Ptr, S: number, scale: number, rows: number): void;
  // norm.ts (x [N, C, S]; gamma/beta/dx/dgamma/dbeta 0 when absent; mean/invstd per channel or per (n, group))
  batchNorm_f32(y: Ptr, mean: Ptr, invstd: Ptr, x: Ptr, gamma: Ptr, beta: Ptr, N: number, C: number, S: number, eps: number): void;
  batchNorm_f64(y: Ptr, mean: Ptr, invstd: Ptr, x: Ptr, gamma: Ptr, beta: Ptr, N: number, C: number, S: number, eps: number): void;
  batchNormGrad_f32(dx: Ptr, dgamma: Ptr, dbeta: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, gamma: Ptr,
    N: number, C: number, S: number): void;
  batchNormGrad_f64(dx: Ptr, dgamma: Ptr, dbeta: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, gamma: Ptr,
    N: number, C: number, S: number): void;
  groupNorm_f32(y: Ptr, mean: Ptr, invstd: Ptr, x: Ptr, gamma: Ptr, beta: Ptr, N: number, G: number, cpg: number, S: number, eps: number): void;
  groupNorm_f64(y: Ptr, mean: Ptr, invstd: Ptr, x: Ptr, gamma: Ptr, beta: Ptr, N: number, G: number, cpg: number, S: number, eps: number): void;
  groupNormGrad_f32(dx: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, gamma: Ptr, N: number, G: number, cpg: number, S: number): void;
  groupNormGrad_f64(dx: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, gamma: Ptr, N: number, G: number, cpg: number, S: number): void;
  normAffineGrad_f32(dgamma: Ptr, dbeta: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, N: number, G: number, cpg: number, S: number): void;
  normAffineGrad_f64(dgamma: Ptr, dbeta: Ptr, dy: Ptr, x: Ptr, mean: Ptr, invstd: Ptr, N: number, G: number, cpg: number, S: number): void;
  // the weight gradient in image blocks of imgBlock images (partials: their sums, 0 for one block), then folded
  convWeight_f32(out: Ptr, a: Ptr, b: Ptr, scratch: Ptr, slotBytes: number, N: number, C: number, H: number,
    W: number, O: number, KH: number, KW: number, OH: number, OW: number, strideH: number, strideW: number, padH: number,
    padW: number, dilationH: number, dilationW: number, groups: number, rowBlock: number, colBlock: number,
    imgBlock: number, partials: Ptr): void;
  convWeight_f64(out: Ptr, a: Ptr, b: Ptr, scratch: Ptr, slotBytes: number, N: number, C: number, H: number,
    W: number, O: number, KH: number, KW: number, OH: number, OW: number, strideH: number, strideW: number, padH: number,
    padW: number, dilationH: number, dilationW: number, groups: number, rowBlock: number, colBlock: number,
    imgBlock: number, partials: Ptr): void;
  /** After a ConvWeight task: dw[i] = the blocks' partials of i summed in block order (count = O * Kg). */
  convWeightFold_f32(dw: Ptr, partials: Ptr, count: number, blocks: number): void;
  convWeightFold_f64(dw: Ptr, partials: Ptr, count: number, blocks: number): void;
  // conv.ts (kind 0: out = y from a = x, b = w; 1: out = dx from a = dy, b = w; 2: out = dw from
  // a = x, b = dy; scratch: one slot of slotBytes, see src/backend/wasm/conv.ts)
  conv_f32(kind: number, out: Ptr, a: Ptr, b: Ptr, scratch: Ptr, slotBytes: number, N: number, C: number, H: number,
    W: number, O: number, KH: number, KW: number, OH: number, OW: number, strideH: number, strideW: number, padH: number,
    padW: number, dilationH: number, dilationW: number, groups: number, rowBlock: number, colBlock: number): void;
  conv_f64(kind: number, out: Ptr, a: Ptr, b: Ptr, scratch: Ptr, slotBytes: number, N: number, C: number, H: number,
    W: number, O: number, KH: number, KW: number, OH: number, OW: number, strideH: number, strideW: number, padH: number,
    padW: number, dilationH: number, dilationW: number, groups: number, rowBlock: number, colBlock: number): void;
  /**
   * winograd.ts: U = G w Gᵀ of F(m x m, 3 x 3) for an [O, C, 3, 3] float32 filter (flipped 1: of the
   * rotated [C, O, 3, 3] filter, for an input gradient) into packed panels ((m + 2)² * roundUp(O, 4) * C floats at u).
   */
  winogradFilter_f32(u: Ptr, w: Ptr, O: number, C: number, flipped: number, m: number): void;

  // threads.ts (the shared-memory builds only: wasmgrad.threads.wasm, wasmgrad.threads.relaxed.wasm)
  /** Claims and runs chunks of the task in the control block at ctrl until none are left. */
  work?(ctrl: Ptr): number;
  /** Runs chunks [lo, hi) of that task on the calling thread, without claiming. */
  runRange?(ctrl: Ptr, lo: number, hi: number): void;
  /** Folds REDUCE_BLOCKS partials [outer, blocks] in block order into out [outer]. */
  reduceFold?(f64: number, op: number, out: Ptr, partials: Ptr, outer: number, red: number): void;
  /** Rows longer than this are reduced block by block (reduce_* and the threaded path agree). */
  redBlock?(): number;
}
