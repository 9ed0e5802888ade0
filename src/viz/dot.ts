// toDot: the computation graph as a Graphviz circuit. One box per tensor (shape, and for small
// tensors the values and gradients), one ellipse per gate, wires from inputs through gates to
// outputs: values flow forward along them, gradients flow back.

import { Tensor } from '../tensor.js';
import { WasmgradError } from '../errors.js';
import type { Record } from '../autograd/tape.js';

/** Options of `toDot`. */
export interface DotOptions {
  /** Show values of tensors with at most `maxElements` elements (default true). */
  values?: boolean;
  /** Show `.grad` where a tensor has one (leaves, and non-leaves after retainGrad) (default true). */
  grads?: boolean;
  /** Largest tensor whose numbers are printed (default 8). */
  maxElements?: number;
  /** Labels for tensors, e.g. { x, w, loss }. */
  names?: { [name: string]: Tensor };
  /** Graph direction: 'LR' (default) or 'TB'. */
  rankdir?: 'LR' | 'TB';
}

function fmtNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toFixed(4)));
}

function fmtValues(t: Tensor, max: number): string | null {
  if (t.isDisposed || t.size > max) return null;
  const d = Array.from(t.data(), fmtNumber);
  return t.ndim === 0 ? d[0] : `[${d.join(', ')}]`;
}

/** Escapes text for a DOT double-quoted string. */
function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * The computation graph that made `root`, as Graphviz DOT text: a box per tensor (shape, and for
 * small tensors values and gradients), an ellipse per gate, wires from inputs through gates to
 * outputs. Render it with Graphviz (`dot -Tsvg`) or @viz-js/viz. A WasmgradError unless `root`
 * is a Tensor.
 *
 * @example wg.toDot(wg.tensor([1, 2], { requiresGrad: true }).mul(3).sum()) // DOT text: digraph wasmgrad { ... }
 */
export function toDot(root: Tensor, opts: DotOptions = {}): string {
  if (!(root instanceof Tensor)) throw new WasmgradError('toDot: expected a Tensor');
  const showValues = opts.values !== false;
  const showGrads = opts.grads !== false;
  const max = opts.maxElements ?? 8;
  const names = new Map<Tensor, string>();
  for (const [k, v] of Object.entries(opts.names ?? {})) if (v instanceof Tensor) names.set(v, k);

  const tensorIds = new Map<Tensor, string>();
  const lines: string[] = [];
  const tensorNode = (t: Tensor): string => {
    let id = tensorIds.get(t);
    if (id !== undefined) return id;
    id = `t${tensorIds.size}`;
    tensorIds.set(t, id);
    const label: string[] = [];
    const name = names.get(t);
    label.push(`${name !== undefined ? `${name}  ` : ''}${t.shapeString} ${t.dtype}`);
    if (showValues) {
      const v = fmtValues(t, max);
      if (v !== null) label.push(`value ${v}`);
    }
    if (showGrads && t.grad !== null) {
      const g = fmtValues(t.grad, max);
      label.push(g !== null ? `grad ${g}` : 'grad ✓');
    }
    const color = t.isLeaf ? (t.requiresGrad ? '#dbeafe' : '#f3f4f6') : '#ffffff';
    lines.push(`  ${id} [shape=box, style="rounded,filled", fillcolor="${color}", label="${esc(label.join('\n'))}"];`);
    return id;
  };

  // Walk the records reachable from the root with an explicit stack (deep graphs are fine).
  const seen = new Set<Record>();
  const stack: Record[] = root.node !== null ? [root.node] : [];
  tensorNode(root);
  let gates = 0;
  while (stack.length > 0) {
    const rec = stack.pop()!;
    if (seen.has(rec)) continue;
    seen.add(rec);
    const gid = `g${gates++}`;
    lines.push(`  ${gid} [shape=ellipse, style=filled, fillcolor="#fde68a", label="${esc(rec.gate.name)}"];`);
    const out = rec.output;
    if (out !== null) lines.push(`  ${gid} -> ${tensorNode(out)};`);
    rec.inputs.forEach((x, i) => {
      lines.push(`  ${tensorNode(x)} -> ${gid}${rec.inputs.length > 1 ? ` [taillabel="${i}", fontsize=9]` : ''};`);
      if (x.node !== null && !seen.has(x.node)) stack.push(x.node);
    });
  }
  return [
    'digraph wasmgrad {',
    `  rankdir=${opts.rankdir ?? 'LR'};`,
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [color="#6b7280"];',
    ...lines,
    '}',
  ].join('\n');
}
