// embedding: rows of a weight table looked up by integer indices (torch.nn.functional.embedding).
// Forward is the gather kernel (one index per row of the table, checked as it gathers); backward
// is its adjoint, the scatter-add kernel (repeated indices accumulate), except that the
// paddingIdx row gets no gradient, as in PyTorch. The adjoint of that scatter-add is the gather
// with the entries that hit paddingIdx zeroed, so the two gates are written with each other and
// createGraph differentiates any order. The indices stay in the backend's heap as an int32
// tensor (an int32 argument shared as it is), as for indexSelect; each record keeps its share.

import type { Backend, Storage } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { applyGate, type Gate, type GateContext } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { empty, requireTensor } from './util.js';
import { checkIndex, int32Index, outOfRange, readIndex, type IndexLike } from './indexing.js';

interface EmbeddingAttrs {
  /**
   * The flat indices [N] on the table's backend (a share owned by whoever made these attrs):
   * int32, or for the lookup the caller's float index as it is (the gather kernel reads it).
   */
  readonly index: Tensor;
  /** The table row that gets no gradient, in [0, V), or -1. */
  readonly paddingIdx: number;
  /** The table's shape [V, D]. */
  readonly tableShape: readonly number[];
  /** The looked-up shape [...indices.shape, D]. */
  readonly outShape: readonly number[];
  /** Zero the looked-up rows whose index is paddingIdx (the adjoint of the gradient's scatter). */
  readonly zeroPad: boolean;
}

/** Zeroes rows `rows` (each D elements) of `s`, copying from a one-element zero. */
function zeroRows(backend: Backend, s: Storage, rows: readonly number[], D: number): void {
  if (rows.length === 0 || D === 0) return;
  const zero = backend.alloc(s.dtype, 1);
  try {
    backend.fill(zero, 0);
    for (const r of rows) backend.copyInto(s, r * D, [1], zero, 0, [0], [D]);
  } finally {
    backend.free(zero);
  }
}

/** A recording gate saves its own int32 share of the index (the record frees it when released). */
const keepIndex = (ctx: GateContext<EmbeddingAttrs>, at: EmbeddingAttrs) => { if (ctx.needsInputGrad(0)) ctx.save(int32Index(at.index, at.tableShape[0])); };

const lookupGate: Gate<EmbeddingAttrs> = {
  name: 'embedding',
  forward(ctx, [table], at) {
    const [V, D] = at.tableShape;
    const out = empty(at.outShape, table.dtype, table.backend, 'embedding');
    const bad = table.backend.gather(out.storage, table.storage, at.index.storage, 1, at.index.size, D, V, false);
    if (bad >= 0) throw outOfRange('embedding', 'indices', at.index, bad, V, 0, at.tableShape); // out is freed with the gate's scope
    if (at.zeroPad && at.paddingIdx >= 0) {
      // only on the second-order path: the indices come back to JavaScript here
      const index = table.backend.read(at.index.storage); // int32 here (a saved index)
      const rows: number[] = [];
      for (let i = 0; i < index.length; i++) if (index[i] === at.paddingIdx) rows.push(i);
      zeroRows(table.backend, out.storage, rows, D);
    }
    keepIndex(ctx, at);
    return out;
  },
  backward(ctx, dy) {
    return [ctx.needsInputGrad(0) ? applyGate(scatterGate, [dy], { ...ctx.attrs, index: ctx.saved[0] }) : null];
  },
};

const scatterGate: Gate<EmbeddingAttrs> = {
  name: 'embeddingBackward',
  forward(ctx, [g], at) {
    const [V, D] = at.tableShape;
    const out = empty(at.tableShape, g.dtype, g.backend, 'embedding');
    g.backend.scatterAdd(out.storage, g.storage, at.index.storage, 1, at.index.size, D, V, false);
    if (at.paddingIdx >= 0) zeroRows(g.backend, out.storage, [at.paddingIdx], D);
    keepIndex(ctx, at);
    return out;
  },
  backward(ctx, gg) {
    return [ctx.needsInputGrad(0) ? applyGate(lookupGate, [gg], { ...ctx.attrs, index: ctx.saved[0], zeroPad: true }) : null];
  },
};

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** A row of the table (negative counts from the end) that receives no gradient (PyTorch's padding_idx). */
  paddingIdx?: number | null;
}

/** paddingIdx in [0, V), or -1 for none; an error naming it when out of [-V, V). */
export function checkPaddingIdx(op: string, paddingIdx: unknown, V: number): number {
  if (paddingIdx === undefined || paddingIdx === null) return -1;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx) || paddingIdx < -V || paddingIdx >= V) {
    throw new WasmgradError(`${op}: paddingIdx must be an integer in [${-V}, ${V}) for ${V} embeddings, got ${fmtValue(paddingIdx)}`);
  }
  return paddingIdx < 0 ? paddingIdx + V : paddingIdx;
}

/**
 * Looks up rows of `weight` ([V, D]) at `indices` (`torch.nn.functional.embedding`): the result
 * has shape `[...indices.shape, D]`. `indices` is an int32 tensor (or a float tensor of
 * integers), nested arrays or an Int32Array, of any shape, every entry in [0, V). The gradient
 * scatter-adds into `weight` (repeated indices accumulate); the row `paddingIdx` gets none.
 * An out-of-range index is a WasmgradError naming it; a weight that is not 2-D a ShapeError.
 *
 * @example wg.embedding([[2, 0]], wg.tensor([[1, 2], [3, 4], [5, 6]])) // tensor([[[5, 6], [1, 2]]])
 */
export function embedding(indices: IndexLike, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  const o = checkOptions('embedding', opts, ['paddingIdx']);
  const table = requireTensor('embedding', weight, 'weight');
  if (table.dtype !== 'float32' && table.dtype !== 'float64') {
    throw new DTypeError(`embedding: weight must be float32 or float64, got ${table.dtype} ${table.shapeString}`);
  }
  if (table.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${table.shapeString}`);
  const [V, D] = table.shape;
  const paddingIdx = checkPaddingIdx('embedding', o.paddingIdx, V);
  const { index, shape } = readIndex('embedding', 'indices', indices, V, 0, table);
  try {
    if (D === 0 && index.size > 0) checkIndex('embedding', 'indices', index, V, 0, table.shape); // nothing is gathered
    const outShape = [...shape, D];
    return applyGate(lookupGate, [table], { index, paddingIdx, tableShape: table.shape, outShape, zeroPad: false });
  } finally {
    index.dispose(); // a recording gate keeps its own share
  }
}
