// Printing: toString and Node's util.inspect give PyTorch's layout (torch/_tensor_str.py with the
// default print options) followed by shape, dtype, backend and grad_fn/requiresGrad. The
// expected bodies are what PyTorch prints for the same values.

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachConfig } from './helpers.js';

/** The values part of a print: everything before the first `, shape=`. */
function body(t: { toString(): string }): string {
  const s = t.toString();
  return s.slice(0, s.indexOf(', shape=')).replace(/,\n\s+$/, '');
}

forEachConfig('printing', ({ backend, dtype }) => {
  const meta = (shape: string) => `shape=${shape}, dtype=${dtype}, backend=${backend}`;

  it('small integer-valued tensors print as PyTorch, rows on separate aligned lines', () => {
    const t = wg.tensor([[1, 2], [3, 4]], { dtype });
    expect(t.toString()).toBe(`tensor([[1., 2.],\n        [3., 4.]], ${meta('[2,2]')})`);
  });

  it('fractional values share one 4-decimal format, right-aligned', () => {
    const t = wg.tensor([0.1, 2.5, -3.14159], { dtype });
    expect(body(t)).toBe('tensor([ 0.1000,  2.5000, -3.1416]');
  });

  it('values spanning more than 1000x switch to scientific notation', () => {
    expect(body(wg.tensor([1e-5, 1, 100], { dtype }))).toBe('tensor([1.0000e-05, 1.0000e+00, 1.0000e+02]');
  });

  it('more than 1000 elements: first and last 3 around ..., wrapped at 80 columns', () => {
    const t = wg.arange(2000, { dtype });
    expect(t.toString()).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n'
      + `        1.9990e+03], ${meta('[2000]')})`);
    expect(body(wg.arange(1001, { dtype }))).toBe('tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.]');
  });

  it('a big 2-D tensor summarises rows and columns', () => {
    const t = wg.zeros([100, 100], { dtype });
    const row = '[0., 0., 0.,  ..., 0., 0., 0.]';
    expect(body(t)).toBe(`tensor([${row},\n        ${row},\n        ${row},\n        ...,\n`
      + `        ${row},\n        ${row},\n        ${row}]`);
    expect(t.toString()).not.toContain('elements>');
  });

  it('a big 3-D tensor separates blocks by a blank line and summarises every dimension', () => {
    const t = wg.arange(60000, { dtype }).reshape([10, 20, 300]);
    const s = t.toString();
    expect(s.startsWith('tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 2.9700e+02,\n          2.9800e+02, 2.9900e+02],')).toBe(true);
    expect(s).toContain('5.9997e+04,\n          5.9998e+04, 5.9999e+04]]], shape=[10,20,300]');
    expect(s).toContain(']],\n\n        ...,\n\n        [[');
    expect(s.split('\n').every((line) => line.length <= 80)).toBe(true);
    // 3 + 3 blocks of 3 + 3 rows of 6 values, nothing else
    expect(s.match(/e\+0\d/g)!.length).toBe(6 * 6 * 6);
  });

  it('a 0-d tensor prints its value alone', () => {
    expect(wg.tensor(3, { dtype }).toString()).toBe(`tensor(3., ${meta('[]')})`);
    expect(body(wg.tensor(0.5, { dtype }))).toBe('tensor(0.5000');
  });

  it('size-0 tensors print [] with their shape', () => {
    expect(wg.zeros([0, 3], { dtype }).toString()).toBe(`tensor([], ${meta('[0,3]')})`);
    expect(wg.zeros([0], { dtype }).toString()).toBe(`tensor([], ${meta('[0]')})`);
  });

  it('NaN and infinities print as nan, inf, -inf within the tensor format', () => {
    expect(body(wg.tensor([NaN, Infinity, -Infinity, 1, 0], { dtype }))).toBe('tensor([nan, inf, -inf, 1., 0.]');
    expect(body(wg.tensor([NaN, Infinity, -Infinity, 1.5, -0], { dtype })))
      .toBe('tensor([   nan,    inf,   -inf, 1.5000, -0.0000]');
  });

  it('grad_fn and requiresGrad are shown', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    expect(x.toString()).toBe(`tensor([1., 2.], ${meta('[2]')}, requiresGrad=true)`);
    expect(x.mul(2).toString()).toBe(`tensor([2., 4.], ${meta('[2]')}, grad_fn=mul)`);
  });

  it('a disposed tensor prints its shape and says disposed', () => {
    const t = wg.ones([2, 3], { dtype });
    t.dispose();
    expect(t.toString()).toBe(`tensor(<disposed>, ${meta('[2,3]')})`);
    expect(inspect(t)).toBe(t.toString());
  });

  it('console.log / util.inspect print like toString, not the storage objects', () => {
    const t = wg.tensor([[1, 2], [3, 4]], { dtype });
    expect(inspect(t)).toBe(t.toString());
    expect(inspect({ w: t })).toContain('tensor([[1., 2.],');
    expect(inspect(t)).not.toContain('storage');
  });

  it('printing a big tensor allocates nothing and leaves memory unchanged', () => {
    const t = wg.arange(5000, { dtype });
    const before = wg.memory();
    t.toString();
    inspect(t);
    expect(wg.memory()).toEqual(before);
  });
});

describe('printing source', () => {
  it('the inspect hook uses the registered symbol, so the browser bundle needs no node:util', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(new URL('../src/tensor.ts', import.meta.url), 'utf8')
      + readFileSync(new URL('../src/format.ts', import.meta.url), 'utf8');
    expect(src).toContain("Symbol.for('nodejs.util.inspect.custom')");
    expect(src).not.toMatch(/from 'node:util'|from 'util'/);
  });
});
