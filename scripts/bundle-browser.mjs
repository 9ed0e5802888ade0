// Builds dist/wasmgrad.browser.mjs: one self-contained, minified ES module with the wasm inside,
// which a page imports with no other files. esbuild does the bundling; the only change from the
// Node build is the module that finds the wasm bytes. The wasm is stored gzipped and base64'd
// and unpacked with the browser's DecompressionStream: base64 of raw wasm gzips poorly, and this
// saves about 8 KB of the gzipped bundle.

import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wasm = readFileSync(`${root}build/wasmgrad.wasm`);
const outfile = `${root}dist/wasmgrad.browser.mjs`;

/** Replaces src/backend/wasm/load.ts with a module that decodes the inlined bytes. */
const inlineWasm = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /\/load\.js$/ }, (args) =>
      (args.importer.includes('backend/wasm') ? { path: 'inline-wasm', namespace: 'inline-wasm' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'inline-wasm' }, () => ({
      loader: 'js',
      contents: `
        const b64 = ${JSON.stringify(gzipSync(wasm, { level: 9 }).toString('base64'))};
        export async function loadWasmBytes() {
          const s = atob(b64);
          const packed = new Uint8Array(s.length);
          for (let i = 0; i < s.length; i++) packed[i] = s.charCodeAt(i);
          const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
          return new Uint8Array(await new Response(stream).arrayBuffer());
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
});

const raw = statSync(outfile).size;
const gz = gzipSync(readFileSync(outfile), { level: 9 }).length;
console.log(`dist/wasmgrad.browser.mjs: ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped (wasm ${(wasm.length / 1024).toFixed(1)} KB)`);
