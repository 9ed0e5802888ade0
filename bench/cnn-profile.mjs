#!/usr/bin/env node
// Where does the CNN training step (bench/workloads/cnn.mjs, issue 13) spend its time, and which
// parts scale from 1 to 2 threads? Times every backend call of the step (self time: a heap fill
// inside a kernel gets its own row), on 1 thread and on 2, in alternating rounds, and prints a
// table: call, ms on 1 thread and on 2 with their ratio (median, lower quartile and minimum over
// the steps: on a shared machine the minimum is the best estimate of a split's gain, since the
// second thread often has no core), the call's share of the 1-thread step, and how many thread
// dispatches it made. The rest of the step (JS: tape, tidy, shape checks) is the row "outside
// backend calls". Results and their reading: docs-src/tuning.md ("CNN step").
//
//   npm run build && node bench/cnn-profile.mjs [--rounds 8] [--steps 12] [--no-wrap]
//
// --no-wrap times whole steps only (no per-call timers), to check the timers cost nothing.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './lib/measure.mjs';
import cnn from './workloads/cnn.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);
const wg = await dist('index.js');
const { WasmBackend } = await dist('backend/wasm/backend.js');
const { WasmHeap } = await dist('backend/wasm/storage.js');

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : dflt; };
const ROUNDS = opt('--rounds', 8), STEPS = opt('--steps', 12), WRAP = !argv.includes('--no-wrap');

await wg.init();
if (wg.wasmVariant() === 'baseline') throw new Error('cnn-profile: the threaded build is not loaded');

// ---- per-call timers ------------------------------------------------------------------------------
// Self time per call: a stack of open calls; a nested call's time is taken off its parent's.

/** Calls of the step being recorded: { label, ms, dispatches }. */
let calls = null;
const stack = [];
const dispatchesNow = () => wg.threadStats()?.dispatches ?? 0;

function describe(name, args) {
  const parts = [];
  for (const a of args) {
    if (a && typeof a === 'object' && 'N' in a && 'O' in a) parts.push(`[${a.N},${a.C},${a.H},${a.W}]→${a.O} k${a.KH}`);
    else if (a && typeof a === 'object' && 'planes' in a) parts.push(`${a.planes}×${a.H}×${a.W}`);
    else if (a && typeof a === 'object' && 'size' in a && 'dtype' in a) parts.push(String(a.size));
    else if (Number.isInteger(a) && parts.length < 6) parts.push(String(a));
  }
  return `${name}(${parts.join(',')})`;
}

function wrap(proto, name, prefix, onlyNested = false) {
  const f = proto[name];
  proto[name] = function (...args) {
    if (calls === null || (onlyNested && stack.length === 0)) return f.apply(this, args);
    const frame = { label: prefix + describe(name, args), child: 0, d0: dispatchesNow() };
    stack.push(frame);
    const t0 = performance.now();
    try {
      return f.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      stack.pop();
      if (stack.length) stack[stack.length - 1].child += ms;
      calls.push({ label: frame.label, ms: ms - frame.child, dispatches: dispatchesNow() - frame.d0 });
    }
  };
}

if (WRAP) {
  const skip = new Set(['constructor', 'threadsSupported', 'threads', 'setThreads', 'threadStats', 'closeThreads', 'liveAllocations', 'heapBytes']);
  for (const name of Object.getOwnPropertyNames(WasmBackend.prototype)) {
    const d = Object.getOwnPropertyDescriptor(WasmBackend.prototype, name);
    if (!skip.has(name) && typeof d.value === 'function') wrap(WasmBackend.prototype, name, '');
  }
  // Heap work inside a kernel (scatterAdd's zero fill, scratch): rows of their own.
  for (const name of ['fill', 'scratch', 'alloc', 'free']) wrap(WasmHeap.prototype, name, '  ↳ heap.', true);
}

// ---- the step ------------------------------------------------------------------------------------

// The workload's own model and step: run() is stopped at its first cell (the TF.js and jax
// cells after it are not wanted here).
const STOP = Symbol('stop');
const made = [];
const ctx = {
  wg, tf: null, quick: true, slow: {}, row: () => ({}), skip() {}, check() {},
  async cell(_row, _impl, setup) { made.push(setup()); throw STOP; },
};
await cnn.run(ctx).catch((e) => { if (e !== STOP) throw e; });
const step = made[0].fn;

function measure(threads) {
  wg.setThreads(threads);
  for (let i = 0; i < 3; i++) step();
  const steps = [];
  for (let s = 0; s < STEPS; s++) {
    calls = WRAP ? [] : null;
    const d0 = dispatchesNow();
    const t0 = performance.now();
    step();
    const ms = performance.now() - t0;
    steps.push({ ms, calls: calls ?? [], dispatches: dispatchesNow() - d0 });
    calls = null;
  }
  return steps;
}

const load0 = os.loadavg();
const rec = { 1: [], 2: [] };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? [1, 2] : [2, 1];
  for (const t of order) rec[t].push(...measure(t));
}
const load1 = os.loadavg();

// ---- the table -----------------------------------------------------------------------------------

/** Per label (numbered in step order when a label repeats): self ms of each step. */
function perCall(steps) {
  const byLabel = new Map();
  for (const s of steps) {
    const seen = new Map();
    for (const c of s.calls) {
      const k = seen.get(c.label) ?? 0;
      seen.set(c.label, k + 1);
      const label = k ? `${c.label} #${k + 1}` : c.label;
      if (!byLabel.has(label)) byLabel.set(label, { ms: [], dispatches: [] });
      byLabel.get(label).ms.push(c.ms);
      byLabel.get(label).dispatches.push(c.dispatches);
    }
    const rest = s.ms - s.calls.reduce((a, c) => a + c.ms, 0);
    if (!byLabel.has('(outside backend calls)')) byLabel.set('(outside backend calls)', { ms: [], dispatches: [] });
    byLabel.get('(outside backend calls)').ms.push(rest);
  }
  return byLabel;
}

const fmt = (x, d = 3) => (x === undefined ? '-' : x.toFixed(d));
/** The lower quartile: on a shared machine, closer than the median to what the code costs when it has the cores. */
const q1 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 4)]; };
const step1 = rec[1].map((s) => s.ms), step2 = rec[2].map((s) => s.ms);
const m1 = median(step1), m2 = median(step2);
console.log(`CNN step (batch 64), ${ROUNDS} alternating rounds of ${STEPS} steps per thread count${WRAP ? ', per-call timers on' : ', no timers'}`);
console.log(`load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`step: 1 thread median ${fmt(m1, 2)} ms (q1 ${fmt(q1(step1), 2)}, min ${fmt(Math.min(...step1), 2)}, max ${fmt(Math.max(...step1), 2)}), ` +
  `2 threads median ${fmt(m2, 2)} ms (q1 ${fmt(q1(step2), 2)}, min ${fmt(Math.min(...step2), 2)}, max ${fmt(Math.max(...step2), 2)}); ` +
  `ratio of medians ${fmt(m1 / m2, 2)}×, of q1 ${fmt(q1(step1) / q1(step2), 2)}×; dispatches per step ${median(rec[2].map((s) => s.dispatches))}`);
if (WRAP) {
  const a = perCall(rec[1]), b = perCall(rec[2]);
  const rows = [...a.keys()].map((label) => {
    const x1 = a.get(label).ms, x2 = b.get(label)?.ms;
    return {
      label, t1: median(x1), t2: x2 && median(x2), l1: q1(x1), l2: x2 && q1(x2), n1: Math.min(...x1), n2: x2 && Math.min(...x2),
      d: b.has(label) ? median(b.get(label).dispatches) : 0,
    };
  });
  const total1 = rows.reduce((s, r) => s + r.l1, 0);
  const w = Math.max(...rows.map((r) => r.label.length));
  console.log(`\n${'call (step order); ms: median, lower quartile, min'.padEnd(w)} | 1 t med | 2 t med | ratio | 1 t q1 | 2 t q1 | ratio | 1 t min | 2 t min | ratio | share q1 1 t | disp`);
  const sum = { t1: 0, t2: 0, l1: 0, l2: 0, n1: 0, n2: 0 };
  for (const r of rows) {
    for (const k of Object.keys(sum)) sum[k] += r[k] ?? 0;
    if (r.t1 < 0.005 && (r.t2 ?? 0) < 0.005) continue;
    console.log(`${r.label.padEnd(w)} | ${fmt(r.t1).padStart(7)} | ${fmt(r.t2).padStart(7)} | ${fmt(r.t1 / r.t2, 2).padStart(5)} | ` +
      `${fmt(r.l1).padStart(6)} | ${fmt(r.l2).padStart(6)} | ${fmt(r.l1 / r.l2, 2).padStart(5)} | ` +
      `${fmt(r.n1).padStart(7)} | ${fmt(r.n2).padStart(7)} | ${fmt(r.n1 / r.n2, 2).padStart(5)} | ${(100 * r.l1 / total1).toFixed(1).padStart(11)}% | ${r.d}`);
  }
  console.log(`${'sum'.padEnd(w)} | ${fmt(sum.t1).padStart(7)} | ${fmt(sum.t2).padStart(7)} | ${fmt(sum.t1 / sum.t2, 2).padStart(5)} | ` +
    `${fmt(sum.l1).padStart(6)} | ${fmt(sum.l2).padStart(6)} | ${fmt(sum.l1 / sum.l2, 2).padStart(5)} | ` +
    `${fmt(sum.n1).padStart(7)} | ${fmt(sum.n2).padStart(7)} | ${fmt(sum.n1 / sum.n2, 2).padStart(5)} |`);
}
made[0].cleanup();
wg.shutdown();
