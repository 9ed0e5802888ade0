// The one-file browser bundle in real headless Chromium: it loads in a blank page served by the
// demo server, init() picks wasm, and the seed's sigmoid neuron gives the seed's gradients on
// both backends; with WebAssembly SIMD "missing" init() warns and falls back to js.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mismatches, TIMEOUT, useBrowser } from './harness.js';

const F = 0.7310585786300049;
const DX = [0.3932238664829637, -0.5898357997244456];
const DW = [-0.19661193324148185, -0.3932238664829637, 0.19661193324148185];
const TOL = 1e-15;

interface NeuronRun { backend: string; dtype: string; f: number; dx: number[]; dw: number[] }
interface Result { afterInit: string; simd: boolean; runs: NeuronRun[]; wasmError: string | null }

/** Imports the bundle in the page with a module script, as a user's page would, and runs the neuron. */
const SCRIPT = `
import * as wg from '/wasmgrad.browser.mjs';
window.__result = (async () => {
  await wg.init();
  const out = { afterInit: wg.getBackend(), simd: wg.wasmSimdSupported(), runs: [], wasmError: null };
  for (const backend of ['wasm', 'js']) {
    try {
      wg.setBackend(backend);
      const leaf = (v) => wg.tensor(v, { dtype: 'float64', requiresGrad: true });
      const [w0, w1, w2] = [2, -3, -3].map(leaf);
      const [x0, x1] = [-1, -2].map(leaf);
      const f = w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid();
      f.backward();
      out.runs.push({ backend: f.backendName ?? backend, dtype: f.dtype, f: f.item(),
        dx: [x0.grad.item(), x1.grad.item()], dw: [w0.grad.item(), w1.grad.item(), w2.grad.item()] });
    } catch (e) {
      if (backend === 'wasm') out.wasmError = String(e && e.message || e); else throw e;
    }
  }
  return out;
})();
`;

async function runNeuron(page: Page, url: string): Promise<Result> {
  const resp = await page.goto(`${url}blank.html`);
  expect(resp?.status()).toBe(200);
  await page.addScriptTag({ type: 'module', content: SCRIPT });
  await page.waitForFunction(() => (window as any).__result !== undefined, undefined, { timeout: 30_000 });
  return page.evaluate(() => (window as any).__result) as Promise<Result>;
}

function expectSeedGradients(run: NeuronRun): void {
  expect(run.dtype).toBe('float64');
  expect(mismatches([run.f], [F], TOL), `f on ${run.backend}`).toEqual([]);
  expect(mismatches(run.dx, DX, TOL), `dx on ${run.backend}`).toEqual([]);
  expect(mismatches(run.dw, DW, TOL), `dw on ${run.backend}`).toEqual([]);
}

describe('browser bundle (headless Chromium)', () => {
  const h = useBrowser();

  it('loads in a blank page and gives the seed\'s neuron gradient on wasm and js', async () => {
    const tp = await h.newPage();
    try {
      const r = await runNeuron(tp.page, h.url);
      expect(tp.errors).toEqual([]);
      expect(r.simd).toBe(true);
      expect(r.afterInit).toBe('wasm');
      expect(r.wasmError).toBeNull();
      expect(r.runs.map((x) => x.backend)).toEqual(['wasm', 'js']);
      r.runs.forEach(expectSeedGradients);
      expect(tp.console.filter((m) => m.type === 'warning' || m.type === 'error')).toEqual([]);
      await tp.page.evaluate((res) => {
        document.body.innerHTML = `<pre style="font: 14px monospace; padding: 16px">${JSON.stringify(res, null, 2)}</pre>`;
      }, r);
      await tp.screenshot('bundle-wasm');
    } finally {
      await tp.close();
    }
  }, TIMEOUT);

  it('falls back to js with a console warning where WebAssembly SIMD is missing', async () => {
    // Every WebAssembly.validate() answers false, as in an engine without SIMD.
    const tp = await h.newPage((ctx) => ctx.addInitScript(() => {
      WebAssembly.validate = () => false;
    }));
    try {
      const r = await runNeuron(tp.page, h.url);
      expect(tp.errors).toEqual([]);
      expect(r.simd).toBe(false);
      expect(r.afterInit).toBe('js');
      const warnings = tp.console.filter((m) => m.type === 'warning').map((m) => m.text);
      expect(warnings.some((t) => /SIMD/.test(t) && /js backend/.test(t)), warnings.join('\n')).toBe(true);
      // The wasm backend was never loaded, so asking for it fails with a message; js is right.
      expect(r.wasmError).toMatch(/wasm backend is not loaded/);
      expect(r.runs.map((x) => x.backend)).toEqual(['js']);
      r.runs.forEach(expectSeedGradients);
      await tp.page.evaluate((res) => {
        document.body.innerHTML = `<pre style="font: 14px monospace; padding: 16px">${JSON.stringify(res, null, 2)}</pre>`;
      }, { consoleWarnings: warnings, ...r });
      await tp.screenshot('bundle-no-simd');

      // The playground, too, falls back: it trains on js and says why wasm is off.
      await tp.page.goto(h.url);
      await tp.page.waitForFunction(() => (window as any).playground !== undefined);
      await tp.page.evaluate(() => (window as any).playground.ready);
      expect(await tp.page.evaluate(() => (window as any).playground.backend())).toBe('js');
      expect(await tp.page.isVisible('#simd-note')).toBe(true);
      expect(await tp.page.isDisabled('input[name=backend][value=wasm]')).toBe(true);
      const res = await tp.page.evaluate(() => (window as any).playground.train(100));
      expect(res.step).toBe(100);
      expect(tp.errors).toEqual([]);
      await tp.screenshot('playground-no-simd');
    } finally {
      await tp.close();
    }
  }, TIMEOUT);
});
