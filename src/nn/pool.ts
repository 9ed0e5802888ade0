// Pooling modules: the pooling ops (src/ops/pool.ts) with PyTorch's constructor arguments,
// checked when the module is made. No parameters or buffers. As in PyTorch, the second
// positional argument is the stride; the keyword arguments come in an options object (which
// may also hold the stride).

import type { Tensor } from '../tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AvgPool1dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type MaxPool2dOptions,
} from '../ops/pool.js';
import { type Size2, adaptiveSize, boolArg, intArg } from '../ops/pool_args.js';
import { WasmgradError, checkOptions, describeValue } from '../errors.js';
import { Module } from './module.js';

/** The options of a module made with (kernelSize, stride) or (kernelSize, options). */
function moduleOptions<O extends { stride?: unknown }>(op: string, arg: O | Size2 | null | undefined, keys: readonly string[]): O {
  if (arg === undefined || arg === null) return {} as O;
  if (typeof arg === 'number' || Array.isArray(arg)) return { stride: arg } as O;
  return checkOptions(op, arg, keys) as O;
}

/** Checks a module's window arguments now, as PyTorch's functional call would. */
function checkWindow(op: string, dims: 1 | 2, kernelSize: unknown, o: Record<string, unknown>, max: boolean): void {
  intArg(op, 'kernelSize', kernelSize, dims, 1);
  if (o.stride !== undefined && o.stride !== null) intArg(op, 'stride', o.stride, dims, 1);
  intArg(op, 'padding', o.padding ?? 0, dims, 0);
  if (max) intArg(op, 'dilation', o.dilation ?? 1, dims, 1);
  boolArg(op, 'ceilMode', o.ceilMode, false);
  if (!max) boolArg(op, 'countIncludePad', o.countIncludePad, true);
  const dv = o.divisorOverride;
  if (dv !== undefined && dv !== null && (typeof dv !== 'number' || !Number.isInteger(dv) || dv === 0)) {
    throw new WasmgradError(`${op}: divisorOverride must be a non-zero integer, got ${describeValue(dv)}`);
  }
}

/** A module's attributes with PyTorch's defaults filled in (options already checked). */
function attrs<K>(kernelSize: K, o: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: boolean; countIncludePad?: boolean }) {
  return {
    stride: (o.stride ?? kernelSize) as K, padding: (o.padding ?? 0) as K, dilation: (o.dilation ?? 1) as K,
    ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true,
  };
}

/** `maxPool2d` as a module (PyTorch's `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`). */
export class MaxPool2d extends Module {
  /** The options passed to `maxPool2d`. */
  readonly options: MaxPool2dOptions;
  /** PyTorch's attributes: the stride (the kernel size by default), padding, dilation and ceilMode. */
  readonly stride: Size2;
  /** Padding on each side. */
  readonly padding: Size2;
  /** Spacing between the kernel's taps. */
  readonly dilation: Size2;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /**
   * @param kernelSize The window size: one integer or [h, w].
   * @param strideOrOptions The stride (default: the kernel size), or `{ stride, padding, dilation, ceilMode }`.
   * @example new wg.nn.MaxPool2d(3, { stride: 2, padding: 1 }).kernelSize // 3
   */
  constructor(readonly kernelSize: Size2, strideOrOptions?: MaxPool2dOptions | Size2 | null) {
    super();
    this.options = moduleOptions('MaxPool2d', strideOrOptions, ['stride', 'padding', 'dilation', 'ceilMode']);
    checkWindow('MaxPool2d', 2, kernelSize, this.options as Record<string, unknown>, true);
    ({ stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode } = attrs(kernelSize, this.options));
  }
  /**
   *
   * @example new wg.nn.MaxPool2d(2).forward(wg.zeros([1, 3, 4, 4])).shape // [1, 3, 2, 2]
   */
  forward(x: Tensor): Tensor { return maxPool2d(x, this.kernelSize, this.options); }
}

/** `maxPool1d` as a module (PyTorch's `nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`). */
export class MaxPool1d extends Module {
  /** The options passed to `maxPool1d`. */
  readonly options: MaxPool1dOptions;
  /** PyTorch's attributes: the stride (the kernel size by default), padding, dilation and ceilMode. */
  readonly stride: number;
  /** Padding on each side. */
  readonly padding: number;
  /** Spacing between the kernel's taps. */
  readonly dilation: number;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /**
   * @param kernelSize The window length.
   * @param strideOrOptions The stride (default: the kernel size), or `{ stride, padding, dilation, ceilMode }`.
   * @example new wg.nn.MaxPool1d(2).kernelSize // 2
   */
  constructor(readonly kernelSize: number, strideOrOptions?: MaxPool1dOptions | number | null) {
    super();
    this.options = moduleOptions('MaxPool1d', strideOrOptions, ['stride', 'padding', 'dilation', 'ceilMode']);
    checkWindow('MaxPool1d', 1, kernelSize, this.options as Record<string, unknown>, true);
    ({ stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode } = attrs(kernelSize, this.options));
  }
  /**
   *
   * @example new wg.nn.MaxPool1d(2).forward(wg.zeros([1, 3, 8])).shape // [1, 3, 4]
   */
  forward(x: Tensor): Tensor { return maxPool1d(x, this.kernelSize, this.options); }
}

/** `avgPool2d` as a module (PyTorch's `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`). */
export class AvgPool2d extends Module {
  /** The options passed to `avgPool2d`. */
  readonly options: AvgPool2dOptions;
  /** PyTorch's attributes: the stride (the kernel size by default), padding, ceilMode, countIncludePad, divisorOverride. */
  readonly stride: Size2;
  /** Padding on each side. */
  readonly padding: Size2;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether the padding counts in each window's divisor. */
  readonly countIncludePad: boolean;
  /** The divisor replacing the window size, or null. */
  readonly divisorOverride: number | null;
  /**
   * @param kernelSize The window size: one integer or [h, w].
   * @param strideOrOptions The stride (default: the kernel size), or `{ stride, padding, ceilMode, countIncludePad, divisorOverride }`.
   * @example new wg.nn.AvgPool2d(2, { countIncludePad: false }).kernelSize // 2
   */
  constructor(readonly kernelSize: Size2, strideOrOptions?: AvgPool2dOptions | Size2 | null) {
    super();
    this.options = moduleOptions('AvgPool2d', strideOrOptions, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    checkWindow('AvgPool2d', 2, kernelSize, this.options as Record<string, unknown>, false);
    ({ stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad } = attrs(kernelSize, this.options));
    this.divisorOverride = this.options.divisorOverride ?? null;
  }
  /**
   *
   * @example new wg.nn.AvgPool2d(2).forward(wg.ones([1, 1, 2, 2])).toArray() // [[[[1]]]]
   */
  forward(x: Tensor): Tensor { return avgPool2d(x, this.kernelSize, this.options); }
}

/** `avgPool1d` as a module (PyTorch's `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`). */
export class AvgPool1d extends Module {
  /** The options passed to `avgPool1d`. */
  readonly options: AvgPool1dOptions;
  /** PyTorch's attributes: the stride (the kernel size by default), padding, ceilMode and countIncludePad. */
  readonly stride: number;
  /** Padding on each side. */
  readonly padding: number;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether the padding counts in each window's divisor. */
  readonly countIncludePad: boolean;
  /**
   * @param kernelSize The window length.
   * @param strideOrOptions The stride (default: the kernel size), or `{ stride, padding, ceilMode, countIncludePad }`.
   * @example new wg.nn.AvgPool1d(2).kernelSize // 2
   */
  constructor(readonly kernelSize: number, strideOrOptions?: AvgPool1dOptions | number | null) {
    super();
    this.options = moduleOptions('AvgPool1d', strideOrOptions, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    checkWindow('AvgPool1d', 1, kernelSize, this.options as Record<string, unknown>, false);
    ({ stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad } = attrs(kernelSize, this.options));
  }
  /**
   *
   * @example new wg.nn.AvgPool1d(2).forward(wg.tensor([[1, 3]])).toArray() // [[2]]
   */
  forward(x: Tensor): Tensor { return avgPool1d(x, this.kernelSize, this.options); }
}

/** `adaptiveAvgPool2d` as a module (PyTorch's `nn.AdaptiveAvgPool2d(output_size)`). */
export class AdaptiveAvgPool2d extends Module {
  /**
   * @param outputSize One integer, or [oh, ow] where null keeps the input's size.
   * @example new wg.nn.AdaptiveAvgPool2d([1, null]).outputSize // [1, null]
   */
  constructor(readonly outputSize: number | readonly [number | null, number | null] | null) {
    super();
    adaptiveSize('AdaptiveAvgPool2d', outputSize, [1, 1]);
  }
  /**
   *
   * @example new wg.nn.AdaptiveAvgPool2d(1).forward(wg.zeros([2, 8, 5, 5])).shape // [2, 8, 1, 1]
   */
  forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
}

/** `adaptiveAvgPool1d` as a module (PyTorch's `nn.AdaptiveAvgPool1d(output_size)`). */
export class AdaptiveAvgPool1d extends Module {
  /**
   * @param outputSize The output length.
   * @example new wg.nn.AdaptiveAvgPool1d(4).outputSize // 4
   */
  constructor(readonly outputSize: number) {
    super();
    adaptiveSize('AdaptiveAvgPool1d', outputSize, [1]);
  }
  /**
   *
   * @example new wg.nn.AdaptiveAvgPool1d(1).forward(wg.zeros([2, 8, 5])).shape // [2, 8, 1]
   */
  forward(x: Tensor): Tensor { return adaptiveAvgPool1d(x, this.outputSize); }
}
