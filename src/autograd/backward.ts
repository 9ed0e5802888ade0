// The backward pass: collect the records reachable from the root (an explicit stack, no
// recursion), sort them by id (the tape's execution order), walk them in reverse, and let each
// gate's rule turn its output gradient into input gradients. Where a tensor fans out, the
// gradients arriving from its uses are added (the `+=` of the seed notes).

import { Binary } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { setBirth } from '../tensor.js';
import { applyGate, setGradEnabled, type Gate, type TapeRecord } from './tape.js';
import { openScope, closeScope } from '../memory/index.js';
import { BackendError, DTypeError, DisposedError, ShapeError, WasmgradError, fmtShape } from '../errors.js';
import { binarySameShape, copyOf, sameShape, tensorFrom } from '../alloc.js';

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep saved values so the graph can be backpropagated again. */
  retainGraph?: boolean;
  /** TapeRecord the backward pass itself, so gradients can be differentiated (implies retainGraph). */
  createGraph?: boolean;
}

let epochCounter = 0;

// ---- accumulation ------------------------------------------------------------------------------
// Fan-out adds gradients: two tensors of one shape, dtype and backend (the engine checked them
// against the input they belong to), so one call of the backend's Add kernel, with no
// broadcasting. It is a gate, not a raw kernel call, so that under createGraph the sum is
// recorded and can be differentiated again; it is named 'add' because it is add (graphs and
// grad_fn show it so), but lives here so that autograd needs nothing from the ops layer.
const accumulateGate: Gate = {
  name: 'add',
  forward(_ctx, [a, b]) {
    return binarySameShape(Binary.Add, a, b);
  },
  backward(_ctx, dy) {
    return [dy, dy];
  },
};

/** a + b for two gradients of one shape (recorded when recording is on: createGraph). */
function addGrads(a: Tensor, b: Tensor): Tensor {
  return applyGate(accumulateGate, [a, b], undefined);
}

/** Builds the seed gradient: 1 for one-element roots, otherwise required and shape-checked. */
function makeSeed(root: Tensor, seed: Tensor | number | ArrayLike<unknown> | undefined): Tensor {
  if (seed === undefined || seed === null) {
    if (root.size !== 1) {
      throw new ShapeError(`backward: a seed gradient is required for a non-scalar tensor of shape ${root.shapeString} (pass a tensor of that shape)`);
    }
    return tensorFrom(1, root.shape, root.dtype, root.backend, 'backward');
  }
  if (seed instanceof Tensor) {
    seed.assertLive('backward');
    if (seed.dtype !== root.dtype) {
      throw new DTypeError(`backward: seed dtype ${seed.dtype} differs from tensor dtype ${root.dtype}`);
    }
    if (seed.backendName !== root.backendName) {
      throw new BackendError(`backward: seed backend ${seed.backendName} differs from tensor backend ${root.backendName}`);
    }
    if (!sameShape(seed.shape, root.shape)) {
      throw new ShapeError(`backward: seed shape ${seed.shapeString} differs from tensor shape ${root.shapeString}`);
    }
    return seed;
  }
  const t = tensorFrom(seed as number | ArrayLike<unknown>, null, root.dtype, root.backend, 'backward');
  if (!sameShape(t.shape, root.shape) && !(t.size === root.size && t.ndim <= 1 && root.size === 1)) {
    const shape = t.shapeString;
    t.dispose();
    throw new ShapeError(`backward: seed shape ${shape} differs from tensor shape ${root.shapeString}`);
  }
  // Flat data for a one-element root of another rank: the same storage in the root's shape.
  return t.shape.length === root.shape.length ? t : t.shareStorage(root.shape);
}

/** Records reachable from `root`, in reverse execution order. */
function collect(root: TapeRecord, epoch: number): TapeRecord[] {
  const found: TapeRecord[] = [];
  const stack: TapeRecord[] = [root];
  root.mark = epoch;
  while (stack.length > 0) {
    const rec = stack.pop()!;
    found.push(rec);
    const inputs = rec.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const n = inputs[i].node;
      if (n !== null && n.mark !== epoch && inputs[i].requiresGrad) {
        n.mark = epoch;
        stack.push(n);
      }
    }
  }
  found.sort((a, b) => b.id - a.id);
  return found;
}

/**
 * With `targets` (grad, valueAndGrad), only the records some target's gradient passes through:
 * the rest of a graph the targets came from is neither computed nor released.
 */
function pruneToTargets(records: TapeRecord[], targets: readonly Tensor[]): TapeRecord[] {
  const leads = new Set<TapeRecord>();
  // records is in reverse execution order: walk it forwards, so inputs' records come first.
  for (let r = records.length - 1; r >= 0; r--) {
    const rec = records[r];
    for (const x of rec.inputs) {
      if (x.requiresGrad && (targets.includes(x) || (x.node !== null && leads.has(x.node)))) {
        leads.add(rec);
        break;
      }
    }
  }
  return records.filter((rec) => {
    if (leads.has(rec)) return true;
    rec.mark = 0; // not run in this pass: accumulate() leaves its dy alone
    return false;
  });
}

/**
 * Before any rule runs: every tensor a rule may read (the record's inputs and saved tensors)
 * must be live and unchanged since it was recorded. Saved tensors are checked first over all
 * records, so a gate that saved a modified tensor is the one named (as in PyTorch); inputs are
 * checked too because rules may read them (mul does), which makes this stricter than PyTorch
 * for gates that only read an input's shape (add, sum, reshape).
 */
function checkUsable(records: readonly TapeRecord[]): void {
  for (const rec of records) checkRecord(rec, false);
  for (const rec of records) checkRecord(rec, true);
}

function checkRecord(rec: TapeRecord, inputsToo: boolean): void {
  if (rec.released) {
    throw new DisposedError(`backward: the graph through ${rec.gate.name} was already backpropagated and its saved values released; pass { retainGraph: true } to the first backward() to go through it twice`);
  }
  const check = (t: Tensor, what: string, expected: number): void => {
    const gate = rec.gate.name;
    if (t.isDisposed) {
      throw new DisposedError(`backward: ${gate} needs its ${what} (shape ${t.shapeString}), which was disposed: `
        + `the graph behind this result was freed, typically by the tidy() that made the result (tidy frees every `
        + `tensor made inside it except what it returns); call backward() inside that tidy, or keep the graph's tensors alive`);
    }
    if (t.version !== expected) {
      throw new WasmgradError(`backward: one of the tensors needed for gradient computation has been modified by an `
        + `in-place operation: the ${what} of ${gate} (shape ${t.shapeString}) is at version ${t.version} now but was at `
        + `version ${expected} when ${gate} recorded it; recompute the forward pass after the in-place update, or use `
        + `the out-of-place op (add instead of add_)`);
    }
  };
  if (inputsToo) {
    const inputs = rec.inputs;
    for (let i = 0; i < inputs.length; i++) check(inputs[i], `input ${i}`, rec.inputVersions?.[i] ?? 0);
    return;
  }
  const saved = rec.saved;
  for (let i = 0; i < saved.length; i++) check(saved[i], `saved tensor ${i}`, rec.savedVersions?.[i] ?? 0);
}

/** Checks a rule's gradient against its input: same shape, dtype and backend. */
function checkGrad(rec: TapeRecord, i: number, g: unknown): Tensor {
  const x = rec.inputs[i];
  if (!(g instanceof Tensor)) {
    throw new WasmgradError(`${rec.gate.name}: backward returned ${typeof g} for the gradient of input ${i}, expected a Tensor or null`);
  }
  if (!sameShape(g.shape, x.shape)) {
    throw new ShapeError(`${rec.gate.name}: backward returned a gradient of shape ${fmtShape(g.shape)} for input ${i} of shape ${x.shapeString}`);
  }
  if (g.dtype !== x.dtype) {
    throw new DTypeError(`${rec.gate.name}: backward returned a ${g.dtype} gradient for ${x.dtype} input ${i}`);
  }
  if (g.backendName !== x.backendName) {
    throw new WasmgradError(`${rec.gate.name}: backward returned a gradient on ${g.backendName} for input ${i} on ${x.backendName}`);
  }
  return g;
}

/**
 * The engine behind Tensor.backward, grad and valueAndGrad.
 * With `targets`, gradients are returned for those tensors and no `.grad` is touched;
 * without, leaves accumulate into `.grad` (and retainGrad tensors keep theirs).
 */
export function runBackward(root: Tensor, seedArg: Tensor | number | ArrayLike<unknown> | undefined,
  opts: BackwardOptions, targets: readonly Tensor[] | null): (Tensor | null)[] {
  root.assertLive('backward');
  if (!root.requiresGrad) {
    throw new WasmgradError(`backward: tensor of shape ${root.shapeString} does not require grad (no input had requiresGrad = true, or it was made inside noGrad)`);
  }
  const createGraph = opts.createGraph === true;
  const retainGraph = opts.retainGraph === true || createGraph;
  const epoch = ++epochCounter;

  const scope = openScope();
  const prevBirth = setBirth(epoch);
  const prevGrad = setGradEnabled(createGraph);
  const results = new Set<Tensor>();
  const targetGrads = targets === null ? null : new Map<Tensor, Tensor>();
  let ok = false;
  try {
    const seed = makeSeed(root, seedArg);
    let records = root.node === null ? [] : collect(root.node, epoch);
    if (targets !== null) records = pruneToTargets(records, targets);
    checkUsable(records);

    // A tensor's gradient slot: the record's dy for made tensors, a map entry or .grad for leaves.
    const accumulate = (t: Tensor, g: Tensor): void => {
      if (targetGrads !== null && targets!.includes(t)) {
        const prev = targetGrads.get(t);
        targetGrads.set(t, prev === undefined ? g : addGrads(prev, g));
      }
      if (t.node !== null) {
        const rec = t.node;
        if (rec.mark !== epoch) return; // pruned: no target's gradient passes through it
        rec.dy = rec.dy === null ? g : addGrads(rec.dy, g);
        return;
      }
      if (targetGrads !== null || !t.requiresGrad) return;
      // Leaf: accumulate into .grad across backward calls.
      const prev = t.grad;
      if (prev === null) {
        // Own the gradient exclusively: copy what we did not make or what another slot holds.
        // (Under createGraph the gradient is a graph node and is used as it is: a raw copy would
        // cut it from the graph, and recorded ops never write in place.)
        const own = createGraph || (g.born === epoch && !g.isKept && !results.has(g) && g.storage.refs === 1);
        t.setGradUnchecked(own ? g : copyOf(g));
      } else if (!createGraph && prev.born !== epoch && prev.node === null && prev.storage.refs === 1) {
        // A gradient from an earlier pass is ours alone: add in place. One made in this pass may
        // still be another slot's upstream gradient, so that case goes out of place.
        prev.backend.addInPlace(prev.storage, g.storage);
        prev.bumpVersion();
      } else {
        t.setGradUnchecked(addGrads(prev, g));
        if (prev.born === epoch) {
          // Superseded within this pass: free it with the pass's other temporaries.
          results.delete(prev);
          prev.unmarkKept();
        }
      }
      results.add(t.grad!);
    };

    accumulate(root, seed);
    for (const rec of records) {
      const dy = rec.dy;
      rec.dy = null;
      if (dy === null) continue;
      const out = rec.output;
      if (out !== null && out.retainsGrad && targetGrads === null) {
        const prev = out.grad;
        out.setGradUnchecked(prev === null ? (!createGraph && (dy.born !== epoch || dy.isKept) ? copyOf(dy) : dy) : addGrads(prev, dy));
        results.add(out.grad!);
      }
      const grads = rec.gate.backward(rec, dy);
      const inputs = rec.inputs;
      for (let i = 0; i < inputs.length; i++) {
        if (!inputs[i].requiresGrad) continue;
        const g = grads[i];
        if (g === null || g === undefined) continue;
        accumulate(inputs[i], checkGrad(rec, i, g));
      }
      if (!retainGraph) rec.release();
    }
    ok = true;
  } finally {
    setGradEnabled(prevGrad);
    setBirth(prevBirth);
    if (!ok) {
      for (const r of collectDirty(root)) r.dy = null;
      closeScope(scope, null, true);
    }
  }
  const out: (Tensor | null)[] = [];
  if (targets !== null) {
    for (const t of targets) {
      let g = targetGrads!.get(t) ?? null;
      if (g !== null && !createGraph && (g.born !== epoch || g.isKept)) g = copyOf(g);
      if (g !== null) results.add(g);
      out.push(g);
    }
  }
  // Under createGraph the intermediate gradients are graph nodes: hand them to the outer scope.
  closeScope(scope, results, !createGraph);
  return out;
}

/** Records whose dy may have been left set by a failed pass (cleared so a retry starts clean). */
function collectDirty(root: Tensor): TapeRecord[] {
  const out: TapeRecord[] = [];
  if (root.node === null) return out;
  const stack = [root.node];
  const seen = new Set<TapeRecord>();
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(r);
    for (const x of r.inputs) if (x.node !== null) stack.push(x.node);
  }
  return out;
}

/** Tensor.backward: accumulate into the leaves' `.grad`. */
export function backward(root: Tensor, seed: Tensor | number | ArrayLike<unknown> | undefined, opts: BackwardOptions): void {
  runBackward(root, seed, opts, null);
}
