// Builds the browser bundle:
//
// - dist/wasmgrad.browser.mjs: one self-contained, minified ES module with the single-threaded
//   baseline wasm inside, which a page imports with no other files. It works everywhere with
//   wasm SIMD, cross-origin isolated or not.
// - dist/wasmgrad.browser.threads.mjs (optional, next to it): the two shared-memory builds
//   (threads, threads + relaxed SIMD). On a cross-origin isolated page (COOP same-origin + COEP
//   require-corp, so SharedArrayBuffer exists) init() imports it from the main file's own URL
//   and runs large kernels on Web Workers made from a Blob URL; if the file is missing or the
//   page is not isolated, the main file runs single-threaded, silently.
//
// esbuild does the bundling; the only change from the Node build is the module that finds the
// wasm bytes. Each wasm is stored gzipped and base64'd and unpacked with the browser's
// DecompressionStream: base64 of raw wasm gzips poorly, and this saves about 8 KB per build.
// The base64 text goes last in each file (a footer, read only when init() runs): in the middle
// of the JS it sat between code and the code that repeats it, farther apart than gzip's 32 KB
// window, and cost the served main file about 2.5 KB gzipped.

import { build } from 'esbuild';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (name) => readFileSync(`${root}build/${name}`);
const wasm = read('wasmgrad.wasm');
const threads = read('wasmgrad.threads.wasm');
const relaxed = read('wasmgrad.threads.relaxed.wasm');
const outfile = `${root}dist/wasmgrad.browser.mjs`;
const threadsFile = `${root}dist/wasmgrad.browser.threads.mjs`;

/** The footer constant holding the baseline build: a free name, so esbuild keeps it as written. */
const BASELINE = '__wasmgradBaselineWasm';
/**
 * gzip level 9 with the zlib memLevel (1-9) that gives the shortest stream. memLevel also sets
 * how many symbols a deflate block holds (16K at the default 8); smaller blocks, each with its
 * own Huffman tables, follow wasm's alternation of code and float tables better: the baseline
 * build came out 1 KB smaller at memLevel 6 (43.5 vs 44.5 KB). Any of them is plain gzip.
 */
const smallestGzip = (bytes) => Array.from({ length: 9 }, (_, i) => gzipSync(bytes, { level: 9, memLevel: i + 1 }))
  .reduce((best, z) => (z.length < best.length ? z : best));
const packed = (bytes) => JSON.stringify(smallestGzip(bytes).toString('base64'));
const UNPACK = `
  async function unpack(b64) {
    const s = atob(b64);
    const packed = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) packed[i] = s.charCodeAt(i);
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }`;

/** Replaces src/backend/wasm/load.ts with a module that decodes the inlined bytes. */
const inlineWasm = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /\/load\.js$/ }, (args) =>
      (args.importer.includes('backend/wasm') ? { path: 'inline-wasm', namespace: 'inline-wasm' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'inline-wasm' }, () => ({
      loader: 'js',
      contents: `
        ${UNPACK}
        export async function loadWasmBytes(variant = 'baseline') {
          if (variant === 'baseline') return unpack(${BASELINE});
          // The threaded builds live in the optional second file, next to this one.
          const url = new URL('./wasmgrad.browser.threads.mjs', import.meta.url).href;
          const m = await import(url);
          return m.wasmBytes(variant);
        }`,
    }));
  },
};

await build({
  entryPoints: [`${root}src/index.ts`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  outfile,
  plugins: [inlineWasm],
  logLevel: 'warning',
  footer: { js: `const ${BASELINE} = ${packed(wasm)};` },
});
if (readFileSync(outfile, 'utf8').split(BASELINE).length !== 3) {
  throw new Error(`bundle-browser: ${BASELINE} must occur once in the bundled code and once in the footer`);
}

writeFileSync(threadsFile, `// wasmgrad's shared-memory builds for dist/wasmgrad.browser.mjs (see scripts/bundle-browser.mjs).
${UNPACK}
export async function wasmBytes(variant) {
  return unpack(variant === 'threads-relaxed' ? relaxed : threads);
}
const threads = ${packed(threads)};
const relaxed = ${packed(relaxed)};
`);

for (const [file, label, inside] of [[outfile, 'dist/wasmgrad.browser.mjs', `wasm ${(wasm.length / 1024).toFixed(1)} KB`],
  [threadsFile, 'dist/wasmgrad.browser.threads.mjs', `wasm ${(threads.length / 1024).toFixed(1)} + ${(relaxed.length / 1024).toFixed(1)} KB`]]) {
  const raw = statSync(file).size;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  console.log(`${label}: ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped (${inside})`);
}
