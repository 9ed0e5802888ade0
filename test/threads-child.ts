// Child Node processes for the threads tests: the library's TypeScript is bundled with esbuild
// into one temporary ES module (its wasm loader reading build/ by absolute path), which a child
// script imports. Used where a test needs a fresh process: Node flags (relaxed SIMD), the
// environment read at init (WASMGRAD_THREADS), or checking that the process exits by itself.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let bundled: Promise<string> | null = null;
let dir = '';

/** The library bundled into one module (once per test file); returns its file URL. */
export function libraryUrl(): Promise<string> {
  bundled ??= (async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasmgrad-threads-'));
    const outfile = join(dir, 'wasmgrad.mjs');
    const buildDir = join(ROOT, 'build');
    await build({
      entryPoints: [join(ROOT, 'src', 'index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile,
      logLevel: 'warning',
      plugins: [{
        name: 'wasm-from-build',
        setup(b) {
          b.onResolve({ filter: /\/load\.js$/ }, (args) =>
            (args.importer.includes('backend/wasm') ? { path: 'load', namespace: 'wasm-from-build' } : undefined));
          b.onLoad({ filter: /.*/, namespace: 'wasm-from-build' }, () => ({
            loader: 'js',
            contents: `
              import { readFile } from 'node:fs/promises';
              const FILES = { baseline: 'wasmgrad.wasm', threads: 'wasmgrad.threads.wasm', 'threads-relaxed': 'wasmgrad.threads.relaxed.wasm' };
              export async function loadWasmBytes(variant = 'baseline') {
                return readFile(${JSON.stringify(buildDir)} + '/' + FILES[variant]);
              }`,
          }));
        },
      }],
    });
    return pathToFileURL(outfile).href;
  })();
  return bundled;
}

export interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The last stdout line parsed as JSON (the child's result), or null. */
  json: any;
}

/**
 * Runs `code` (an ES module body; `wg` is the imported library) in a child node with extra
 * flags and environment. Times out after timeoutMs.
 */
export async function runChild(code: string, opts: { flags?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ChildRun> {
  const url = await libraryUrl();
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, `import * as wg from ${JSON.stringify(url)};\n${code}\n`);
  const t0 = performance.now();
  // The child's wasmgrad settings are the test's alone (not those of a CI pass that runs it).
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('WASMGRAD_')) delete env[k];
  Object.assign(env, opts.env);
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [...(opts.flags ?? []), file], {
    env, encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, maxBuffer: 256 << 20,
  });
  const ms = performance.now() - t0;
  const lines = (r.stdout ?? '').trim().split('\n');
  let json: any = null;
  try {
    json = JSON.parse(lines[lines.length - 1]);
  } catch {
    json = null;
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms, json };
}
