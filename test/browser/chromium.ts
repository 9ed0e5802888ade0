// Which Chromium the browser tests drive. By default the headless Chromium that ships inside the
// npm package @sparticuz/chromium (a devDependency: `npm install` brings it, no system browser and
// no root needed); the env var WASMGRAD_CHROMIUM names another binary instead.
//
// The package keeps the binary brotli-compressed and unpacks it to $TMPDIR/chromium at its first
// executablePath() call. That is unsafe to call from several places at once: it treats any
// existing $TMPDIR/chromium as done, so a second caller can launch a half-written binary, and a
// run killed mid-unpack (or another project's different version) leaves a file it would trust
// forever. So the global setup calls resolveChromium() once per vitest run, and it unpacks into a
// private staging folder that is renamed into place only when complete (rename is atomic; if two
// runs race, the loser drops its copy and uses the winner's). The folder's name carries the
// package version, so upgrading the package unpacks afresh.

import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface ChromiumInfo {
  /** Path of the Chromium executable. */
  path: string;
  /** Where it came from: the npm package (with its version) or the WASMGRAD_CHROMIUM override. */
  source: '@sparticuz/chromium' | 'WASMGRAD_CHROMIUM';
  /** Version of @sparticuz/chromium when source is the package. */
  packageVersion?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The browser for test/browser (from the global setup), or why there is none. */
    chromium: ChromiumInfo | { error: string };
  }
}

const PACKAGE = '@sparticuz/chromium';
/** Written last into a finished folder; a folder without it is an interrupted unpack. */
const COMPLETE = '.complete';

function packageVersion(): string {
  // The package's exports map hides package.json, so find it from the resolved entry point.
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(PACKAGE));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== PACKAGE) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`${PACKAGE}: package.json not found`);
    dir = up;
  }
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** Deletes staging folders (~200 MB each) left by runs killed mid-unpack over an hour ago. */
function removeAbandonedStages(home: string): void {
  const prefix = `${basename(home)}.partial-`;
  for (const name of readdirSync(dirname(home))) {
    const p = join(dirname(home), name);
    if (name.startsWith(prefix) && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
  }
}

/** Unpacks the package's Chromium (once per machine and version) and returns its path. */
async function unpackSparticuz(): Promise<ChromiumInfo> {
  const version = packageVersion();
  const uid = process.getuid?.() ?? 0;
  const home = join(tmpdir(), `wasmgrad-chromium-${version}-${uid}`);
  const exe = join(home, 'chromium');
  if (existsSync(join(home, COMPLETE))) return { path: exe, source: PACKAGE, packageVersion: version };

  removeAbandonedStages(home);
  const stage = mkdtempSync(`${home}.partial-`);
  // The package unpacks into os.tmpdir(), which reads TMPDIR at each call: point it at the
  // staging folder for the duration (nothing else runs in the global setup meanwhile).
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = stage;
  try {
    const { default: Sparticuz } = await import(PACKAGE);
    const unpacked = await Sparticuz.executablePath();
    if (unpacked !== join(stage, 'chromium')) throw new Error(`${PACKAGE} unpacked to ${unpacked}, expected ${stage}/chromium`);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  writeFileSync(join(stage, COMPLETE), `${PACKAGE} ${version}\n`);
  try {
    renameSync(stage, home);
  } catch (e) {
    // Another run finished first (rename onto a non-empty folder fails): use its copy.
    rmSync(stage, { recursive: true, force: true });
    if (!existsSync(join(home, COMPLETE))) throw e;
  }
  return { path: exe, source: PACKAGE, packageVersion: version };
}

/** The Chromium the browser tests launch: WASMGRAD_CHROMIUM if set, else @sparticuz/chromium. */
export async function resolveChromium(): Promise<ChromiumInfo> {
  const override = process.env.WASMGRAD_CHROMIUM;
  if (override) {
    if (!existsSync(override)) {
      throw new Error(`WASMGRAD_CHROMIUM=${override}: no such file (point it at a Chromium binary, or unset it to use ${PACKAGE})`);
    }
    return { path: override, source: 'WASMGRAD_CHROMIUM' };
  }
  try {
    return await unpackSparticuz();
  } catch (e) {
    throw new Error(`${PACKAGE}: ${(e as Error)?.message ?? e} (run \`npm install\`: this devDependency ships the headless `
      + 'Chromium; or set WASMGRAD_CHROMIUM to a Chromium binary)');
  }
}
