#!/usr/bin/env node
// wasmgrad benchmark suite (issue 3, deliverable 1).
//
//   node bench/run.mjs [--quick] [--only matmul,matmul-f64,fwdbwd,elementwise,mlp,tiny]
//
// Every comparison runs in this one process: wasmgrad on its 'wasm' backend with one thread
// (setThreads(1)) and with all threads (the default, the machine's cores), wasmgrad on its
// 'js' backend, TensorFlow.js on its 'wasm' backend (XNNPACK, one thread in Node) and, where it
// is cheap enough, TensorFlow.js on its 'cpu' backend. A relaxed-SIMD column (all threads) for
// matmul, the MLP step and the tiny ops comes from a child `node --experimental-wasm-relaxed-simd
// bench/run.mjs --relaxed-child`, which measures only those cells with the same code. Each cell
// is a warm-up followed by the median of repeats, with min and max (lib/measure.mjs).
//
// Honest timing: both wasmgrad backends and both TF.js backends used here execute synchronously,
// so a call has finished its work when it returns. TF.js results are nevertheless read back
// with dataSync() inside the timed region for matmul, fwd+bwd, the MLP step and the tiny-op
// chain (a negligible copy next to the work). For the bandwidth-bound elementwise rows a
// read-back would dominate, so neither library reads back there; one extra row times sigmoid on
// 1M elements with a read-back in both libraries to show the effect. Every result is disposed
// inside the timed region (wasmgrad: dispose()/tidy(), TF.js: dispose()/tf.tidy()).
//
// Writes bench/results.json (machine info and every raw sample) and bench/results.md (tables).
//
// Workloads: every bench/workloads/*.mjs whose default export is
//   { name, section?, order, title?, relaxed?, notes?(ctx), check?(ctx), run(ctx) → rows,
//     targets?(v), targetsTitle? }
// run in `order`. section (default: name) is the table the rows go to and the --only name; the
// workload that owns a section gives its title. check runs untimed before any timing. relaxed:
// some rows (made with { relaxed: true }) are measured by the relaxed-SIMD child too. ctx:
//   wg, tf, quick, threads, use(impl), slow (options for cells of ≥ 0.25 s per call),
//   row(id, label, unit, better, { relaxed, order }), cell(row, impl, setup, toMetric, opts),
//   wasmCells(row, setup, toMetric, opts), skip(row, impl, why), check(name, ok, detail).
// A setup() returns { fn, cleanup, beforeRep?, afterRep? }; fn does one call and frees its result.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const started = performance.now();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

// gc() comes from running node with --expose-gc: the bench re-runs itself so when it was started
// without it. Setting the flag at run time instead (v8.setFlagsFromString) was measured to leave
// the workers' wasm slow for a long while (2-thread matmul at N=256 at 1-thread speed, the MLP
// step 1.2x instead of 1.5x), presumably because a changed V8 flag hash makes each worker
// compile the module again on the baseline tier instead of sharing the optimised code.
if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { createHarness, progress, slowCell } = await import('./lib/measure.mjs');
const { describeMachine, writeResults } = await import('./lib/report.mjs');
const { loadTfjs, implementations } = await import('./lib/peers.mjs');

// The package entry first: workloads get it through their ctx (and one imports a module of it).
const wg = await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href);

// ---- workloads -------------------------------------------------------------------------------

const WORKLOAD_DIR = path.join(HERE, 'workloads');
const workloads = [];
for (const file of fs.readdirSync(WORKLOAD_DIR).filter((f) => f.endsWith('.mjs')).sort()) {
  const w = (await import(pathToFileURL(path.join(WORKLOAD_DIR, file)).href)).default;
  if (!w || typeof w.run !== 'function') throw new Error(`bench: ${file} has no default export { name, order, run(ctx) }`);
  workloads.push({ ...w, section: w.section ?? w.name });
}
workloads.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
const SECTIONS = [...new Set(workloads.map((w) => w.section))];

// ---- command line ----------------------------------------------------------------------------

const argv = process.argv.slice(2);
/** Child mode: measure the relaxed-SIMD build's cells only and print them as JSON. */
const RELAXED_CHILD = argv.includes('--relaxed-child');
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`usage: node bench/run.mjs [--quick] [--only ${SECTIONS.join(',')}]`);
  process.exit(0);
}
const QUICK = argv.includes('--quick');
let ONLY = null;
{
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i >= 0) {
    const v = argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
    if (!v) { console.error('--only needs a comma-separated list of: ' + SECTIONS.join(', ')); process.exit(2); }
    ONLY = new Set(v.split(',').map((s) => s.trim()).filter(Boolean));
    for (const s of ONLY) {
      if (!SECTIONS.includes(s)) { console.error(`--only: unknown section "${s}" (known: ${SECTIONS.join(', ')})`); process.exit(2); }
    }
  }
}
const enabled = (s) => ONLY === null || ONLY.has(s);

// ---- libraries -------------------------------------------------------------------------------

await wg.init();
const ALL_THREADS = wg.getThreads();
if (RELAXED_CHILD && wg.wasmVariant() !== 'threads-relaxed') {
  console.log(JSON.stringify({ error: `the relaxed-SIMD build did not load (variant ${wg.wasmVariant()})` }));
  process.exit(0);
}
const peers = await loadTfjs();
const { tf } = peers;
const { impls, use } = implementations(wg, tf, ALL_THREADS);
const harness = createHarness({ quick: QUICK, started, gc: globalThis.gc, relaxedChild: RELAXED_CHILD, use });
const checks = [];  // correctness sanity checks

/** What a workload gets: the libraries, and rows/cells that land in its own section. */
const contextFor = (w) => ({
  wg, tf, quick: QUICK, threads: ALL_THREADS, use, slow: slowCell(QUICK),
  row: (id, label, unit, better, opts) => harness.row(w.section, id, label, unit, better, opts),
  cell: harness.cell, wasmCells: harness.wasmCells, skip: harness.skip,
  check: (name, ok, detail) => { checks.push({ name, ok, detail }); },
});

// ---- relaxed-SIMD column ---------------------------------------------------------------------

/**
 * A child `node --experimental-wasm-relaxed-simd bench/run.mjs --relaxed-child` measures the
 * relaxed rows on all threads with the relaxed build; its cells are merged into this run's rows
 * as 'relaxed'. Returns why it could not, or null.
 */
function relaxedColumn() {
  const sections = SECTIONS.filter((s) => enabled(s) && workloads.some((w) => w.section === s && w.relaxed));
  if (sections.length === 0) return null;
  progress('relaxed SIMD: measuring in a child node --experimental-wasm-relaxed-simd');
  const res = spawnSync(process.execPath, ['--expose-gc', '--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url),
    '--relaxed-child', ...(QUICK ? ['--quick'] : []), '--only', sections.join(',')],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 << 20 });
  const last = (res.stdout ?? '').trim().split('\n').pop();
  let out = null;
  try { out = JSON.parse(last); } catch { out = { error: `child exited with ${res.status}: ${last}` }; }
  if (out.error) {
    for (const r of harness.results) if (harness.relaxedIds.has(r.id)) r.cells.relaxed = { skipped: 'relaxed SIMD unavailable' };
    return out.error;
  }
  for (const r of harness.results) if (out.cells[r.id]) r.cells.relaxed = out.cells[r.id];
  return null;
}

// ---- main ------------------------------------------------------------------------------------

const machine = describeMachine({ root: ROOT, wg, peers, threads: ALL_THREADS, quick: QUICK, only: ONLY });
console.error(`wasmgrad bench (${machine.mode}) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.loadAvgStart.join(' ')}`);
if (machine.loadAvgStart[0] > 0.5) console.error('  note: the machine is not idle (load average above 0.5); expect noisier numbers');

const active = workloads.filter((w) => enabled(w.section));
if (!RELAXED_CHILD) for (const w of active) if (w.check) await w.check(contextFor(w));
for (const w of active) await w.run(contextFor(w));

if (RELAXED_CHILD) {
  const measured = harness.results.filter((r) => r.cells.wasm);
  console.log(JSON.stringify({ variant: wg.wasmVariant(), cells: Object.fromEntries(measured.map((r) => [r.id, r.cells.wasm])) }));
  process.exit(0);
}
const relaxedError = relaxedColumn();
wg.setThreads(ALL_THREADS);

const sections = SECTIONS.map((name) => {
  const owners = workloads.filter((w) => w.section === name);
  const ctx = contextFor(owners[0]);
  return { name, title: owners.find((w) => w.title)?.title ?? name, notes: owners.flatMap((w) => w.notes?.(ctx) ?? []) };
});
writeResults(HERE, {
  machine, elapsedS: (performance.now() - started) / 1000, cfg: harness.cfg, impls, results: harness.results, checks,
  sections, workloads: active, enabled, threads: ALL_THREADS, quick: QUICK, only: ONLY, relaxedError,
});
