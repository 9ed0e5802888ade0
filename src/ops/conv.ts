// Convolution, NCHW as PyTorch: conv1d, conv2d and the transposed convolutions. Three gates over
// one geometry (conv_args.ts): the convolution y = conv(x, w), its adjoint in x
// (conv2dBackwardInput, which is also the transposed convolution's forward) and its adjoint in w
// (conv2dBackwardWeight). Convolution is bilinear, so each gate's gradients are again two of the
// three: createGraph differentiates any of them to any order. 1-d and unbatched inputs run on the
// 2-d kernels as they are laid out ([C, L] is [1, C, 1, L]); the gates return the caller's shapes.
// The bias is added by a broadcasting add whose gradient sums dy over N and the positions (biasGate).

import type { Tensor } from '../tensor.js';
import { Binary } from '../backend/backend.js';
import { applyGate, isGradEnabled, type Gate } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { empty } from './util.js';
import { binaryKernel } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { type ConvAttrs, type ConvOptions, type ConvTransposeOptions, biasShape, convArgs, convTransposeArgs } from './conv_args.js';

export type { ConvOptions, ConvTransposeOptions } from './conv_args.js';

interface ConvGates {
  /** [x, w] → y. */
  conv: Gate<ConvAttrs>;
  /** [dy, w] → dx: the adjoint in x. */
  input: Gate<ConvAttrs>;
  /** [x, dy] → dw: the adjoint in w. */
  weight: Gate<ConvAttrs>;
}

/** The three gates, named for the public op they serve (the names show on the tape and in errors). */
function convGates(convName: string, inputName: string, weightName: string): ConvGates {
  const gates: ConvGates = {
    conv: {
      name: convName,
      forward(_ctx, [x, w], at) {
        const y = empty(at.yShape, x.dtype, x.backend, convName);
        x.backend.conv2d(y.storage, x.storage, w.storage, at.g);
        return y;
      },
      // <conv(x, w), dy> = <x, convᵀ_w(dy)> = <w, dW(x, dy)>
      backward(ctx, dy) {
        const [x, w] = ctx.inputs;
        return [
          ctx.needsInputGrad(0) ? applyGate(gates.input, [dy, w], ctx.attrs) : null,
          ctx.needsInputGrad(1) ? applyGate(gates.weight, [x, dy], ctx.attrs) : null,
        ];
      },
    },
    input: {
      name: inputName,
      forward(_ctx, [dy, w], at) {
        const dx = empty(at.xShape, dy.dtype, dy.backend, inputName);
        dy.backend.conv2dBackwardInput(dx.storage, dy.storage, w.storage, at.g);
        return dx;
      },
      // dx = Aᵀ_w dy: its gradient in dy is A_w g = conv(g, w), in w it is dW(g, dy)
      backward(ctx, g) {
        const [dy, w] = ctx.inputs;
        return [
          ctx.needsInputGrad(0) ? applyGate(gates.conv, [g, w], ctx.attrs) : null,
          ctx.needsInputGrad(1) ? applyGate(gates.weight, [g, dy], ctx.attrs) : null,
        ];
      },
    },
    weight: {
      name: weightName,
      forward(_ctx, [x, dy], at) {
        const dw = empty(at.wShape, x.dtype, x.backend, weightName);
        x.backend.conv2dBackwardWeight(dw.storage, x.storage, dy.storage, at.g);
        return dw;
      },
      // dw[tap] = Σ x·dy over the tap's pairs: its gradient in x is convᵀ_g(dy), in dy it is conv(x, g)
      backward(ctx, g) {
        const [x, dy] = ctx.inputs;
        return [
          ctx.needsInputGrad(0) ? applyGate(gates.input, [dy, g], ctx.attrs) : null,
          ctx.needsInputGrad(1) ? applyGate(gates.conv, [x, g], ctx.attrs) : null,
        ];
      },
    },
  };
  return gates;
}

const CONV1D = convGates('conv1d', 'conv1dBackwardInput', 'conv1dBackwardWeight');
const CONV2D = convGates('conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight');
const CONV_T1D = convGates('convTranspose1dBackwardInput', 'convTranspose1d', 'convTranspose1dBackwardWeight');
const CONV_T2D = convGates('convTranspose2dBackwardInput', 'convTranspose2d', 'convTranspose2dBackwardWeight');

/**
 * y + b for a convolution's output y ([N, O, ...], or [O, ...] unbatched) and its bias b
 * reshaped to [O, 1, ...]: the broadcasting add. Its gradient in b sums dy over the images and
 * positions in two reductions along contiguous axes (the positions, then the images), where the
 * add's own rule (a sum over the axes around the channels) would first copy dy transposed to
 * channels-first: a pass over the whole gradient that was 2-3% of a small CNN's training step.
 */
const biasGate: Gate<{ dims: number }> = {
  name: 'add',
  forward(_ctx, [y, b]) {
    return binaryKernel('add', Binary.Add, y, b);
  },
  backward(ctx, dy) {
    const b = ctx.inputs[1];
    if (!ctx.needsInputGrad(1)) return [dy, null];
    const ch = dy.ndim - ctx.attrs.dims - 1;  // the channel axis: 1, or 0 unbatched
    const images = ch === 1 ? dy.shape[0] : 1, positions = dy.shape.slice(ch + 1).reduce((p, n) => p * n, 1);
    const perImage = sum(reshape(dy, [images, dy.shape[ch], positions]), 2);
    return [ctx.needsInputGrad(0) ? dy : null, reshape(sum(perImage, 0), b.shape)];
  },
};

/**
 * Runs the gate and adds the bias. Without anything to record, the reshaped bias and the
 * bias-free output are freed at once; while recording they belong to the graph.
 */
function run(gate: Gate<ConvAttrs>, inputs: Tensor[], b: Tensor | null, at: ConvAttrs, dims: number): Tensor {
  if (b === null) return applyGate(gate, inputs, at);
  const body = () => applyGate(biasGate, [applyGate(gate, inputs, at), reshape(b, biasShape(b, dims))], { dims });
  const recording = isGradEnabled() && (inputs.some((t) => t.requiresGrad) || b.requiresGrad);
  return recording ? body() : tidy(body);
}

/**
 * 1-d convolution (`torch.nn.functional.conv1d`, a cross-correlation as in PyTorch):
 * `x [N, C, L]` (or unbatched `[C, L]`) with `w [O, C/groups, k]` and an optional bias `[O]`
 * gives `[N, O, Lout]`, `Lout = ⌊(L + 2·padding − dilation·(k−1) − 1) / stride⌋ + 1`.
 * Options `stride`, `padding` (a number, `'same'` or `'valid'`), `dilation`, `groups`.
 * A ShapeError names the shapes for wrong ranks, channel or group mismatches, a kernel larger
 * than the padded input, `'same'` with a stride, bad numbers or a bias of the wrong shape; a
 * DTypeError for int32 tensors.
 *
 * @example wg.conv1d(wg.tensor([[[1, 2, 3, 4]]]), wg.tensor([[[1, -1]]])) // tensor([[[-1, -1, -1]]])
 */
export function conv1d(x: Tensor, w: Tensor, b?: Tensor | null, opts?: ConvOptions): Tensor {
  const a = convArgs('conv1d', 1, x, w, b, opts);
  return run(CONV1D.conv, [a.x, a.w], a.b, a.at, 1);
}

/**
 * 2-d convolution (`torch.nn.functional.conv2d`, a cross-correlation as in PyTorch):
 * `x [N, C, H, W]` (or unbatched `[C, H, W]`) with `w [O, C/groups, kH, kW]` and an optional
 * bias `[O]` gives `[N, O, Hout, Wout]`, `Hout = ⌊(H + 2·padH − dilH·(kH−1) − 1) / strideH⌋ + 1`.
 * Options: `stride`, `dilation` (a number or a pair), `padding` (a number, a pair, `'valid'`,
 * or `'same'`: stride 1, output as large as the input, an odd total padding puts the extra
 * row/column at the bottom/right), `groups` (`groups = C` is a depthwise convolution).
 * A ShapeError names the shapes for wrong ranks, channel or group mismatches, a kernel larger
 * than the padded input, `'same'` with a stride, bad numbers or a bias of the wrong shape; a
 * DTypeError for int32 tensors.
 *
 * @example wg.conv2d(wg.ones([1, 1, 3, 3]), wg.ones([1, 1, 2, 2]), null, { padding: 1 }).shape // [1, 1, 4, 4]
 */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, opts?: ConvOptions): Tensor {
  const a = convArgs('conv2d', 2, x, w, b, opts);
  return run(CONV2D.conv, [a.x, a.w], a.b, a.at, 2);
}

/**
 * 1-d transposed convolution (`torch.nn.functional.conv_transpose1d`), the gradient of conv1d
 * with respect to its input: `x [N, Cin, L]` (or `[Cin, L]`) with `w [Cin, Cout/groups, k]`
 * and an optional bias `[Cout]` gives `[N, Cout, Lout]`,
 * `Lout = (L−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1`.
 * Options `stride`, `padding`, `outputPadding` (smaller than stride or dilation), `groups`,
 * `dilation`. Errors as conv1d's.
 *
 * @example wg.convTranspose1d(wg.tensor([[[1, 2]]]), wg.tensor([[[1, 1]]])) // tensor([[[1, 3, 2]]])
 */
export function convTranspose1d(x: Tensor, w: Tensor, b?: Tensor | null, opts?: ConvTransposeOptions): Tensor {
  const a = convTransposeArgs('convTranspose1d', 1, x, w, b, opts);
  return run(CONV_T1D.input, [a.x, a.w], a.b, a.at, 1);
}

/**
 * 2-d transposed convolution (`torch.nn.functional.conv_transpose2d`), the gradient of conv2d
 * with respect to its input: `x [N, Cin, H, W]` (or `[Cin, H, W]`) with
 * `w [Cin, Cout/groups, kH, kW]` and an optional bias `[Cout]` gives `[N, Cout, Hout, Wout]`,
 * `Hout = (H−1)·strideH − 2·padH + dilH·(kH−1) + outputPaddingH + 1`.
 * Options `stride`, `padding`, `outputPadding` (smaller than stride or dilation; the extra
 * rows/columns are at the bottom/right), `groups`, `dilation`, each a number or a pair.
 * Errors as conv2d's.
 *
 * @example wg.convTranspose2d(wg.ones([1, 1, 2, 2]), wg.ones([1, 1, 2, 2]), null, { stride: 2 }).shape // [1, 1, 4, 4]
 */
export function convTranspose2d(x: Tensor, w: Tensor, b?: Tensor | null, opts?: ConvTransposeOptions): Tensor {
  const a = convTransposeArgs('convTranspose2d', 2, x, w, b, opts);
  return run(CONV_T2D.input, [a.x, a.w], a.b, a.at, 2);
}
