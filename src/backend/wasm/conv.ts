// Convolution of the wasm backend: placeholder until the GEMM-based kernels (assembly/conv.ts)
// land; every call is a BackendError naming the op.

import type { ConvGeom, Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { BackendError } from '../../errors.js';

function missing(op: string): never {
  throw new BackendError(`${op}: the wasm convolution kernels are not built yet`);
}
export function conv2d(_k: Kernels, _y: Storage, _x: Storage, _w: Storage, _g: ConvGeom): void { missing('conv2d'); }
export function conv2dBackwardInput(_k: Kernels, _dx: Storage, _dy: Storage, _w: Storage, _g: ConvGeom): void {
  missing('conv2dBackwardInput');
}
export function conv2dBackwardWeight(_k: Kernels, _dw: Storage, _x: Storage, _dy: Storage, _g: ConvGeom): void {
  missing('conv2dBackwardWeight');
}
