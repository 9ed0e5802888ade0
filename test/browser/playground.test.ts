// The playground page in headless Chromium: it trains an MLP on moons to >= 95% training accuracy
// within its step budget on wasm, trains on js too, and shows ms per step for both backends.
// The page's test hook (window.playground) runs training steps synchronously, so nothing here
// depends on animation-frame timing.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TIMEOUT, useBrowser } from './harness.js';

const BUDGET = 2000; // steps
const CHUNK = 100;

interface TrainResult { step: number; loss: number; accuracy: number }

/** Trains in chunks until the training accuracy reaches `target` or the budget is spent. */
async function trainUntil(page: Page, target: number): Promise<{ steps: number; accuracy: number; loss: number }> {
  let last: TrainResult = { step: 0, loss: NaN, accuracy: 0 };
  const start = await page.evaluate(() => (window as any).playground.steps() as number);
  while (last.step - start < BUDGET) {
    last = await page.evaluate((k) => (window as any).playground.train(k) as TrainResult, CHUNK);
    const acc = await page.evaluate(() => (window as any).playground.accuracy() as number);
    if (acc >= target) return { steps: last.step - start, accuracy: acc, loss: last.loss };
  }
  const acc = await page.evaluate(() => (window as any).playground.accuracy() as number);
  return { steps: last.step - start, accuracy: acc, loss: last.loss };
}

const msText = (page: Page, b: string) => page.textContent(`#ms-${b}`);

describe('playground (headless Chromium)', () => {
  const h = useBrowser();

  it('reaches >= 95% training accuracy on moons on wasm, trains on js, and times both', async () => {
    const tp = await h.newPage();
    const { page } = tp;
    try {
      await page.goto(h.url);
      await page.waitForFunction(() => (window as any).playground !== undefined);
      await page.evaluate(() => (window as any).playground.ready);
      expect(await page.evaluate(() => (window as any).playground.backend())).toBe('wasm');
      // The defaults, stated: moons, 200 points, MLP 2-16-16-1 relu, hinge loss, Adam 0.01.
      await page.evaluate(() => (window as any).playground.reset({
        dataset: 'moons', points: 200, noise: 0.1, seed: 7, hidden: '16,16', activation: 'relu',
        loss: 'hinge', optimizer: 'adam', lr: 0.01,
      }));

      const wasm = await trainUntil(page, 0.95);
      expect(wasm.accuracy, `wasm: ${JSON.stringify(wasm)}`).toBeGreaterThanOrEqual(0.95);
      expect(wasm.steps).toBeLessThanOrEqual(BUDGET);
      expect(await page.textContent('#acc')).toMatch(/^\d+(\.\d)?%$/);
      expect(await msText(page, 'wasm')).toMatch(/^\d+\.\d+ ms$/);
      expect(await msText(page, 'js')).toBe('—');
      await tp.screenshot('playground-wasm');

      // Switch to js with the backend radio: the model moves with its weights and keeps training.
      await page.check('input[name=backend][value=js]');
      expect(await page.evaluate(() => (window as any).playground.backend())).toBe('js');
      await page.evaluate(() => (window as any).playground.train(200));
      expect(await page.evaluate(() => (window as any).playground.accuracy())).toBeGreaterThanOrEqual(0.95);
      // Both readouts are numbers now, and stay on screen.
      expect(await msText(page, 'wasm')).toMatch(/^\d+\.\d+ ms$/);
      expect(await msText(page, 'js')).toMatch(/^\d+\.\d+ ms$/);
      const ms = await page.evaluate(() => (window as any).playground.msPerStep());
      expect(ms.wasm).toBeGreaterThan(0);
      expect(ms.js).toBeGreaterThan(0);

      // A fresh model on js learns moons on its own, within the same budget.
      await page.evaluate(() => (window as any).playground.reset());
      expect(await page.evaluate(() => (window as any).playground.steps())).toBe(0);
      const js = await trainUntil(page, 0.95);
      expect(js.accuracy, `js: ${JSON.stringify(js)}`).toBeGreaterThanOrEqual(0.95);
      expect(await page.textContent('#backend-name')).toBe('js');
      expect(tp.errors).toEqual([]);
      expect(await page.isHidden('#error')).toBe(true);
      console.log(`playground: wasm ${wasm.steps} steps to ${(wasm.accuracy * 100).toFixed(1)}%, `
        + `js ${js.steps} steps to ${(js.accuracy * 100).toFixed(1)}%; ms/step wasm ${ms.wasm.toFixed(3)}, js ${ms.js.toFixed(3)}`);
      await tp.screenshot('playground-js');
    } finally {
      await tp.close();
    }
  }, TIMEOUT);

  it('trains live with the Train button and the other data sets render', async () => {
    const tp = await h.newPage();
    const { page } = tp;
    try {
      await page.goto(h.url);
      await page.waitForFunction(() => (window as any).playground !== undefined);
      await page.evaluate(() => (window as any).playground.ready);
      // Live training on animation frames: the step counter moves, then Pause stops it.
      await page.click('#train');
      await page.waitForFunction(() => (window as any).playground.steps() >= 20, undefined, { timeout: 20_000 });
      await page.click('#pause');
      const paused = await page.evaluate(() => (window as any).playground.steps());
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => (window as any).playground.steps())).toBe(paused);
      expect(Number(await page.textContent('#step'))).toBe(paused);

      for (const dataset of ['circles', 'spiral']) {
        await page.selectOption('#dataset', dataset); // a change resets
        expect(await page.evaluate(() => (window as any).playground.steps())).toBe(0);
        const r = await page.evaluate(() => (window as any).playground.train(400));
        expect(r.step).toBe(400);
        expect(Number.isFinite(r.loss)).toBe(true);
        await tp.screenshot(`playground-${dataset}`);
      }
      // A bad setting is reported on the page, not thrown away.
      await page.fill('#hidden', '16,x');
      await page.dispatchEvent('#hidden', 'change');
      expect(await page.textContent('#error')).toMatch(/hidden sizes/);
      expect(tp.errors).toEqual([]);
    } finally {
      await tp.close();
    }
  }, TIMEOUT);
});
