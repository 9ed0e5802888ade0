#!/usr/bin/env node
// Where do two threads start to pay? Times each kernel family of the wasm backend at growing
// sizes on 1 thread and on all threads with the size threshold set to exactly that size (so the
// call is split as it would be at the threshold: into the fewest chunks the policy allows), and
// prints the ratio. The thresholds in src/backend/wasm/thresholds.ts (PAR_MIN, TASK_MIN) are read off these
// tables: the smallest size where the threaded time is clearly (≥ 1.3×) better.
//
//   npm run build && node bench/threads-tune.mjs [--only unary,binary,...] [--threads N]
//
// Uses the backend directly (no tensors, no tape), so the numbers are kernel + dispatch only.

import path from 'node:path';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rng } from './lib/data.mjs';
import { median } from './lib/measure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createWasmBackend, parThresholds, taskThresholds } = await import(pathToFileURL(path.join(ROOT, 'dist/backend/wasm/index.js')).href);
const { Unary, UnaryGrad, Binary, Reduce } = await import(pathToFileURL(path.join(ROOT, 'dist/backend/backend.js')).href);

const argv = process.argv.slice(2);
const onlyArg = argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set(argv[onlyArg + 1].split(',')) : null;
const thArg = argv.indexOf('--threads');
const THREADS = thArg >= 0 ? Number(argv[thArg + 1]) : os.availableParallelism();

const be = await createWasmBackend({ threads: 1 });
if (!be.threadsSupported) throw new Error('threads-tune: the threaded build is not available here');

function filled(n, seed, lo = -2, hi = 2) {
  const s = be.alloc('float32', n), r = rng(seed), d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = lo + (hi - lo) * r();
  be.write(s, d);
  return s;
}

/** Median µs per call over repeats of ~3 ms each, after a warm-up. */
function time(fn) {
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 40 || calls < 5) { fn(); calls++; }
  const per = (performance.now() - t0) / calls;
  const inner = Math.max(1, Math.round(3 / per));
  const reps = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) fn();
    reps.push(((performance.now() - t) / inner) * 1000);
  }
  return median(reps);
}

/** For each size: µs on 1 thread, µs dispatched on THREADS threads, ratio. */
function table(name, sizes, setup) {
  if (ONLY && !ONLY.has(name) && !ONLY.has(name.split(':')[0])) return; // the full name or the part before ':'
  console.log(`\n${name}`);
  console.log('   size |   1 thread µs | ' + `${THREADS} threads µs`.padStart(13) + ' | speed-up');
  for (const n of sizes) {
    const { fn, free, work } = setup(n);
    be.setThreads(1);
    const t1 = time(fn);
    be.setThreads(THREADS);
    const w = work ?? n;
    const old = parThresholds({ cheap: w, medium: w, costly: w, reduce: w, matmul: w });
    const oldTasks = taskThresholds({ CopyInto: w, Gather: w, ScatterAdd: w, Scan: w, Rmsprop: w, Adagrad: w });
    const tN = time(fn);
    parThresholds(old);
    taskThresholds(oldTasks);
    be.setThreads(1);
    free();
    console.log(`${String(n).padStart(7)} | ${t1.toFixed(2).padStart(13)} | ${tN.toFixed(2).padStart(13)} | ${(t1 / tN).toFixed(2)}×`);
  }
}

const P2 = [1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 20];

const unarySetup = (op) => (n) => {
  const a = filled(n, 1), out = be.alloc('float32', n);
  return { fn: () => be.unary(op, out, a), free: () => { be.free(a); be.free(out); } };
};
table('unary relu (cheap)', P2, unarySetup(Unary.Relu));
table('unary exp (costly)', P2, unarySetup(Unary.Exp));
table('unary tanh (costly)', P2, unarySetup(Unary.Tanh));
table('binary add, same shape', P2, (n) => {
  const a = filled(n, 1), b = filled(n, 2), out = be.alloc('float32', n);
  return { fn: () => be.binary(Binary.Add, out, a, b, [n], [1], [1]), free: () => [a, b, out].forEach((s) => be.free(s)) };
});
table('binary add, [n/128, 128] + [128]', P2, (n) => {
  const a = filled(n, 1), b = filled(128, 2), out = be.alloc('float32', n);
  return { fn: () => be.binary(Binary.Add, out, a, b, [n / 128, 128], [128, 1], [0, 1]), free: () => [a, b, out].forEach((s) => be.free(s)) };
});
table('binary div, same shape (costly)', P2, (n) => {
  const a = filled(n, 1), b = filled(n, 2, 1, 3), out = be.alloc('float32', n);
  return { fn: () => be.binary(Binary.Div, out, a, b, [n], [1], [1]), free: () => [a, b, out].forEach((s) => be.free(s)) };
});
table('unaryGrad relu', P2, (n) => {
  const s = filled(n, 1), dy = filled(n, 2), out = be.alloc('float32', n);
  return { fn: () => be.unaryGrad(UnaryGrad.Relu, out, s, dy), free: () => [s, dy, out].forEach((x) => be.free(x)) };
});
table('addInPlace', P2, (n) => {
  const d = filled(n, 1), s = filled(n, 2);
  return { fn: () => be.addInPlace(d, s), free: () => [d, s].forEach((x) => be.free(x)), work: n / 2 }; // splits at 2 × cheap
});
table('sgdStep (momentum)', P2, (n) => {
  const p = filled(n, 1), g = filled(n, 2), v = filled(n, 3);
  return { fn: () => be.sgdStep(p, g, v, 1e-6, 0.9, 0, 0, false, false), free: () => [p, g, v].forEach((x) => be.free(x)) };
});
table('adamStep', P2, (n) => {
  const p = filled(n, 1), g = filled(n, 2), m = filled(n, 3), v = filled(n, 4, 0, 1);
  return { fn: () => be.adamStep(p, g, m, v, 1e-6, 0.9, 0.999, 1e-8, 0, false, 10), free: () => [p, g, m, v].forEach((x) => be.free(x)) };
});
table('reduce sum, rows of 128', P2, (n) => {
  const a = filled(n, 1), out = be.alloc('float32', n / 128);
  return { fn: () => be.reduce(Reduce.Sum, out, a, n / 128, 128, 1), free: () => [a, out].forEach((x) => be.free(x)) };
});
table('reduce sum, everything', P2, (n) => {
  const a = filled(n, 1), out = be.alloc('float32', 1);
  return { fn: () => be.reduce(Reduce.Sum, out, a, 1, n, 1), free: () => [a, out].forEach((x) => be.free(x)) };
});
table('reduce sum over 64 rows (bias grad)', P2, (n) => {
  const a = filled(n, 1), out = be.alloc('float32', n / 64);
  return { fn: () => be.reduce(Reduce.Sum, out, a, 1, 64, n / 64), free: () => [a, out].forEach((x) => be.free(x)) };
});
table('softmax, rows of 1000', P2.filter((n) => n >= 4096), (n) => {
  const rows = Math.floor(n / 1000), a = filled(rows * 1000, 1), out = be.alloc('float32', rows * 1000);
  return { fn: () => be.softmax(out, a, rows, 1000, 1, false), free: () => [a, out].forEach((x) => be.free(x)), work: rows * 1000 };
});
table('copyStrided (transpose of a square)', P2, (n) => {
  const s = Math.round(Math.sqrt(n)), a = filled(s * s, 1), out = be.alloc('float32', s * s);
  return { fn: () => be.copyStrided(out, a, [s, s], [1, s], 0), free: () => [a, out].forEach((x) => be.free(x)), work: s * s };
});
// ---- the tasks of issue 12 (thresholds of their own: taskMin in thresholds.ts) ----
function indices(n, range, seed) {
  const s = be.alloc('int32', n), r = rng(seed);
  be.write(s, Int32Array.from({ length: n }, () => Math.floor(r() * range)));
  return s;
}
table('copyInto: cat, half of [n/128; 256] rows', P2, (n) => {
  const rows = n / 128, a = filled(n, 1), out = be.alloc('float32', 2 * n);
  return { fn: () => be.copyInto(out, 0, [256, 1], a, 0, [128, 1], [rows, 128]), free: () => [a, out].forEach((x) => be.free(x)) };
});
table('gather rows: indexSelect of n/128 rows of 128 (work n/4)', P2, (n) => {
  const rows = n / 128, src = filled(4096 * 128, 1), idx = indices(rows, 4096, 5), out = be.alloc('float32', n);
  // a row copy counts a quarter of its elements as work (src/backend/wasm/gather.ts)
  return { fn: () => be.gather(out, src, idx, 1, rows, 128, 4096, false), free: () => [src, idx, out].forEach((x) => be.free(x)), work: n >> 2 };
});
table('gather elements: the last dim of [n/32; 128] by [n/32; 32]', P2, (n) => {
  const rows = n / 32, src = filled(rows * 128, 1), idx = indices(n, 128, 6), out = be.alloc('float32', n);
  return { fn: () => be.gather(out, src, idx, rows, 32, 1, 128, true), free: () => [src, idx, out].forEach((x) => be.free(x)) };
});
table('scatterAdd rows: indexSelect backward of n/128 rows of 128 into 4096', P2, (n) => {
  const rows = n / 128, g = filled(n, 1), idx = indices(rows, 4096, 7), out = be.alloc('float32', 4096 * 128);
  return { fn: () => be.scatterAdd(out, g, idx, 1, rows, 128, 4096, false), free: () => [g, idx, out].forEach((x) => be.free(x)) };
});
table('scatterAdd elements: gather backward along the last dim, [n/32; 32] into [n/32; 128]', P2, (n) => {
  const rows = n / 32, g = filled(n, 1), idx = indices(n, 128, 8), out = be.alloc('float32', rows * 128);
  return { fn: () => be.scatterAdd(out, g, idx, rows, 32, 1, 128, true), free: () => [g, idx, out].forEach((x) => be.free(x)) };
});
table('scan: cumsum along rows of 128', P2, (n) => {
  const a = filled(n, 1), out = be.alloc('float32', n);
  return { fn: () => be.cumsum(out, a, n / 128, 128, 1, false), free: () => [a, out].forEach((x) => be.free(x)) };
});
table('rmspropStep: momentum and centered', P2, (n) => {
  const p = filled(n, 1), g = filled(n, 2), sq = filled(n, 3, 0, 1), b = filled(n, 4), ga = filled(n, 5);
  return { fn: () => be.rmspropStep(p, g, sq, b, ga, 1e-6, 0.99, 1e-8, 0, 0.9, true), free: () => [p, g, sq, b, ga].forEach((x) => be.free(x)) };
});
table('adagradStep', P2, (n) => {
  const p = filled(n, 1), g = filled(n, 2), sum = filled(n, 3, 0, 1);
  return { fn: () => be.adagradStep(p, g, sum, 1e-6, 0, 1e-10), free: () => [p, g, sum].forEach((x) => be.free(x)) };
});

table('matmul square N (size = N)', [16, 24, 32, 48, 64, 96, 128, 256], (N) => {
  const a = filled(N * N, 1), b = filled(N * N, 2), out = be.alloc('float32', N * N);
  return { fn: () => be.matmul(out, a, b, 1, N, N, N, false, false, 0, 0), free: () => [a, b, out].forEach((x) => be.free(x)), work: N * N * N };
});
table('matmul [M, 784] x [784, 128] (size = M)', [4, 8, 16, 32, 64], (M) => {
  const a = filled(M * 784, 1), b = filled(784 * 128, 2), out = be.alloc('float32', M * 128);
  return { fn: () => be.matmul(out, a, b, 1, M, 128, 784, false, false, 0, 0), free: () => [a, b, out].forEach((x) => be.free(x)), work: M * 128 * 784 };
});

be.closeThreads();
