// The circuit view in headless Chromium: both expressions are drawn by wg.toDot and rendered to
// SVG by Graphviz-in-wasm (@viz-js/viz), with gate labels, values and gradients on the wires.

import { describe, expect, it } from 'vitest';
import { mismatches, TIMEOUT, useBrowser } from './harness.js';

describe('circuit view (headless Chromium)', () => {
  const h = useBrowser();

  it('renders the neuron and the staged expression as SVG circuits with values and gradients', async () => {
    const tp = await h.newPage();
    const { page } = tp;
    try {
      await page.goto(`${h.url}circuit.html`);
      await page.waitForFunction(() => (window as any).circuit !== undefined);
      await page.evaluate(() => (window as any).circuit.ready);
      expect(await page.evaluate(() => (window as any).circuit.svgCount())).toBe(2);
      const nodes = await page.$$eval('.svg-host svg', (svgs) => svgs.map((s) => s.querySelectorAll('g.node').length));
      // neuron: 5 inputs, 5 gates, 5 intermediate/output tensors; staged: 2 inputs, 2 constants, 8 gates, 8 tensors
      expect(nodes).toEqual([15, 20]);

      const neuronText = await page.textContent('#neuron svg');
      expect(neuronText).toContain('sigmoid');
      expect(neuronText).toContain('mul');
      expect(neuronText).toContain('value 0.7311'); // f
      expect(neuronText).toContain('grad -0.5898'); // dx1
      expect(neuronText).toContain('grad 0.1966'); // dw2, and the wires into the sum
      const stagedText = await page.textContent('#staged svg');
      for (const s of ['div', 'pow', 'sigmoid', 'invden', 'value 1.5456', 'grad 2.0596', 'grad 1.5922']) {
        expect(stagedText).toContain(s);
      }
      // Every tensor box on a path to f carries a gradient, intermediates included (retainGrad).
      const boxes = await page.$$eval('.svg-host svg g.node', (gs) => gs.map((g) => g.textContent ?? ''));
      const tensorBoxes = boxes.filter((t) => t.includes('float64'));
      const constants = tensorBoxes.filter((t) => !t.includes('grad'));
      expect(constants.length).toBe(2); // the 2 of pow(2) and the 1 of 1 / den
      // The exact numbers, next to the seed's.
      const r = await page.evaluate(() => (window as any).circuit.results);
      expect(mismatches([r.neuron.f, r.neuron.dx0, r.neuron.dx1],
        [0.7310585786300049, 0.3932238664829637, -0.5898357997244456], 1e-15)).toEqual([]);
      // The DOT source is on the page, folded.
      expect(await page.textContent('#neuron .dot-src')).toMatch(/^digraph/);
      expect(await page.isVisible('#neuron .dot-src')).toBe(false);
      expect(tp.errors).toEqual([]);
      expect(await page.isHidden('#error')).toBe(true);
      await tp.screenshot('circuit');
    } finally {
      await tp.close();
    }
  }, TIMEOUT);
});
