// toDot: the computation graph as a Graphviz circuit. One box per tensor (shape, and for small
// tensors the values and gradients), one ellipse per gate, wires from inputs through gates to
// outputs: values flow forward along them, gradients flow back.

import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, describeValue } from '../errors.js';
import type { TapeRecord } from '../autograd/tape.js';

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
  /** Graph direction: 'LR' (default), 'TB', 'RL' or 'BT'. */
  rankdir?: 'LR' | 'TB' | 'RL' | 'BT';
}

const DOT_KEYS = ['values', 'grads', 'maxElements', 'names', 'rankdir'] as const;
const RANKDIRS = ['LR', 'TB', 'RL', 'BT'];

/** Checks toDot's options: unknown keys and values that would be misread or end up in the DOT text. */
function checkDotOptions(opts: unknown): DotOptions {
  const o = checkOptions('toDot', opts, DOT_KEYS);
  for (const key of ['values', 'grads'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      throw new WasmgradError(`toDot: option ${key} must be true or false, got ${describeValue(o[key])}`);
    }
  }
  const max = o.maxElements;
  if (max !== undefined && (typeof max !== 'number' || !(Number.isInteger(max) || max === Infinity) || max < 0)) {
    throw new WasmgradError(`toDot: option maxElements must be a non-negative integer, got ${describeValue(max)}`);
  }
  if (o.rankdir !== undefined && !RANKDIRS.includes(o.rankdir as string)) {
    throw new WasmgradError(`toDot: option rankdir must be one of ${RANKDIRS.join(', ')}, got ${describeValue(o.rankdir)}`);
  }
  const names = o.names;
  if (names !== undefined) {
    if (names === null || typeof names !== 'object' || Array.isArray(names)) {
      throw new WasmgradError(`toDot: option names must be an object of Tensors, e.g. { x, loss }, got ${describeValue(names)}`);
    }
    for (const [k, v] of Object.entries(names)) {
      if (!(v instanceof Tensor)) throw new WasmgradError(`toDot: names.${k} must be a Tensor, got ${describeValue(v)}`);
    }
  }
  return o as DotOptions;
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
 * is a Tensor, or for an unknown or ill-typed option.
 *
 * @example wg.toDot(wg.tensor([1, 2], { requiresGrad: true }).mul(3).sum()) // DOT text: digraph wasmgrad { ... }
 */
export function toDot(root: Tensor, dotOptions: DotOptions = {}): string {
  if (!(root instanceof Tensor)) throw new WasmgradError('toDot: expected a Tensor');
  const opts = checkDotOptions(dotOptions);
  const showValues = opts.values !== false;
  const showGrads = opts.grads !== false;
  const max = opts.maxElements ?? 8;
  const names = new Map<Tensor, string>();
  for (const [k, v] of Object.entries(opts.names ?? {})) names.set(v, k);

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
  const seen = new Set<TapeRecord>();
  const stack: TapeRecord[] = root.node !== null ? [root.node] : [];
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
