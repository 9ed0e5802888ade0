// Reporting: the tables, the issues' PASS/FAIL target lines, and bench/results.md/.json.

import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';

export function fmt(v) {
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
  if (c.skipped) return c.skipped.startsWith('n/a') ? c.skipped : `— (${c.skipped})`;
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

/** One table per section (sections: [{ name, title, notes }] in order) that has rows. */
function tables({ sections, results, impls: allImpls, threads }) {
  const out = [];
  for (const s of sections) {
    const rows = results.filter((r) => r.section === s.name);
    if (rows.length === 0) continue;
    out.push(`### ${s.title}`, '');
    // An optional peer (jax-js) gets a column only where a workload gave it a cell.
    const impls = allImpls.filter((i) => !i.optional || rows.some((r) => r.cells[i.key]));
    out.push(`| workload | ${impls.map((i) => i.label).join(' | ')} | ${threads} threads vs 1 | wasm vs tfjs-wasm | wasm vs js |`);
    out.push(`|---|${impls.map(() => '---:').join('|')}|---:|---:|---:|`);
    for (const r of rows) {
      const cells = impls.map((i) => fmtCell(r.cells[i.key]));
      out.push(`| ${r.workload} | ${cells.join(' | ')} | ${fmtX(speedup(r, 'wasm', 'wasm1'))} | ${fmtX(speedup(r, 'wasm', 'tfwasm'))} | ${fmtX(speedup(r, 'wasm', 'js'))} |`);
    }
    out.push('');
    out.push(`Cells: median (min–max) over the repeats; the ratio columns are how many times faster wasmgrad wasm on ${threads} threads is (medians). TF.js wasm runs one thread in Node.`);
    if (rows.some((r) => Object.values(r.cells).some((c) => c.disturbed))) {
      out.push('⚠: disturbed by other load on the machine (other processes used more than 0.3 of a core meanwhile, or this one got less than 90% of its core, even after re-measuring): treat as a lower bound.');
    }
    for (const line of s.notes ?? []) out.push(line);
    out.push('');
  }
  return out.join('\n');
}

/**
 * Shared bookkeeping of the target lines: get(id, impl) reads a median and remembers the cell,
 * line(ok, text) records a PASS/FAIL/N/A line, marked ⚠ if a cell it rests on was disturbed
 * (see measure()). Workloads' own targets(v) get the same object.
 */
export function verdicts(results) {
  const lines = [];
  let touched = [];
  const get = (id, impl) => {
    const c = results.find((r) => r.id === id)?.cells[impl];
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

/** The square A·B sizes measured (the matmul workload's rows). */
const matmulSizes = (results) => results.filter((r) => r.section === 'matmul' && r.variant === 'A·B').map((r) => r.N);

/** Issue 3's targets, read on one thread (setThreads(1)): the single-thread figures they were set for. */
function issue3Targets(results, enabled) {
  const { lines, get, line, f } = verdicts(results);
  if (enabled('matmul')) {
    const sizes = matmulSizes(results);
    for (const N of sizes.filter((n) => n >= 256)) {
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
    for (const N of sizes) {
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
function issue7Targets(results, enabled, T) {
  const { lines, get, line, f } = verdicts(results);
  if (enabled('matmul')) {
    for (const N of matmulSizes(results).filter((n) => n >= 512)) {
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

/** Machine, versions and build facts for the results' header. */
export function describeMachine({ root, wg, peers, threads, quick, only }) {
  const git = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    wasmgradCommit: (() => { try { return git('git rev-parse --short HEAD'); } catch { return null; } })(),
    wasmgradDirty: (() => { try { return git('git status --porcelain -- src assembly') !== ''; } catch { return null; } })(),
    tfjs: peers.tf.version?.tfjs ?? peers.tf.version_core ?? null,
    tfjsWasm: peers.tfwasm.version_wasm ?? null,
    tfjsWasmSimd: peers.wasmSimd,
    tfjsWasmThreads: peers.wasmThreads,
    wasmVariant: wg.wasmVariant(),
    threads,
    wasmBuilt: (() => { try { return fs.statSync(path.join(root, 'build/wasmgrad.wasm')).mtime.toISOString(); } catch { return null; } })(),
    loadAvgStart: os.loadavg().map((x) => +x.toFixed(2)),
    mode: quick ? 'quick' : 'full',
    only: only ? [...only] : null,
  };
}

/**
 * Prints the report and writes it to dir/results.md, with every raw sample in dir/results.json.
 * run: { machine, elapsedS, cfg, impls, results, checks, sections, workloads, enabled, threads,
 * quick, only, relaxedError }.
 */
export function writeResults(dir, run) {
  const { machine, elapsedS, results, checks, enabled, threads, quick, only, relaxedError } = run;
  machine.loadAvgEnd = os.loadavg().map((x) => +x.toFixed(2));
  const md = [];
  md.push('## wasmgrad benchmarks', '');
  md.push(`Machine: ${machine.cpu} (${machine.cores} cores), ${machine.platform}, Node ${machine.node}; ${machine.date}.`);
  md.push(`wasmgrad ${machine.wasmgradCommit ?? '?'}${machine.wasmgradDirty ? ' (uncommitted changes in src/ or assembly/)' : ''}; TensorFlow.js ${machine.tfjs} (wasm backend SIMD: ${machine.tfjsWasmSimd}, threads: ${machine.tfjsWasmThreads}).`);
  md.push(`Load average (1, 5, 15 min) at start ${machine.loadAvgStart.join(', ')}, at end ${machine.loadAvgEnd.join(', ')}; wasm module built ${machine.wasmBuilt}.`);
  md.push(`Command: \`node bench/run.mjs${quick ? ' --quick' : ''}${only ? ' --only ' + [...only].join(',') : ''}\` (${machine.mode} run, ${elapsedS.toFixed(1)} s). All comparisons in one process; wasmgrad wasm on 1 thread and on ${threads} threads (${machine.wasmVariant} build); the relaxed-SIMD column from a child \`node --experimental-wasm-relaxed-simd\`${relaxedError ? ` (not measured: ${relaxedError})` : ''}.`, '');
  md.push(tables({ sections: run.sections, results, impls: run.impls, threads }));
  const threadLines = issue7Targets(results, enabled, threads);
  md.push('### Issue 7 targets (threads)', '', '```', ...threadLines, '```', '');
  const targetLines = issue3Targets(results, enabled);
  md.push('### Issue 3 targets (1 thread)', '', '```', ...targetLines, '```', '');
  // Targets a workload declares itself (targetsTitle, targets(v) with v from verdicts()).
  const workloadTargets = {};
  for (const w of run.workloads) {
    if (!w.targets || !enabled(w.section)) continue;
    const v = verdicts(results);
    w.targets(v);
    workloadTargets[w.name] = v.lines;
    md.push(`### ${w.targetsTitle ?? `${w.name} targets`}`, '', '```', ...v.lines, '```', '');
  }
  if (checks.length) {
    md.push('### Sanity checks (results agree across libraries)', '');
    for (const c of checks) md.push(`- ${c.ok ? 'ok' : 'MISMATCH'}: ${c.name} — ${c.detail}`);
    md.push('');
  }
  const errors = results.flatMap((r) => Object.entries(r.cells).filter(([, c]) => c.error).map(([k, c]) => `${r.workload} · ${k}: ${c.error.split('\n')[0]}`));
  if (errors.length) {
    md.push('### Errors', '');
    for (const e of errors) md.push(`- ${e}`);
    md.push('');
  }
  const text = md.join('\n');
  console.log(text);

  fs.writeFileSync(path.join(dir, 'results.md'), text + '\n');
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({
    machine, elapsedS, config: run.cfg,
    impls: run.impls,
    results,
    targets: targetLines,
    threadTargets: threadLines,
    ...(Object.keys(workloadTargets).length ? { workloadTargets } : {}),
    checks,
  }, null, 1) + '\n');
  console.error(`wrote bench/results.md and bench/results.json (${elapsedS.toFixed(1)} s)`);
}
