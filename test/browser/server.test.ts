// demo/server.mjs: the files, their MIME types, and path traversal refused.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type DemoServer } from '../../demo/server.mjs';

/** A raw GET (no URL normalisation by the client, unlike fetch). */
function get(port: number, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo server', () => {
  let s: DemoServer;
  beforeAll(async () => { s = await startServer({ port: 0 }); });
  afterAll(async () => { await s.close(); });

  it('listens on a free port and serves the pages, the bundle and viz with their MIME types', async () => {
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://localhost:${s.port}/`);
    const cases: [string, RegExp][] = [
      ['/', /^text\/html/],
      ['/index.html', /^text\/html/],
      ['/circuit.html', /^text\/html/],
      ['/style.css', /^text\/css/],
      ['/playground.js', /^text\/javascript/],
      ['/server.mjs', /^text\/javascript/],
      ['/wasmgrad.browser.mjs', /^text\/javascript/],
      ['/viz.mjs', /^text\/javascript/],
    ];
    for (const [path, type] of cases) {
      const r = await get(s.port, path);
      expect(r.status, path).toBe(200);
      expect(r.type, path).toMatch(type);
    }
    expect((await get(s.port, '/viz.mjs')).body).toMatch(/export\s*\{[^}]*instance/);
    expect((await get(s.port, '/index.html?x=1')).status).toBe(200);
    expect((await get(s.port, '/nope.html')).status).toBe(404);
  });

  it('refuses path traversal', async () => {
    for (const path of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/package.json', '/%2e%2e%2fpackage.json',
      '/a/../../package.json', '/..\\package.json', '/%00', '/%E0%A4%A']) {
      const r = await get(s.port, path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain('"name"');
    }
  });
});
