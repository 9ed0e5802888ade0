// The browser bundle's threads in real headless Chromium. A small server of its own serves the
// two bundle files under three prefixes:
//   /iso/      cross-origin isolated (COOP same-origin + COEP require-corp): init() loads the
//              threaded build from dist/wasmgrad.browser.threads.mjs and runs Web Workers;
//   /iso-one/  isolated, but the threads file is missing (404): the main file alone, one thread;
//   /plain/    not isolated (no SharedArrayBuffer): the baseline build, one thread, no error.
// In each, a matmul, a big sigmoid and a sum give the same bits with setThreads(1) and the
// default thread count, and agree with a float64 reference.

import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumInfo, launchChromium, ROOT, TIMEOUT } from './harness.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>threads</title><body>
<script type="module">
import * as wg from './wasmgrad.browser.mjs';
window.__result = (async () => {
  await wg.init();
  const out = { isolated: self.crossOriginIsolated === true, variant: wg.wasmVariant(), threads: wg.getThreads() };
  // Workers start asynchronously; wait (up to 10 s) until one can take chunks.
  for (let t = 0; t < 200 && out.threads > 1 && wg.threadStats().workersReady < 1; t++) await new Promise((r) => setTimeout(r, 50));
  const N = 256, n = 200003;
  const rnd = (len, seed) => { let s = seed; const a = new Float32Array(len); for (let i = 0; i < len; i++) { s = (s * 1103515245 + 12345) >>> 0; a[i] = s / 2 ** 32 * 2 - 1; } return a; };
  const A = rnd(N * N, 1), B = rnd(N * N, 2), X = rnd(n, 3);
  const run = () => wg.tidy(() => {
    const c = wg.matmul(wg.tensor(A, { shape: [N, N] }), wg.tensor(B, { shape: [N, N] }));
    const s = wg.tensor(X).mul(8).sigmoid();
    return { c: Array.from(new Uint32Array(c.data().buffer)), s: Array.from(new Uint32Array(s.data().buffer)), sum: s.sum().item() };
  });
  const many = run();
  out.stats = wg.threadStats();
  wg.setThreads(1);
  const one = run();
  out.same = JSON.stringify(many) === JSON.stringify(one);
  const f = new Float32Array(new Uint32Array(many.c).buffer);
  let err = 0;
  for (const [i, j] of [[0, 0], [17, 200], [255, 255], [128, 3]]) {
    let ref = 0;
    for (let k = 0; k < N; k++) ref += A[i * N + k] * B[k * N + j];
    err = Math.max(err, Math.abs(f[i * N + j] - ref));
  }
  out.matmulErr = err;
  let ref = 0;
  for (let i = 0; i < n; i++) ref += 1 / (1 + Math.exp(-8 * X[i]));
  out.sumErr = Math.abs(many.sum - ref) / ref;
  return out;
})();
</script>`;

let server: Server;
let base = '';
let browser: Browser;

beforeAll(async () => {
  chromiumInfo(); // fails first, saying why, when there is no browser
  for (const f of ['wasmgrad.browser.mjs', 'wasmgrad.browser.threads.mjs']) {
    if (!existsSync(join(ROOT, 'dist', f))) throw new Error(`browser tests: dist/${f} is missing; run \`npm run build\` first.`);
  }
  server = createServer((req, res) => {
    const [, prefix, file] = (req.url ?? '/').split('?')[0].match(/^\/([^/]+)\/(.*)$/) ?? [];
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (prefix === 'iso' || prefix === 'iso-one') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    let body: string | Buffer | null = null;
    if (file === '' || file === 'index.html') {
      body = PAGE;
      headers['Content-Type'] = 'text/html; charset=utf-8';
    } else if (file === 'wasmgrad.browser.mjs' || (file === 'wasmgrad.browser.threads.mjs' && prefix !== 'iso-one')) {
      body = readFileSync(join(ROOT, 'dist', file));
      headers['Content-Type'] = 'text/javascript; charset=utf-8';
    }
    if (body === null || !['iso', 'iso-one', 'plain'].includes(prefix)) {
      res.writeHead(404, headers);
      res.end('not found');
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
}, TIMEOUT);

interface Result {
  isolated: boolean; variant: string; threads: number; same: boolean; matmulErr: number; sumErr: number;
  stats: { workersReady: number; dispatches: number; chunks: number; chunksOnWorkers: number };
}

async function load(prefix: string): Promise<{ r: Result; errors: string[]; warnings: string[] }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors: string[] = [], warnings: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  try {
    const resp = await page.goto(`${base}/${prefix}/`);
    expect(resp?.status()).toBe(200);
    await page.waitForFunction(() => (window as any).__result !== undefined, undefined, { timeout: 30_000 });
    const r = await page.evaluate(() => (window as any).__result) as Result;
    return { r, errors, warnings };
  } finally {
    await ctx.close();
  }
}

describe('browser bundle threads (headless Chromium)', () => {
  it('runs Web Workers on a cross-origin isolated page, with the same bits as one thread', async () => {
    const { r, errors } = await load('iso');
    expect(errors).toEqual([]);
    expect(r.isolated).toBe(true);
    // Chromium validates relaxed SIMD, so the relaxed build is the one chosen.
    expect(['threads', 'threads-relaxed']).toContain(r.variant);
    expect(r.threads).toBeGreaterThanOrEqual(2);
    expect(r.stats.workersReady).toBe(r.threads - 1);
    // matmul (pack + tiles), the big mul, sigmoid and sum were split, and workers took chunks.
    expect(r.stats.dispatches).toBeGreaterThanOrEqual(4);
    expect(r.stats.chunksOnWorkers).toBeGreaterThan(0);
    expect(r.same).toBe(true);
    expect(r.matmulErr).toBeLessThan(1e-4);
    expect(r.sumErr).toBeLessThan(1e-5);
  }, TIMEOUT);

  it('runs single-threaded from the main file alone when the threads file is missing', async () => {
    const { r, errors } = await load('iso-one');
    expect(errors).toEqual([]);
    expect(r.isolated).toBe(true);
    expect(r.variant).toBe('baseline');
    expect(r.threads).toBe(1);
    expect(r.stats.dispatches).toBe(0);
    expect(r.same).toBe(true);
    expect(r.matmulErr).toBeLessThan(1e-4);
  }, TIMEOUT);

  it('runs single-threaded, without error, on a page that is not cross-origin isolated', async () => {
    const { r, errors, warnings } = await load('plain');
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => !/favicon/.test(w))).toEqual([]);
    expect(r.isolated).toBe(false);
    expect(r.variant).toBe('baseline');
    expect(r.threads).toBe(1);
    expect(r.same).toBe(true);
    expect(r.matmulErr).toBeLessThan(1e-4);
  }, TIMEOUT);
});
