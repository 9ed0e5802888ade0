// A tiny static server for the demo pages (node:http, no framework).
//
//   npm run demo                      build, then serve on http://localhost:8080/
//   PORT=3000 node demo/server.mjs    another port
//   node demo/server.mjs --port 0     any free port (the URL is printed)
//
// It serves demo/ at /, the browser bundle dist/wasmgrad.browser.mjs at /wasmgrad.browser.mjs
// and the standalone @viz-js/viz module (Graphviz in wasm, inlined) at /viz.mjs.
// Tests use `startServer({ port: 0 })`, which resolves to `{ url, port, close }`.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const rootDir = resolve(demoDir, '..');
const bundlePath = join(rootDir, 'dist', 'wasmgrad.browser.mjs');

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
  '/viz.mjs': vizPath,
};

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
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
  const pathname = (req.url ?? '/').split(/[?#]/)[0] || '/';
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
    res.writeHead(301, { Location: pathname.replace(/\/?$/, '/') });
    return res.end();
  }
  const body = await readFile(file);
  const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
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
  console.log(`wasmgrad demo: ${url}  (playground)  ${url}circuit.html  (circuit view)`);
  console.log('Ctrl-C to stop.');
}
