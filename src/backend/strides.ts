// Stride helpers shared by both backends: contiguous strides, and collapsing a strided loop
// nest to as few dimensions as possible so kernels see long inner runs.

/** Row-major element strides of a contiguous array of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/**
 * Drops size-1 dimensions and merges neighbours that every operand walks contiguously
 * (stride[i] == stride[i+1] * shape[i+1] for each operand, output included implicitly since
 * it is contiguous). The loop nest visits the same elements in the same order.
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]):
  { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i];
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let k = 0; k < strides.length; k++) {
        if (outStrides[k][last] !== strides[k][i] * n) { merge = false; break; }
      }
    }
    if (merge) {
      outShape[last] *= n;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][i];
    } else {
      outShape.push(n);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][i]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * THE odometer of the TypeScript side: calls run(offsets, n) for n = 0, 1, ... over the row-major
 * indices of the first `lead` dims of `shape`, offsets[k] being that index times strides[k]
 * (elements). The js backend walks every row of a strided loop with it; the wasm backend the
 * dims beyond what its kernels take. (assembly/strided.ts is the kernels' own.)
 */
export function forEachIndex(shape: readonly number[], strides: readonly (readonly number[])[], lead: number,
  run: (offsets: readonly number[], n: number) => void): void {
  let count = 1;
  for (let d = 0; d < lead; d++) count *= shape[d];
  const index = new Array<number>(lead).fill(0);
  const offsets = strides.map(() => 0);
  for (let n = 0; n < count; n++) {
    run(offsets, n);
    for (let d = lead - 1; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < strides.length; k++) offsets[k] += strides[k][d];
      if (index[d] < shape[d]) break;
      for (let k = 0; k < strides.length; k++) offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}
