// Runs once per vitest run, before any test file: makes sure the browser bundle the browser tests
// load is not older than the sources (`npm test` rebuilds the wasm but not the bundle), and finds
// (unpacking it if needed) the Chromium they launch, once, so that test files running in parallel
// workers never unpack it concurrently; they read it with inject('chromium').

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from './chromium.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('chromium', await resolveChromium());
  } catch (e) {
    // Not fatal here: only the browser tests need Chromium, and they fail saying this.
    project.provide('chromium', { error: String((e as Error)?.message ?? e) });
  }
  const wasm = join(root, 'build', 'wasmgrad.wasm');
  const bundle = join(root, 'dist', 'wasmgrad.browser.mjs');
  // Without the wasm the bundle cannot be made; the browser tests then fail, saying so.
  if (!existsSync(wasm)) return;
  const stale = !existsSync(bundle)
    || statSync(bundle).mtimeMs < Math.max(statSync(wasm).mtimeMs, newest(join(root, 'src')));
  if (stale) execFileSync(process.execPath, [join(root, 'scripts', 'bundle-browser.mjs')], { stdio: 'inherit', cwd: root });
}
