// Timing: warm-up, then the median of repeats, each repeat `inner` back-to-back calls (so fast
// operations are not at the timer's resolution), with repeats the machine disturbed set aside.
// createHarness() adds the bookkeeping around it: rows, one cell per implementation, retries.

import fs from 'node:fs';
import { fmt } from './report.mjs';

/** Repeat counts and time budgets; written into results.json as `config`. */
export function timingConfig(quick) {
  return quick
    ? { reps: 5, minReps: 3, warmupMs: 150, minWarmCalls: 30, maxWarmMs: 400, repMs: 8, budgetMs: 500 }
    : { reps: 11, minReps: 5, warmupMs: 250, minWarmCalls: 30, maxWarmMs: 1500, repMs: 25, budgetMs: 2500 };
}

/** Options for cells that take a quarter of a second or more per call. */
export function slowCell(quick) {
  return quick ? { maxReps: 1, maxWarmMs: 300, note: '1 rep' } : { maxReps: 3, maxWarmMs: 600, note: '3 reps' };
}

const CPU_OK = 0.9;                                // see measure()
const OTHER_MAX = 0.3;                             // see cell()
const RETRY_BUDGET_MS = 60_000;                    // full mode: at most this long re-measuring

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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

export function progress(msg) {
  process.stderr.write(`  ${msg}\n`);
}

/**
 * The measuring state of one run. quick: --quick; started: performance.now() at start (no
 * repeats are redone late in the run); gc: global.gc (node --expose-gc); relaxedChild: this
 * process only measures the relaxed-SIMD build's cells (rows made with { relaxed: true }, 'wasm'
 * impl); use(impl): switches library and backend before a cell.
 */
export function createHarness({ quick, started, gc, relaxedChild, use }) {
  const cfg = timingConfig(quick);
  const retryUntilMs = quick ? 25_000 : 400_000;   // no repeats redone after this (keeps --quick < 60 s)
  let retrySpentMs = 0;
  const results = [];          // every row: { section, id, workload, unit, better, cells: { impl: cell } }
  const relaxedIds = new Set(); // ids of the rows the relaxed-SIMD child measures
  const rowOrder = new WeakMap();

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
      const maxWarm = opts.maxWarmMs ?? cfg.maxWarmMs;
      let el = 0;
      do {
        before(1);
        const t = performance.now();
        fn();
        const d = performance.now() - t;
        after();
        if (warmupCalls === 0) first = d;
        fnMs += d; warmupCalls++; el = performance.now() - t0;
      } while ((el < cfg.warmupMs || warmupCalls < cfg.minWarmCalls) && el < maxWarm && warmupCalls < 1e6);
      // Estimate the per-call time without the first (JIT/compile) call when there were others.
      est = warmupCalls > 1 ? (fnMs - first) / (warmupCalls - 1) : first;
    } else {
      est = Infinity;
    }
    const inner = Number.isFinite(est) ? Math.max(1, Math.floor(cfg.repMs / Math.max(est, 1e-6))) : 1;
    let reps = opts.reps ?? cfg.reps;
    if (opts.reps === undefined && Number.isFinite(est) && est * inner * reps > cfg.budgetMs) {
      reps = Math.max(cfg.minReps, Math.floor(cfg.budgetMs / (est * inner)));
    }
    if (opts.maxReps !== undefined) reps = Math.min(reps, opts.maxReps);
    // No gc() here: a full collection after the warm-up shrinks V8's young generation again and
    // makes the first timed repeats of allocation-heavy work (the tiny-op chain) pay for it.
    // Each repeat also records the share of a core this process got (process CPU time / wall
    // time). Well below 1 means another process on the machine took the core; such a repeat is
    // set aside and run again, up to 2·reps extra repeats (--quick: reps, short ones only)
    // (helper threads such as the GC's can push the share above 1, which is fine).
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
      if (share < CPU_OK && rejected.length < (quick ? reps : 2 * reps) && dt < (quick ? 100 : 1000)
        && performance.now() - started < retryUntilMs) {
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

  /**
   * A new table row. opts.relaxed: the relaxed-SIMD child measures its 'wasm' cell too.
   * opts.order: rows with an order are placed among the same section's rows by it (so the
   * transposed products sit next to A·B of the same size, though another workload makes them).
   */
  function row(section, id, workload, unit, better, opts = {}) {
    const r = { section, id, workload, unit, better, cells: {} };
    if (opts.relaxed) relaxedIds.add(id);
    let at = results.length;
    if (opts.order !== undefined) {
      rowOrder.set(r, opts.order);
      const later = results.findIndex((x) => x.section === section && rowOrder.get(x) > opts.order);
      if (later >= 0) at = later;
    }
    results.splice(at, 0, r);
    return r;
  }

  /** Runs one impl's measurement; a library error is recorded in the cell instead of aborting. */
  async function cell(r, impl, setup, toMetric, opts = {}) {
    if (relaxedChild && (impl !== 'wasm' || !relaxedIds.has(r.id))) return;
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
      if (relaxedChild) measure(ctx, opts);
      let m = measure(ctx, opts);
      const attempts = [{ medianMs: median(m.samplesMs), cpuShare: m.cpuShare, otherCores: m.otherCores }];
      if (!quick && isDisturbed(m) && m.wallMs < 4000 && retrySpentMs < RETRY_BUDGET_MS && performance.now() - started < retryUntilMs) {
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

  /** Measures wasmgrad's wasm backend on one thread and on all threads (same setup for both). */
  async function wasmCells(r, setup, toMetric, opts) {
    await cell(r, 'wasm1', setup, toMetric, opts);
    await cell(r, 'wasm', setup, toMetric, opts);
  }

  function skip(r, impl, why) {
    if (relaxedChild) return;
    r.cells[impl] = { skipped: why };
  }

  return { cfg, results, relaxedIds, row, cell, wasmCells, skip };
}
