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
// bench/run.mjs --relaxed-child`, which measures only those cells with the same code. Each cell is a warm-up followed by the
// median of repeats, with min and max. A repeat times `inner` back-to-back calls (chosen so a
// repeat lasts a few ms) and divides, so fast operations are not at the timer's resolution.
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

import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const require = createRequire(import.meta.url);

// ---- command line ----------------------------------------------------------------------------

const SECTIONS = ['matmul', 'matmul-f64', 'fwdbwd', 'elementwise', 'mlp', 'tiny'];
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

// ---- timing ----------------------------------------------------------------------------------

const CFG = QUICK
  ? { reps: 5, minReps: 3, warmupMs: 150, minWarmCalls: 30, maxWarmMs: 400, repMs: 8, budgetMs: 500 }
  : { reps: 11, minReps: 5, warmupMs: 250, minWarmCalls: 30, maxWarmMs: 1500, repMs: 25, budgetMs: 2500 };

const CPU_OK = 0.9;                                // see measure()
const OTHER_MAX = 0.3;                             // see cell()
const RETRY_BUDGET_MS = 60_000;                    // full mode: at most this long re-measuring
let retrySpentMs = 0;
const RETRY_UNTIL_MS = QUICK ? 25_000 : 400_000;   // no repeats redone after this (keeps --quick < 60 s)
const started = performance.now();

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
const gc = globalThis.gc;

/**
 * Times fn (which must finish its work and free what it made). Returns per-call samples in ms.
 * Warm-up runs until it has lasted warmupMs and made minWarmCalls calls (so V8 has tiered up
 * both the JS and the wasm code), or until maxWarmMs. opts: reps (exact repeat count), maxReps,
 * maxWarmMs, warmup (false: no warm-up call at all).
 */
function measure(ctx, opts = {}) {
  const { fn } = ctx;
  // Optional untimed hooks around each repeat (and each warm-up call): beforeRep(n) prepares
  // inputs for the next n calls, afterRep() frees them.
  const before = ctx.beforeRep ?? (() => {}), after = ctx.afterRep ?? (() => {});
  gc();
  let warmupCalls = 0, est;
  if (opts.warmup !== false) {
    const t0 = performance.now();
    let fnMs = 0, first = 0;
    const maxWarm = opts.maxWarmMs ?? CFG.maxWarmMs;
    let el = 0;
    do {
      before(1);
      const t = performance.now();
      fn();
      const d = performance.now() - t;
      after();
      if (warmupCalls === 0) first = d;
      fnMs += d; warmupCalls++; el = performance.now() - t0;
    } while ((el < CFG.warmupMs || warmupCalls < CFG.minWarmCalls) && el < maxWarm && warmupCalls < 1e6);
    // Estimate the per-call time without the first (JIT/compile) call when there were others.
    est = warmupCalls > 1 ? (fnMs - first) / (warmupCalls - 1) : first;
  } else {
    est = Infinity;
  }
  const inner = Number.isFinite(est) ? Math.max(1, Math.floor(CFG.repMs / Math.max(est, 1e-6))) : 1;
  let reps = opts.reps ?? CFG.reps;
  if (opts.reps === undefined && Number.isFinite(est) && est * inner * reps > CFG.budgetMs) {
    reps = Math.max(CFG.minReps, Math.floor(CFG.budgetMs / (est * inner)));
  }
  if (opts.maxReps !== undefined) reps = Math.min(reps, opts.maxReps);
  // No gc() here: a full collection after the warm-up shrinks V8's young generation again and
  // makes the first timed repeats of allocation-heavy work (the tiny-op chain) pay for it.
  // Each repeat also records the share of a core this process got (process CPU time / wall
  // time). Well below 1 means another process on the machine took the core; such a repeat is
  // set aside and run again, up to 2·reps extra repeats (--quick: reps, short ones only) (helper threads such as the GC's can
  // push the share above 1, which is fine).
  const samples = [], shares = [], rejected = [];
  const wall0 = performance.now(), busy0 = machineBusySeconds(), own0 = process.cpuUsage();
  while (samples.length < reps) {
    before(inner);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    const dt = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    after();
    const share = (c.user + c.system) / 1000 / dt;
    if (share < CPU_OK && rejected.length < (QUICK ? reps : 2 * reps) && dt < (QUICK ? 100 : 1000)
      && performance.now() - started < RETRY_UNTIL_MS) {
      rejected.push({ ms: dt / inner, cpuShare: share });
      continue;
    }
    samples.push(dt / inner);
    shares.push(share);
  }
  const wallMs = performance.now() - wall0;
  const busy1 = machineBusySeconds(), own = process.cpuUsage(own0);
  // Cores' worth of CPU the rest of the machine used meanwhile (Linux; 10 ms tick resolution).
  const otherCores = busy0 === null || busy1 === null ? null
    : Math.max(0, (busy1 - busy0 - (own.user + own.system) / 1e6) / (wallMs / 1000));
  return { samplesMs: samples, cpuShares: shares, rejected, inner, reps, warmupCalls, cpuShare: median(shares), otherCores, wallMs };
}

/** Busy CPU seconds of the whole machine so far (all cores, including steal), or null. */
const CLK_TCK = 100;
function machineBusySeconds() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8');
    const v = f.slice(0, f.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    return (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] || 0)) / CLK_TCK;
  } catch {
    return null;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---- data ------------------------------------------------------------------------------------

/** mulberry32: identical inputs for every library, so results can be compared. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function uniform(n, lo, hi, seed, Ctor = Float32Array) {
  const r = rng(seed), out = new Ctor(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}
function normal(n, std, seed, Ctor = Float32Array) {
  const r = rng(seed), out = new Ctor(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12), v = r();
    const m = std * Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

// ---- libraries -------------------------------------------------------------------------------

const wg = await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href);
let matmulFlags;
try {
  ({ matmulFlags } = await import(pathToFileURL(path.join(ROOT, 'dist/ops/matmul.js')).href));
} catch (e) {
  console.error('bench: could not import matmulFlags from dist/ops/matmul.js; run `npm run build` first');
  throw e;
}
await wg.init();
const ALL_THREADS = wg.getThreads();
if (RELAXED_CHILD && wg.wasmVariant() !== 'threads-relaxed') {
  console.log(JSON.stringify({ error: `the relaxed-SIMD build did not load (variant ${wg.wasmVariant()})` }));
  process.exit(0);
}

// TF.js prints a suggestion to install tfjs-node on first use; keep the output to the tables.
const origWarn = console.warn, origLog = console.log;
const quiet = (orig) => (...a) => { if (typeof a[0] === 'string' && /tfjs-node|Hi there/.test(a[0])) return; orig(...a); };
console.warn = quiet(origWarn);
console.log = quiet(origLog);
const tf = await import('@tensorflow/tfjs');
const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
const TF_WASM_DIR = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
tfwasm.setWasmPaths(TF_WASM_DIR);
if (!(await tf.setBackend('wasm'))) throw new Error('bench: TF.js wasm backend failed to initialise');
await tf.ready();
let tfWasmSimd = null, tfWasmThreads = null;
try { tfWasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'); } catch { /* flag absent */ }
try { tfWasmThreads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'); } catch { /* flag absent */ }
if (!(await tf.setBackend('cpu'))) throw new Error('bench: TF.js cpu backend failed to initialise');
await tf.setBackend('wasm');

const IMPLS = [
  { key: 'wasm1', label: 'wasmgrad wasm 1 thread' },
  { key: 'wasm', label: `wasmgrad wasm ${ALL_THREADS} threads` },
  { key: 'relaxed', label: `wasmgrad wasm relaxed SIMD ${ALL_THREADS} threads` },
  { key: 'js', label: 'wasmgrad js' },
  { key: 'tfwasm', label: 'tfjs wasm' },
  { key: 'tfcpu', label: 'tfjs cpu' },
];
async function use(impl) {
  if (impl === 'wasm1') {
    wg.setBackend('wasm');
    wg.setThreads(1);
  } else if (impl === 'wasm') {
    wg.setBackend('wasm');
    wg.setThreads(ALL_THREADS);
  } else if (impl === 'js') {
    wg.setBackend('js');
  } else {
    await tf.setBackend(impl === 'tfwasm' ? 'wasm' : 'cpu');
  }
}

/** Measures wasmgrad's wasm backend on one thread and on all threads (same setup for both). */
async function wasmCells(r, setup, toMetric, opts) {
  await cell(r, 'wasm1', setup, toMetric, opts);
  await cell(r, 'wasm', setup, toMetric, opts);
}

// ---- results ---------------------------------------------------------------------------------

const RESULTS = []; // every row: { section, id, workload, unit, better, cells: { impl: cell } }
const NOTES = {};   // section -> notes printed under its table
const CHECKS = [];  // correctness sanity checks

/** unit conversion from ms per call: 'tput' metrics are higher-better, 'time' lower-better. */
function makeCell(m, toMetric, note) {
  const ms = m.samplesMs;
  const med = median(ms), lo = Math.min(...ms), hi = Math.max(...ms);
  const a = toMetric(lo), b = toMetric(hi);
  return {
    median: toMetric(med), min: Math.min(a, b), max: Math.max(a, b),
    medianMs: med, minMs: lo, maxMs: hi,
    samplesMs: ms, inner: m.inner, reps: m.reps, warmupCalls: m.warmupCalls,
    note: note ?? null,
  };
}

function row(section, id, workload, unit, better) {
  const r = { section, id, workload, unit, better, cells: {} };
  RESULTS.push(r);
  return r;
}

function progress(msg) {
  process.stderr.write(`  ${msg}\n`);
}

/** The rows the relaxed-SIMD child measures (its 'wasm' cells only). */
const RELAXED_ROWS = new Set(['matmul-f32-A·B-256', 'matmul-f32-A·B-512', 'matmul-f32-A·B-1024', 'mlp-784-128-10-b64', 'tiny-chain-1000']);

/** Runs one impl's measurement; a library error is recorded in the cell instead of aborting. */
async function cell(r, impl, setup, toMetric, opts = {}) {
  if (RELAXED_CHILD && (impl !== 'wasm' || !RELAXED_ROWS.has(r.id))) return;
  await use(impl);
  const cellStart = performance.now();
  let ctx;
  try {
    ctx = setup();
    // Another process running alongside (on a small VM possibly an SMT sibling of this vCPU, or
    // contending for cache and memory bandwidth) slows this one without taking its core, so the
    // whole machine's CPU use is watched too; a disturbed measurement is retried once (full
    // mode) and the less disturbed attempt kept.
    const isDisturbed = (m) => m.cpuShare < CPU_OK || (m.otherCores !== null && m.otherCores > OTHER_MAX);
    // The relaxed child measures each of its few cells once untimed first: the parent's cells
    // come after a 1-thread cell of the same workload, which has warmed up V8's JIT (whose
    // background compiles otherwise take the second core from the worker during the timing).
    if (RELAXED_CHILD) measure(ctx, opts);
    let m = measure(ctx, opts);
    const attempts = [{ medianMs: median(m.samplesMs), cpuShare: m.cpuShare, otherCores: m.otherCores }];
    if (!QUICK && isDisturbed(m) && m.wallMs < 4000 && retrySpentMs < RETRY_BUDGET_MS && performance.now() - started < RETRY_UNTIL_MS) {
      progress(`${r.workload} · ${impl}: disturbed (other processes used ${fmt(m.otherCores)} cores), measuring again`);
      const t0 = performance.now();
      const m2 = measure(ctx, opts);
      retrySpentMs += performance.now() - t0;
      attempts.push({ medianMs: median(m2.samplesMs), cpuShare: m2.cpuShare, otherCores: m2.otherCores });
      const load = (x) => (x.otherCores ?? 0) + Math.max(0, 1 - x.cpuShare);
      if (load(m2) < load(m)) m = m2;
    }
    const c = makeCell(m, toMetric, opts.note);
    c.cpuShare = m.cpuShare;
    c.cpuShares = m.cpuShares;
    c.otherCores = m.otherCores;
    c.rejected = m.rejected;
    c.attempts = attempts;
    c.disturbed = isDisturbed(m);
    r.cells[impl] = c;
    progress(`${r.workload} · ${impl}: ${fmt(c.median)} ${r.unit} (${m.reps}×${m.inner}, ${(m.cpuShare * 100).toFixed(0)}% cpu, ${m.rejected.length} repeats redone, others ${m.otherCores === null ? '?' : m.otherCores.toFixed(2)} cores)${c.disturbed ? ' ⚠' : ''}`);
  } catch (e) {
    r.cells[impl] = { error: String(e && e.stack || e) };
    progress(`${r.workload} · ${impl}: ERROR ${e && e.message}`);
  } finally {
    try { ctx?.cleanup?.(); } catch { /* ignore */ }
    if (r.cells[impl]) r.cells[impl].cellWallMs = Math.round(performance.now() - cellStart);
  }
}

function skip(r, impl, why) {
  if (RELAXED_CHILD) return;
  r.cells[impl] = { skipped: why };
}

// ---- workloads: matmul -----------------------------------------------------------------------

/** Options for cells that take a quarter of a second or more per call. */
const SLOW = QUICK ? { maxReps: 1, maxWarmMs: 300, note: '1 rep' } : { maxReps: 3, maxWarmMs: 600, note: '3 reps' };

const gflops = (M, N, K) => (ms) => (2 * M * N * K) / (ms * 1e6);

function wgMatmulSetup(N, dtype, tA, tB) {
  return () => {
    const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
    const a = wg.tensor(uniform(N * N, -1, 1, 11, Ctor), { shape: [N, N], dtype });
    const b = wg.tensor(uniform(N * N, -1, 1, 12, Ctor), { shape: [N, N], dtype });
    return {
      fn: () => { matmulFlags(a, b, tA, tB).dispose(); },
      cleanup: () => { a.dispose(); b.dispose(); },
    };
  };
}
function tfMatmulSetup(N, tA, tB) {
  return () => {
    const a = tf.tensor2d(uniform(N * N, -1, 1, 11), [N, N]);
    const b = tf.tensor2d(uniform(N * N, -1, 1, 12), [N, N]);
    return {
      fn: () => { const c = tf.matMul(a, b, tA, tB); c.dataSync(); c.dispose(); },
      cleanup: () => { a.dispose(); b.dispose(); },
    };
  };
}

/**
 * A·B with a new B tensor for every call (made untimed before each repeat). TF.js wasm caches
 * an XNNPACK operator with B packed keyed by B's tensor id, so with one B reused its timed
 * calls skip the packing; in training the weights change every step and it packs each time.
 */
function wgMatmulFreshBSetup(N) {
  return () => {
    const a = wg.tensor(uniform(N * N, -1, 1, 11), { shape: [N, N] });
    const bData = uniform(N * N, -1, 1, 12);
    let pool = [], k = 0;
    return {
      beforeRep: (n) => { pool = []; for (let i = 0; i < n; i++) pool.push(wg.tensor(bData, { shape: [N, N] })); k = 0; },
      fn: () => { matmulFlags(a, pool[k++], false, false).dispose(); },
      afterRep: () => { for (const t of pool) t.dispose(); pool = []; },
      cleanup: () => { a.dispose(); for (const t of pool) t.dispose(); },
    };
  };
}
function tfMatmulFreshBSetup(N) {
  return () => {
    const a = tf.tensor2d(uniform(N * N, -1, 1, 11), [N, N]);
    const bData = uniform(N * N, -1, 1, 12);
    let pool = [], k = 0;
    return {
      beforeRep: (n) => { pool = []; for (let i = 0; i < n; i++) pool.push(tf.tensor2d(bData, [N, N])); k = 0; },
      fn: () => { const c = tf.matMul(a, pool[k++]); c.dataSync(); c.dispose(); },
      afterRep: () => { for (const t of pool) t.dispose(); pool = []; },
      cleanup: () => { a.dispose(); for (const t of pool) t.dispose(); },
    };
  };
}

const MM_SIZES = QUICK ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024];
const MM_VARIANTS = [
  { name: 'A·B', tA: false, tB: false },
  { name: 'Aᵀ·B', tA: true, tB: false },
  { name: 'A·Bᵀ', tA: false, tB: true },
];

async function benchMatmul() {
  for (const N of MM_SIZES) {
    for (const v of MM_VARIANTS) {
      const r = row('matmul', `matmul-f32-${v.name}-${N}`, `${v.name} f32 N=${N}`, 'GFLOP/s', 'higher');
      r.N = N; r.variant = v.name;
      const toM = gflops(N, N, N);
      await wasmCells(r, wgMatmulSetup(N, 'float32', v.tA, v.tB), toM);
      if (QUICK && N >= 256 && v.name !== 'A·B') {
        skip(r, 'js', 'skipped in --quick');
        await cell(r, 'tfwasm', tfMatmulSetup(N, v.tA, v.tB), toM);
        skip(r, 'tfcpu', 'skipped in --quick');
        continue;
      }
      // The js backend runs at about 1 GFLOP/s: 0.27 s per call at N=512, 2 s at N=1024.
      if (N >= 1024) {
        if (v.name === 'A·B') await cell(r, 'js', wgMatmulSetup(N, 'float32', v.tA, v.tB), toM, { warmup: false, reps: 1, note: '1 rep, no warm-up' });
        else skip(r, 'js', 'skipped at N=1024 (≈2 s per call)');
      } else if (N >= 512) {
        await cell(r, 'js', wgMatmulSetup(N, 'float32', v.tA, v.tB), toM, SLOW);
      } else {
        await cell(r, 'js', wgMatmulSetup(N, 'float32', v.tA, v.tB), toM);
      }
      await cell(r, 'tfwasm', tfMatmulSetup(N, v.tA, v.tB), toM);
      if (N >= 1024) {
        skip(r, 'tfcpu', 'skipped at N=1024');
      } else if (N >= 512) {
        if (QUICK && v.name !== 'A·B') skip(r, 'tfcpu', 'skipped in --quick');
        else await cell(r, 'tfcpu', tfMatmulSetup(N, v.tA, v.tB), toM, SLOW);
      } else {
        await cell(r, 'tfcpu', tfMatmulSetup(N, v.tA, v.tB), toM);
      }
    }
  }
  for (const N of QUICK ? [64, 256] : [64, 128, 256]) {
    const r = row('matmul', `matmul-f32-A·B-newB-${N}`, `A·B f32 N=${N}, new B each call`, 'GFLOP/s', 'higher');
    r.N = N; r.variant = 'A·B new B';
    const toM = gflops(N, N, N);
    await wasmCells(r, wgMatmulFreshBSetup(N), toM);
    skip(r, 'js', 'not run');
    await cell(r, 'tfwasm', tfMatmulFreshBSetup(N), toM);
    skip(r, 'tfcpu', 'not run');
  }
  NOTES.matmul = [
    'GFLOP/s = 2·N³ / time. Square N×N float32 operands. Aᵀ·B and A·Bᵀ are the two products of',
    'matmul\'s backward: wasmgrad runs them through its matmul gate with transpose flags',
    '(`matmulFlags(a, b, transA, transB)` from dist/ops/matmul.js, no transposed copy), TF.js',
    'through `tf.matMul(a, b, transposeA, transposeB)`. TF.js results are read back with',
    '`dataSync()` inside the timed region.',
    'The same two operand tensors are reused by every call. TF.js wasm caches, per B tensor, an',
    'XNNPACK operator holding B already packed, so from the second call on its A·B skips the',
    'packing (its transposed products take a scalar loop instead). The "new B each call" rows',
    'give both libraries a fresh B tensor (created untimed before each repeat), as in training',
    'where the weights change every step.',
  ];
}

async function benchMatmulF64() {
  const N = 512;
  for (const v of MM_VARIANTS.slice(0, 1)) {
    const r = row('matmul-f64', `matmul-f64-${v.name}-${N}`, `${v.name} f64 N=${N}`, 'GFLOP/s', 'higher');
    const toM = gflops(N, N, N);
    await wasmCells(r, wgMatmulSetup(N, 'float64', v.tA, v.tB), toM);
    await cell(r, 'js', wgMatmulSetup(N, 'float64', v.tA, v.tB), toM, SLOW);
    skip(r, 'tfwasm', 'TF.js has no float64');
    skip(r, 'tfcpu', 'TF.js has no float64');
  }
  NOTES['matmul-f64'] = ['TF.js has no float64 dtype, so only the two wasmgrad backends are compared.'];
}

// ---- workloads: forward + backward of sum(A·B) -----------------------------------------------

async function benchFwdBwd() {
  const N = 512;
  const r = row('fwdbwd', `fwdbwd-sum-matmul-${N}`, `sum(A·B) fwd+bwd f32 N=${N}`, 'ms', 'lower');
  const ms = (x) => x;
  const wgSetup = () => {
    const A = wg.tensor(uniform(N * N, -1, 1, 21), { shape: [N, N], requiresGrad: true });
    const B = wg.tensor(uniform(N * N, -1, 1, 22), { shape: [N, N], requiresGrad: true });
    return {
      fn: () => {
        wg.tidy(() => { A.matmul(B).sum().backward(); });
        A.zeroGrad(); B.zeroGrad();
      },
      cleanup: () => { A.dispose(); B.dispose(); },
    };
  };
  const tfSetup = () => {
    const A = tf.tensor2d(uniform(N * N, -1, 1, 21), [N, N]);
    const B = tf.tensor2d(uniform(N * N, -1, 1, 22), [N, N]);
    const g = tf.grads((a, b) => tf.matMul(a, b).sum());
    return {
      fn: () => { tf.tidy(() => { const [ga, gb] = g([A, B]); ga.dataSync(); gb.dataSync(); }); },
      cleanup: () => { A.dispose(); B.dispose(); },
    };
  };
  await wasmCells(r, wgSetup, ms);
  await cell(r, 'js', wgSetup, ms, SLOW);
  await cell(r, 'tfwasm', tfSetup, ms);
  await cell(r, 'tfcpu', tfSetup, ms, SLOW);
  NOTES.fwdbwd = [
    'One forward product and the two backward products (dA = dC·Bᵀ, dB = Aᵀ·dC) plus the sum.',
    'wasmgrad: `requiresGrad` A and B, `tidy(() => A.matmul(B).sum().backward())`, then',
    '`zeroGrad()` on both. TF.js: `tf.grads((a, b) => tf.matMul(a, b).sum())`, both gradients',
    'read back with `dataSync()`. The speed-up column is tfjs time / wasmgrad time.',
  ];
}

// ---- workloads: elementwise ------------------------------------------------------------------

async function benchElementwise() {
  const sizes = QUICK ? [1 << 20] : [1 << 20, 1 << 24];
  const label = (n) => (n === 1 << 20 ? '1M' : n === 1 << 24 ? '16M' : String(n));
  const gbs = (bytes) => (ms) => bytes / (ms * 1e6);
  for (const n of sizes) {
    const big = n > 1 << 20;
    const slow = big ? { maxReps: QUICK ? 3 : 5, maxWarmMs: 600 } : {};
    // mul: reads 2 arrays, writes 1.
    {
      const r = row('elementwise', `mul-${label(n)}`, `mul f32 ${label(n)}`, 'GB/s', 'higher');
      const toM = gbs(12 * n);
      const wgS = () => {
        const a = wg.tensor(uniform(n, -4, 4, 31), { shape: [n] });
        const b = wg.tensor(uniform(n, -4, 4, 32), { shape: [n] });
        return { fn: () => { a.mul(b).dispose(); }, cleanup: () => { a.dispose(); b.dispose(); } };
      };
      const tfS = () => {
        const a = tf.tensor1d(uniform(n, -4, 4, 31));
        const b = tf.tensor1d(uniform(n, -4, 4, 32));
        return { fn: () => { tf.mul(a, b).dispose(); }, cleanup: () => { a.dispose(); b.dispose(); } };
      };
      await wasmCells(r, wgS, toM, slow);
      await cell(r, 'js', wgS, toM, slow);
      await cell(r, 'tfwasm', tfS, toM, slow);
      await cell(r, 'tfcpu', tfS, toM, slow);
    }
    // sigmoid forward: reads 1, writes 1.
    {
      const r = row('elementwise', `sigmoid-${label(n)}`, `sigmoid f32 ${label(n)}`, 'GB/s', 'higher');
      const toM = gbs(8 * n);
      const wgS = () => {
        const x = wg.tensor(uniform(n, -8, 8, 33), { shape: [n] });
        return { fn: () => { x.sigmoid().dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor1d(uniform(n, -8, 8, 33));
        return { fn: () => { tf.sigmoid(x).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      await wasmCells(r, wgS, toM, slow);
      await cell(r, 'js', wgS, toM, slow);
      await cell(r, 'tfwasm', tfS, toM, slow);
      await cell(r, 'tfcpu', tfS, toM, slow);
    }
    // sigmoid forward + backward: forward reads x, writes y; backward reads y and dy, writes dx.
    {
      const r = row('elementwise', `sigmoid-fwdbwd-${label(n)}`, `sigmoid fwd+bwd f32 ${label(n)}`, 'GB/s', 'higher');
      const toM = gbs(20 * n);
      const wgS = () => {
        const x = wg.tensor(uniform(n, -8, 8, 34), { shape: [n], requiresGrad: true });
        const dy = wg.tensor(uniform(n, -1, 1, 35), { shape: [n] });
        return {
          fn: () => { wg.tidy(() => { x.sigmoid().backward(dy); }); x.zeroGrad(); },
          cleanup: () => { x.dispose(); dy.dispose(); },
        };
      };
      const tfS = () => {
        const x = tf.tensor1d(uniform(n, -8, 8, 34));
        const dy = tf.tensor1d(uniform(n, -1, 1, 35));
        const g = tf.grad((t) => tf.sigmoid(t));
        return { fn: () => { g(x, dy).dispose(); }, cleanup: () => { x.dispose(); dy.dispose(); } };
      };
      await wasmCells(r, wgS, toM, slow);
      await cell(r, 'js', wgS, toM, slow);
      await cell(r, 'tfwasm', tfS, toM, slow);
      await cell(r, 'tfcpu', tfS, toM, slow);
    }
  }
  // One row with the result read back to JS in both libraries.
  {
    const n = 1 << 20;
    const r = row('elementwise', 'sigmoid-1M-readback', 'sigmoid f32 1M + read back', 'GB/s', 'higher');
    const toM = gbs(8 * n);
    const wgS = () => {
      const x = wg.tensor(uniform(n, -8, 8, 33), { shape: [n] });
      return { fn: () => { const y = x.sigmoid(); y.data(); y.dispose(); }, cleanup: () => { x.dispose(); } };
    };
    const tfS = () => {
      const x = tf.tensor1d(uniform(n, -8, 8, 33));
      return { fn: () => { const y = tf.sigmoid(x); y.dataSync(); y.dispose(); }, cleanup: () => { x.dispose(); } };
    };
    await wasmCells(r, wgS, toM);
    await cell(r, 'js', wgS, toM);
    await cell(r, 'tfwasm', tfS, toM);
    await cell(r, 'tfcpu', tfS, toM);
  }
  NOTES.elementwise = [
    'GB/s = (bytes read + bytes written) / time, counted nominally: mul 12 B/element, sigmoid',
    '8 B/element, sigmoid fwd+bwd 20 B/element (forward reads x and writes y; backward reads y',
    'and dy and writes dx). wasmgrad fwd+bwd: `tidy(() => x.sigmoid().backward(dy))` then',
    '`x.zeroGrad()`; TF.js: `tf.grad(tf.sigmoid)(x, dy)`. All four backends run synchronously,',
    'so these rows time the call without reading the result back; the "+ read back" row adds',
    '`y.data()` (wasmgrad) / `y.dataSync()` (TF.js) in both libraries.',
  ];
  if (QUICK) NOTES.elementwise.push('--quick: the 16M rows are skipped.');
}

// ---- workloads: MLP training step ------------------------------------------------------------

const MLP = { batch: 64, inp: 784, hid: 128, out: 10, lr: 0.05 };
function mlpData() {
  const { batch, inp, hid, out } = MLP;
  const labels = new Int32Array(batch);
  const r = rng(41);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(r() * out);
  const onehot = new Float32Array(batch * out);
  for (let i = 0; i < batch; i++) onehot[i * out + labels[i]] = 1;
  return {
    x: uniform(batch * inp, 0, 1, 42),
    labels, onehot,
    W1: normal(inp * hid, Math.sqrt(2 / inp), 43),
    b1: new Float32Array(hid),
    W2: normal(hid * out, Math.sqrt(2 / hid), 44),
    b2: new Float32Array(out),
  };
}

/** wasmgrad MLP: forward, loss.backward(), then wg.optim.SGD's in-place update. */
function wgMlp(D) {
  const { batch, inp, hid, out, lr } = MLP;
  const param = (data, shape) => wg.keep(wg.tensor(data, { shape, requiresGrad: true }));
  const P = [param(D.W1, [inp, hid]), param(D.b1, [hid]), param(D.W2, [hid, out]), param(D.b2, [out])];
  const X = wg.keep(wg.tensor(D.x, { shape: [batch, inp] }));
  const labels = D.labels;
  const opt = new wg.optim.SGD(P, { lr });
  const step = () => wg.tidy(() => {
    const [W1, b1, W2, b2] = P;
    const h = X.matmul(W1).add(b1).relu();
    const loss = wg.crossEntropy(h.matmul(W2).add(b2), labels);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss.item();
  });
  return { step, cleanup: () => { for (const p of P) p.dispose(); X.dispose(); } };
}

/** TF.js MLP: tf.train.sgd(lr).minimize with softmaxCrossEntropy on one-hot labels. */
function tfMlp(D) {
  const { batch, inp, hid, out, lr } = MLP;
  const W1 = tf.variable(tf.tensor2d(D.W1, [inp, hid]));
  const b1 = tf.variable(tf.tensor1d(D.b1));
  const W2 = tf.variable(tf.tensor2d(D.W2, [hid, out]));
  const b2 = tf.variable(tf.tensor1d(D.b2));
  const X = tf.tensor2d(D.x, [batch, inp]);
  const Y = tf.tensor2d(D.onehot, [batch, out]);
  const opt = tf.train.sgd(lr);
  const step = () => {
    const cost = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(X, W1), b1));
      return tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(h, W2), b2));
    }, true, [W1, b1, W2, b2]);
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
  return { step, cleanup: () => { for (const t of [W1, b1, W2, b2, X, Y]) t.dispose(); opt.dispose(); } };
}

async function benchMlp() {
  const D = mlpData();
  const r = row('mlp', 'mlp-784-128-10-b64', 'MLP 784-128-10 SGD step, batch 64', 'steps/s', 'higher');
  const toM = (ms) => 1000 / ms;
  const losses = {};
  const setupFor = (impl, make) => () => {
    const m = make(D);
    losses[impl] = [];
    for (let i = 0; i < 5; i++) losses[impl].push(m.step()); // identical start: compare losses
    return { fn: m.step, cleanup: m.cleanup };
  };
  await cell(r, 'wasm1', setupFor('wasm1', wgMlp), toM);
  await cell(r, 'wasm', setupFor('wasm', wgMlp), toM);
  await cell(r, 'js', setupFor('js', wgMlp), toM);
  await cell(r, 'tfwasm', setupFor('tfwasm', tfMlp), toM);
  await cell(r, 'tfcpu', setupFor('tfcpu', tfMlp), toM);
  // Sanity: from the same initial parameters and data, the first 5 losses should agree.
  const ref = losses.tfwasm;
  for (const impl of ['wasm1', 'wasm', 'js', 'tfcpu']) {
    if (!ref || !losses[impl]) continue;
    const err = Math.max(...losses[impl].map((v, i) => Math.abs(v - ref[i]) / Math.max(1e-6, Math.abs(ref[i]))));
    CHECKS.push({ name: `MLP first 5 losses, ${impl} vs tfjs wasm`, ok: err < 1e-3, detail: `max rel diff ${err.toExponential(2)}; ${impl}: ${losses[impl].map((v) => v.toFixed(5)).join(', ')}; tfjs wasm: ${ref.map((v) => v.toFixed(5)).join(', ')}` });
  }
  r.losses = losses;
  NOTES.mlp = [
    `Dense 784→128 (ReLU) → 10, softmax cross-entropy on integer labels, batch ${MLP.batch},`,
    `plain SGD (lr ${MLP.lr}), identical initial parameters and data in every library. wasmgrad:`,
    'forward, `loss.backward()`, then `wg.optim.SGD`\'s in-place update (an AssemblyScript',
    'kernel), all inside `wg.tidy`, and `loss.item()` read back. TF.js:',
    '`tf.train.sgd(lr).minimize(() => tf.losses.softmaxCrossEntropy(onehot, logits), true)`,',
    'cost read back with `dataSync()`.',
  ];
}

// ---- workloads: chain of tiny scalar ops -----------------------------------------------------

const CHAIN = 1000;
async function benchTiny() {
  const r = row('tiny', 'tiny-chain-1000', `${CHAIN} scalar ops (mul, add, tanh) fwd+bwd`, 'µs/op', 'lower');
  const toM = (ms) => (ms * 1000) / CHAIN;
  const grads = {};
  // y ← tanh(1.01·y + 0.001) repeated: the gradient stays well inside float32's normal range.
  const wgS = (impl) => () => {
    const x = wg.tensor(0.5, { requiresGrad: true });
    const fn = () => {
      wg.tidy(() => {
        let y = x;
        for (let i = 0; i < CHAIN; i++) {
          const k = i % 3;
          y = k === 0 ? y.mul(1.01) : k === 1 ? y.add(0.001) : y.tanh();
        }
        y.backward();
      });
      const g = x.grad.item();
      x.zeroGrad();
      return g;
    };
    grads[impl] = fn();
    return { fn, cleanup: () => x.dispose() };
  };
  const tfS = (impl) => () => {
    const x = tf.scalar(0.5);
    const g = tf.grad((t) => {
      let y = t;
      for (let i = 0; i < CHAIN; i++) {
        const k = i % 3;
        y = k === 0 ? y.mul(1.01) : k === 1 ? y.add(0.001) : y.tanh();
      }
      return y;
    });
    const fn = () => tf.tidy(() => g(x).dataSync()[0]);
    grads[impl] = fn();
    return { fn, cleanup: () => x.dispose() };
  };
  await cell(r, 'wasm1', wgS('wasm1'), toM);
  await cell(r, 'wasm', wgS('wasm'), toM);
  await cell(r, 'js', wgS('js'), toM);
  await cell(r, 'tfwasm', tfS('tfwasm'), toM);
  await cell(r, 'tfcpu', tfS('tfcpu'), toM);
  // Reference in float64 JS.
  let y = 0.5, d = 1;
  for (let i = 0; i < CHAIN; i++) {
    const k = i % 3;
    if (k === 0) { y *= 1.01; d *= 1.01; } else if (k === 1) { y += 0.001; } else { y = Math.tanh(y); d *= 1 - y * y; }
  }
  for (const impl of Object.keys(grads)) {
    const err = Math.abs(grads[impl] - d) / Math.abs(d);
    CHECKS.push({ name: `tiny-op chain dy/dx, ${impl} vs float64 reference`, ok: err < 1e-3, detail: `${grads[impl]} vs ${d} (rel diff ${err.toExponential(2)})` });
  }
  r.grads = grads;
  NOTES.tiny = [
    `${CHAIN} ops on a 0-d float32 tensor: y ← tanh(1.01·y + 0.001) repeated (mul, add, tanh),`,
    'then backward; µs per op = (forward + backward time) / 1000. wasmgrad: inside `wg.tidy`,',
    '`y.backward()`, `x.grad.item()`, `x.zeroGrad()`. TF.js: `tf.grad(f)(x)` in `tf.tidy`,',
    'read back with `dataSync()`. The speed-up column is tfjs time / wasmgrad time.',
  ];
}

// ---- correctness sanity checks (untimed) -----------------------------------------------------

async function sanityMatmul() {
  const N = 96;
  const A = uniform(N * N, -1, 1, 51), B = uniform(N * N, -1, 1, 52);
  const ref = (tA, tB) => {
    const C = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += (tA ? A[k * N + i] : A[i * N + k]) * (tB ? B[j * N + k] : B[k * N + j]);
      C[i * N + j] = s;
    }
    return C;
  };
  for (const v of MM_VARIANTS) {
    const R = ref(v.tA, v.tB);
    let scale = 0;
    for (const x of R) scale = Math.max(scale, Math.abs(x));
    for (const impl of ['wasm1', 'wasm', 'js', 'tfwasm', 'tfcpu']) {
      await use(impl);
      let out;
      if (impl === 'wasm1' || impl === 'wasm' || impl === 'js') {
        out = wg.tidy(() => matmulFlags(wg.tensor(A, { shape: [N, N] }), wg.tensor(B, { shape: [N, N] }), v.tA, v.tB).data());
      } else {
        out = tf.tidy(() => tf.matMul(tf.tensor2d(A, [N, N]), tf.tensor2d(B, [N, N]), v.tA, v.tB).dataSync());
      }
      let err = 0;
      for (let i = 0; i < R.length; i++) err = Math.max(err, Math.abs(out[i] - R[i]));
      CHECKS.push({ name: `matmul ${v.name} N=${N} f32, ${impl} vs float64 reference`, ok: err / scale < 1e-5, detail: `max abs err / max |C| = ${(err / scale).toExponential(2)}` });
    }
  }
  // Gradients of sum(A·B): dA = 1·Bᵀ (row sums of B), dB = Aᵀ·1 (column sums of A).
  const M = 64;
  const A2 = uniform(M * M, -1, 1, 53), B2 = uniform(M * M, -1, 1, 54);
  for (const impl of ['wasm', 'js']) {
    await use(impl);
    const [ga, gb] = wg.tidy(() => {
      const a = wg.tensor(A2, { shape: [M, M], requiresGrad: true });
      const b = wg.tensor(B2, { shape: [M, M], requiresGrad: true });
      a.matmul(b).sum().backward();
      const r = [a.grad.data(), b.grad.data()];
      a.dispose(); b.dispose();
      return r;
    });
    let err = 0;
    for (let i = 0; i < M; i++) for (let k = 0; k < M; k++) {
      let rs = 0, cs = 0;
      for (let j = 0; j < M; j++) { rs += B2[k * M + j]; cs += A2[j * M + i]; }
      err = Math.max(err, Math.abs(ga[i * M + k] - rs), Math.abs(gb[i * M + k] - cs));
    }
    CHECKS.push({ name: `grad of sum(A·B) N=${M}, ${impl} vs reference`, ok: err < 1e-3, detail: `max abs err ${err.toExponential(2)}` });
  }
  // sigmoid values.
  const n = 4096, xs = uniform(n, -20, 20, 55);
  for (const impl of ['wasm', 'js', 'tfwasm']) {
    await use(impl);
    const ys = impl === 'tfwasm'
      ? tf.tidy(() => tf.sigmoid(tf.tensor1d(xs)).dataSync())
      : wg.tidy(() => wg.tensor(xs).sigmoid().data());
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(ys[i] - 1 / (1 + Math.exp(-xs[i]))));
    CHECKS.push({ name: `sigmoid on [-20, 20], ${impl} vs Math.exp`, ok: err < 1e-6, detail: `max abs err ${err.toExponential(2)}` });
  }
}

// ---- tables ----------------------------------------------------------------------------------

function fmt(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 10) return v.toFixed(2);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}
function fmtCell(c) {
  if (!c) return '—';
  if (c.skipped) return `— (${c.skipped})`;
  if (c.error) return 'ERROR';
  const base = c.reps > 1 ? `${fmt(c.median)} (${fmt(c.min)}–${fmt(c.max)})` : `${fmt(c.median)}`;
  const flagged = c.disturbed ? `${base} ⚠` : base;
  return c.note ? `${flagged} [${c.note}]` : flagged;
}
/** How many times faster impl a is than impl b (throughput ratio). */
function speedup(r, a, b) {
  const ca = r.cells[a], cb = r.cells[b];
  if (!ca || !cb || ca.median === undefined || cb.median === undefined) return null;
  return r.better === 'higher' ? ca.median / cb.median : cb.median / ca.median;
}
const fmtX = (x) => (x === null ? '—' : `${x.toFixed(2)}×`);

const TITLES = {
  matmul: 'Matrix product, float32 (GFLOP/s, higher is better)',
  'matmul-f64': 'Matrix product, float64 (GFLOP/s, higher is better)',
  fwdbwd: 'Forward + backward of sum(A·B) (ms, lower is better)',
  elementwise: 'Elementwise (GB/s, higher is better)',
  mlp: 'MLP training step (steps/s, higher is better)',
  tiny: 'Chain of tiny scalar ops, forward + backward (µs per op, lower is better)',
};

function tables() {
  const out = [];
  for (const s of SECTIONS) {
    const rows = RESULTS.filter((r) => r.section === s);
    if (rows.length === 0) continue;
    out.push(`### ${TITLES[s]}`, '');
    out.push(`| workload | ${IMPLS.map((i) => i.label).join(' | ')} | ${ALL_THREADS} threads vs 1 | wasm vs tfjs-wasm | wasm vs js |`);
    out.push(`|---|${IMPLS.map(() => '---:').join('|')}|---:|---:|---:|`);
    for (const r of rows) {
      const cells = IMPLS.map((i) => fmtCell(r.cells[i.key]));
      out.push(`| ${r.workload} | ${cells.join(' | ')} | ${fmtX(speedup(r, 'wasm', 'wasm1'))} | ${fmtX(speedup(r, 'wasm', 'tfwasm'))} | ${fmtX(speedup(r, 'wasm', 'js'))} |`);
    }
    out.push('');
    out.push(`Cells: median (min–max) over the repeats; the ratio columns are how many times faster wasmgrad wasm on ${ALL_THREADS} threads is (medians). TF.js wasm runs one thread in Node.`);
    if (rows.some((r) => Object.values(r.cells).some((c) => c.disturbed))) {
      out.push('⚠: disturbed by other load on the machine (other processes used more than 0.3 of a core meanwhile, or this one got less than 90% of its core, even after re-measuring): treat as a lower bound.');
    }
    for (const line of NOTES[s] ?? []) out.push(line);
    out.push('');
  }
  return out.join('\n');
}

/**
 * Shared bookkeeping of the target lines: get(id, impl) reads a median and remembers the cell,
 * line(ok, text) records a PASS/FAIL/N/A line, marked ⚠ if a cell it rests on was disturbed
 * (see measure()).
 */
function verdicts() {
  const lines = [];
  let touched = [];
  const get = (id, impl) => {
    const c = RESULTS.find((r) => r.id === id)?.cells[impl];
    if (c) touched.push(c);
    return c?.median;
  };
  const line = (ok, text) => {
    const warn = touched.some((c) => c.disturbed) ? '  ⚠ measured under load' : '';
    touched = [];
    lines.push(`${ok === null ? 'N/A ' : ok ? 'PASS' : 'FAIL'}  ${text}${warn}`);
  };
  const f = (v, d = 1) => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
  return { lines, get, line, f };
}

/** Issue 3's targets, read on one thread (setThreads(1)): the single-thread figures they were set for. */
function targets() {
  const { lines, get, line, f } = verdicts();
  if (enabled('matmul')) {
    for (const N of MM_SIZES.filter((n) => n >= 256)) {
      const w = get(`matmul-f32-A·B-${N}`, 'wasm1'), t = get(`matmul-f32-A·B-${N}`, 'tfwasm');
      const okAbs = w === undefined ? null : w >= 44;
      const okRel = w === undefined || t === undefined ? null : w >= 1.3 * t;
      line(okAbs === null || okRel === null ? null : okAbs && okRel,
        `matmul f32 N=${N}: ${f(w)} GFLOP/s (target ≥ 44) and ${f(w / t, 2)}× tfjs wasm ${f(t)} (target ≥ 1.3×)`);
    }
    {
      const w = get('matmul-f32-A·B-64', 'wasm1'), t = get('matmul-f32-A·B-64', 'tfwasm');
      line(w === undefined || t === undefined ? null : w >= 3 * t, `matmul f32 N=64: ${f(w)} GFLOP/s = ${f(w / t, 2)}× tfjs wasm ${f(t)} (target ≥ 3×; same B every call, TF.js reuses its packed B)`);
    }
    {
      const w = get('matmul-f32-A·B-newB-64', 'wasm1'), t = get('matmul-f32-A·B-newB-64', 'tfwasm');
      line(w === undefined || t === undefined ? null : w >= 3 * t, `matmul f32 N=64, new B each call: ${f(w)} GFLOP/s = ${f(w / t, 2)}× tfjs wasm ${f(t)} (target ≥ 3×)`);
    }
    {
      const w = get('matmul-f32-A·B-newB-256', 'wasm1'), t = get('matmul-f32-A·B-newB-256', 'tfwasm');
      line(w === undefined || t === undefined ? null : w >= 44 && w >= 1.3 * t, `matmul f32 N=256, new B each call: ${f(w)} GFLOP/s (target ≥ 44) and ${f(w / t, 2)}× tfjs wasm ${f(t)} (target ≥ 1.3×)`);
    }
    for (const N of MM_SIZES) {
      const fw = get(`matmul-f32-A·B-${N}`, 'wasm1');
      const ta = get(`matmul-f32-Aᵀ·B-${N}`, 'wasm1'), tb = get(`matmul-f32-A·Bᵀ-${N}`, 'wasm1');
      const ok = fw === undefined || ta === undefined || tb === undefined ? null : ta >= 0.9 * fw && tb >= 0.9 * fw;
      line(ok, `transposed products N=${N}: Aᵀ·B ${f(ta)} (${f(ta / fw * 100, 0)}%), A·Bᵀ ${f(tb)} (${f(tb / fw * 100, 0)}%) of A·B ${f(fw)} GFLOP/s (target ≥ 90%)`);
    }
  }
  if (enabled('fwdbwd')) {
    const w = get('fwdbwd-sum-matmul-512', 'wasm1'), t = get('fwdbwd-sum-matmul-512', 'tfwasm');
    line(w === undefined || t === undefined ? null : t / w >= 10, `fwd+bwd sum(A·B) N=512: ${f(w, 2)} ms vs tfjs wasm ${f(t, 2)} ms = ${f(t / w, 2)}× (target ≥ 10×)`);
  }
  if (enabled('mlp')) {
    const w = get('mlp-784-128-10-b64', 'wasm1'), t = get('mlp-784-128-10-b64', 'tfwasm'), j = get('mlp-784-128-10-b64', 'js');
    line(w === undefined || t === undefined ? null : w >= 5 * t, `MLP step: ${f(w, 0)} steps/s vs tfjs wasm ${f(t, 0)} = ${f(w / t, 2)}× (target ≥ 5×)`);
    line(w === undefined || j === undefined ? null : w >= 20 * j, `MLP step: ${f(w, 0)} steps/s vs wasmgrad js ${f(j, 0)} = ${f(w / j, 2)}× (target ≥ 20×)`);
  }
  if (enabled('tiny')) {
    const w = get('tiny-chain-1000', 'wasm1'), t = get('tiny-chain-1000', 'tfwasm');
    line(w === undefined ? null : w <= 2, `tiny ops: ${f(w, 2)} µs/op fwd+bwd (target ≤ 2; tfjs wasm ${f(t, 2)})`);
  }
  if (enabled('elementwise')) {
    const w = get('sigmoid-1M', 'wasm1'), t = get('sigmoid-1M', 'tfwasm');
    line(w === undefined || t === undefined ? null : w >= t, `sigmoid 1M f32: ${f(w, 2)} GB/s vs tfjs wasm ${f(t, 2)} GB/s = ${f(w / t, 2)}× (target ≥ 1×)`);
  }
  return lines;
}

/** Issue 7's targets: threads against one thread and against TF.js wasm, and no tiny-op regression. */
function threadTargets() {
  const { lines, get, line, f } = verdicts();
  const T = ALL_THREADS;
  if (enabled('matmul')) {
    for (const N of MM_SIZES.filter((n) => n >= 512)) {
      const id = `matmul-f32-A·B-${N}`;
      const w = get(id, 'wasm'), one = get(id, 'wasm1'), t = get(id, 'tfwasm');
      const have = w !== undefined && one !== undefined && t !== undefined;
      line(have ? w >= 1.8 * one && w >= 80 && w >= 2.3 * t : null,
        `matmul f32 N=${N}, ${T} threads: ${f(w)} GFLOP/s = ${f(w / one, 2)}× 1 thread ${f(one)} (target ≥ 1.8×, ≥ 80 GFLOP/s) and ${f(w / t, 2)}× tfjs wasm ${f(t)} (target ≥ 2.3×)`);
    }
  }
  if (enabled('mlp')) {
    const w = get('mlp-784-128-10-b64', 'wasm'), one = get('mlp-784-128-10-b64', 'wasm1');
    line(w === undefined || one === undefined ? null : w >= 1.4 * one,
      `MLP step, ${T} threads: ${f(w, 0)} steps/s = ${f(w / one, 2)}× 1 thread ${f(one, 0)} (target ≥ 1.4×)`);
  }
  if (enabled('tiny')) {
    const w = get('tiny-chain-1000', 'wasm'), one = get('tiny-chain-1000', 'wasm1');
    line(w === undefined ? null : w <= 2 && (one === undefined || one <= 2),
      `tiny ops: ${f(w, 2)} µs/op on ${T} threads, ${f(one, 2)} on 1 thread (target ≤ 2)`);
  }
  return lines;
}

/**
 * The relaxed-SIMD column: a child `node --experimental-wasm-relaxed-simd bench/run.mjs
 * --relaxed-child` measures RELAXED_ROWS on all threads with the relaxed build; its cells are
 * merged into this run's rows as 'relaxed'.
 */
function relaxedColumn() {
  const sections = ['matmul', 'mlp', 'tiny'].filter(enabled);
  if (sections.length === 0) return null;
  progress('relaxed SIMD: measuring in a child node --experimental-wasm-relaxed-simd');
  const res = spawnSync(process.execPath, ['--expose-gc', '--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url),
    '--relaxed-child', ...(QUICK ? ['--quick'] : []), '--only', sections.join(',')],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 << 20 });
  const last = (res.stdout ?? '').trim().split('\n').pop();
  let out = null;
  try { out = JSON.parse(last); } catch { out = { error: `child exited with ${res.status}: ${last}` }; }
  if (out.error) {
    for (const r of RESULTS) if (RELAXED_ROWS.has(r.id)) r.cells.relaxed = { skipped: 'relaxed SIMD unavailable' };
    return out.error;
  }
  for (const r of RESULTS) if (out.cells[r.id]) r.cells.relaxed = out.cells[r.id];
  return null;
}

// ---- main ------------------------------------------------------------------------------------

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  v8: process.versions.v8,
  date: new Date().toISOString(),
  wasmgradCommit: (() => { try { return execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return null; } })(),
  wasmgradDirty: (() => { try { return execSync('git status --porcelain -- src assembly', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== ''; } catch { return null; } })(),
  tfjs: tf.version?.tfjs ?? tf.version_core ?? null,
  tfjsWasm: tfwasm.version_wasm ?? null,
  tfjsWasmSimd: tfWasmSimd,
  tfjsWasmThreads: tfWasmThreads,
  wasmVariant: wg.wasmVariant(),
  threads: ALL_THREADS,
  wasmBuilt: (() => { try { return fs.statSync(path.join(ROOT, 'build/wasmgrad.wasm')).mtime.toISOString(); } catch { return null; } })(),
  loadAvgStart: os.loadavg().map((x) => +x.toFixed(2)),
  mode: QUICK ? 'quick' : 'full',
  only: ONLY ? [...ONLY] : null,
};
console.error(`wasmgrad bench (${machine.mode}) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.loadAvgStart.join(' ')}`);
if (machine.loadAvgStart[0] > 0.5) console.error('  note: the machine is not idle (load average above 0.5); expect noisier numbers');

if (enabled('matmul') && !RELAXED_CHILD) await sanityMatmul();
if (enabled('matmul')) await benchMatmul();
if (enabled('matmul-f64')) await benchMatmulF64();
if (enabled('fwdbwd')) await benchFwdBwd();
if (enabled('elementwise')) await benchElementwise();
if (enabled('mlp')) await benchMlp();
if (enabled('tiny')) await benchTiny();

if (RELAXED_CHILD) {
  console.log(JSON.stringify({ variant: wg.wasmVariant(), cells: Object.fromEntries(RESULTS.filter((r) => r.cells.wasm).map((r) => [r.id, r.cells.wasm])) }));
  process.exit(0);
}
const relaxedError = relaxedColumn();
wg.setThreads(ALL_THREADS);

const elapsedS = (performance.now() - started) / 1000;
machine.loadAvgEnd = os.loadavg().map((x) => +x.toFixed(2));
const md = [];
md.push('## wasmgrad benchmarks', '');
md.push(`Machine: ${machine.cpu} (${machine.cores} cores), ${machine.platform}, Node ${machine.node}; ${machine.date}.`);
md.push(`wasmgrad ${machine.wasmgradCommit ?? '?'}${machine.wasmgradDirty ? ' (uncommitted changes in src/ or assembly/)' : ''}; TensorFlow.js ${machine.tfjs} (wasm backend SIMD: ${machine.tfjsWasmSimd}, threads: ${machine.tfjsWasmThreads}).`);
md.push(`Load average (1, 5, 15 min) at start ${machine.loadAvgStart.join(', ')}, at end ${machine.loadAvgEnd.join(', ')}; wasm module built ${machine.wasmBuilt}.`);
md.push(`Command: \`node bench/run.mjs${QUICK ? ' --quick' : ''}${ONLY ? ' --only ' + [...ONLY].join(',') : ''}\` (${machine.mode} run, ${elapsedS.toFixed(1)} s). All comparisons in one process; wasmgrad wasm on 1 thread and on ${ALL_THREADS} threads (${machine.wasmVariant} build); the relaxed-SIMD column from a child \`node --experimental-wasm-relaxed-simd\`${relaxedError ? ` (not measured: ${relaxedError})` : ''}.`, '');
md.push(tables());
const threadLines = threadTargets();
md.push('### Issue 7 targets (threads)', '', '```', ...threadLines, '```', '');
const targetLines = targets();
md.push('### Issue 3 targets (1 thread)', '', '```', ...targetLines, '```', '');
if (CHECKS.length) {
  md.push('### Sanity checks (results agree across libraries)', '');
  for (const c of CHECKS) md.push(`- ${c.ok ? 'ok' : 'MISMATCH'}: ${c.name} — ${c.detail}`);
  md.push('');
}
const errors = RESULTS.flatMap((r) => Object.entries(r.cells).filter(([, c]) => c.error).map(([k, c]) => `${r.workload} · ${k}: ${c.error.split('\n')[0]}`));
if (errors.length) {
  md.push('### Errors', '');
  for (const e of errors) md.push(`- ${e}`);
  md.push('');
}
const text = md.join('\n');
console.log(text);

fs.writeFileSync(path.join(HERE, 'results.md'), text + '\n');
fs.writeFileSync(path.join(HERE, 'results.json'), JSON.stringify({
  machine, elapsedS, config: CFG,
  impls: IMPLS,
  results: RESULTS,
  targets: targetLines,
  threadTargets: threadLines,
  checks: CHECKS,
}, null, 1) + '\n');
console.error(`wrote bench/results.md and bench/results.json (${elapsedS.toFixed(1)} s)`);
