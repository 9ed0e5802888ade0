// Printing a tensor the way PyTorch does (torch/_tensor_str.py with its default print options):
// above 1000 elements every dimension longer than 6 shows its first and last 3 entries around
// `...`; nested rows go on separate lines, aligned; all values of one tensor share one format
// (integers as `1.`, else 4 decimals, or scientific notation when the magnitudes span more than
// 1000× or leave [1e-4, 1e8)); long rows wrap at 80 columns. After the values come the shape,
// dtype, backend and grad_fn/requiresGrad, which PyTorch shows only in part.
//
// Only the printed elements are read (one get() each when summarising), so printing a huge
// tensor costs no copy of it.

import type { Tensor } from './tensor.js';
import { fmtShape } from './errors.js';

/** PyTorch's defaults: threshold 1000, edgeitems 3, precision 4, linewidth 80. */
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PRECISION = 4;
const LINE_WIDTH = 80;
const PREFIX = 'tensor(';

/** One number format for the whole tensor, chosen from the values that will be printed. */
class ValueFormatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  /** `intDtype`: an int32 tensor, printed as PyTorch prints integer tensors (`1`, not `1.`). */
  constructor(values: readonly number[], private readonly intDtype = false) {
    if (intDtype) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, String(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let minAbs = Infinity, maxAbs = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < minAbs) minAbs = a;
      if (a > maxAbs) maxAbs = a;
      if (!Number.isInteger(v)) this.intMode = false;
    }
    this.sciMode = maxAbs / minAbs > 1000 || maxAbs > 1e8 || (!this.intMode && minAbs < 1e-4);
    for (const v of finite) {
      const s = this.sciMode ? sci(v) : this.intMode ? `${fixed(v, 0)}.` : fixed(v, PRECISION);
      if (s.length > this.maxWidth) this.maxWidth = s.length;
    }
  }

  /** Width of the widest finite value; nan/inf may be wider and are then not padded. */
  get width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let s: string;
    if (this.intDtype) s = String(v);
    else if (!Number.isFinite(v)) s = Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
    else if (this.sciMode) s = sci(v);
    else if (this.intMode) s = `${fixed(v, 0)}.`;
    else s = fixed(v, PRECISION);
    return s.padStart(this.maxWidth);
  }
}

/** Python's `{:.Nf}`: keeps the sign of -0. */
function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return Object.is(v, -0) ? `-${s}` : s;
}

/** Python's `{:.4e}`: the exponent has at least two digits (1.0000e-05, not 1.0000e-5). */
function sci(v: number): string {
  return v.toExponential(PRECISION).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Indices printed along a dimension of length n; null stands for the `...` between edges. */
function shownIndices(n: number, summarize: boolean): (number | null)[] {
  if (summarize && n > 2 * EDGE_ITEMS) {
    const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
    const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
    return [...head, null, ...tail];
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** The body between `tensor(` and the suffixes: nested rows, or one value for a 0-d tensor. */
function formatValues(shape: readonly number[], size: number, valueAt: (flat: number) => number, intDtype: boolean): string {
  const summarize = size > THRESHOLD;
  const shown = shape.map((n) => shownIndices(n, summarize));
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));

  // First pass: read the printed elements once (they also decide the format).
  const values = new Map<number, number>();
  const visit = (d: number, offset: number): void => {
    if (d === shape.length) { values.set(offset, valueAt(offset)); return; }
    for (const i of shown[d]) if (i !== null) visit(d + 1, offset + i * strides[d]);
  };
  visit(0, 0);
  const fmt = new ValueFormatter([...values.values()], intDtype);
  if (shape.length === 0) return fmt.format(values.get(0)!);

  const render = (d: number, offset: number, indent: number): string => {
    if (d === shape.length - 1) {
      const items = shown[d].map((i) => (i === null ? ' ...' : fmt.format(values.get(offset + i)!)));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (fmt.width + 2)));
      const lines: string[] = [];
      for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const rows = shown[d].map((i) => (i === null ? '...' : render(d + 1, offset + i * strides[d], indent + 1)));
    // Blocks of higher dimensions are set apart by blank lines, as in PyTorch.
    return `[${rows.join(`,${'\n'.repeat(shape.length - d - 1)}${' '.repeat(indent + 1)}`)}]`;
  };
  return render(0, 0, PREFIX.length);
}

/** Appends `, suffix` items, starting a new line where the current one would pass 80 columns. */
function addSuffixes(body: string, suffixes: readonly string[]): string {
  let out = body;
  let lastLine = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(PREFIX.length)}${s}`;
      lastLine = PREFIX.length + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}

/** The printed form of a tensor (toString and Node's util.inspect). Never throws, frees nothing. */
export function formatTensor(t: Tensor): string {
  const meta = [`shape=${fmtShape(t.shape)}`, `dtype=${t.dtype}`, `backend=${t.backendName}`];
  if (t.isDisposed) return addSuffixes(`${PREFIX}<disposed>`, meta);
  if (t.node !== null) meta.push(`grad_fn=${t.node.gate.name}`);
  else if (t.requiresGrad) meta.push('requiresGrad=true');
  let body: string;
  if (t.size === 0) {
    body = '[]';
  } else if (t.size <= THRESHOLD) {
    const flat = t.backend.read(t.storage);
    body = formatValues(t.shape, t.size, (i) => flat[i], t.dtype === 'int32');
  } else {
    body = formatValues(t.shape, t.size, (i) => t.backend.get(t.storage, i), t.dtype === 'int32');
  }
  return addSuffixes(`${PREFIX}${body}`, meta);
}
