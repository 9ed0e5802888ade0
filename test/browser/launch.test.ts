// Where the browser tests' Chromium comes from: the npm package @sparticuz/chromium (so a bare
// machine with no system browser and no root can run them), or WASMGRAD_CHROMIUM when set. Also
// that first runs racing to unpack the package's binary each end up with a complete, working one.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { chromiumInfo, launchChromium, ROOT, TIMEOUT } from './harness.js';

const run = promisify(execFile);
const sparticuzVersion: string = JSON.parse(
  readFileSync(join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json'), 'utf8'),
).version;

describe('browser tests Chromium', () => {
  it('comes from @sparticuz/chromium, or from WASMGRAD_CHROMIUM when set, and reports its version', async () => {
    const info = chromiumInfo();
    const browser = await launchChromium();
    try {
      const version = browser.version();
      const page = await browser.newPage();
      const userAgent = await page.evaluate(() => navigator.userAgent);
      console.info(`browser tests Chromium ${version} from ${info.source}${info.packageVersion ? ` ${info.packageVersion}` : ''}: ${info.path}`);
      expect(version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(userAgent).toContain(`HeadlessChrome/${version}`);
      if (process.env.WASMGRAD_CHROMIUM) {
        expect(info).toEqual({ path: process.env.WASMGRAD_CHROMIUM, source: 'WASMGRAD_CHROMIUM' });
      } else {
        expect(info.source).toBe('@sparticuz/chromium');
        expect(info.packageVersion).toBe(sparticuzVersion);
        expect(basename(dirname(info.path))).toMatch(new RegExp(`^wasmgrad-chromium-${sparticuzVersion.replace(/\./g, '\\.')}-`));
        // The package's major version is the Chromium major version it ships.
        expect(version.split('.')[0]).toBe(sparticuzVersion.split('.')[0]);
      }
    } finally {
      await browser.close();
    }
  }, TIMEOUT);

  it('two first runs unpacking at once both get the same complete, working Chromium', async () => {
    // Each child process runs resolveChromium() (chromium.ts, compiled by esbuild next to the
    // package so that it resolves) against a fresh, empty TMPDIR, the way two vitest runs would.
    const scratch = join(ROOT, 'node_modules', '.cache', 'wasmgrad-launch-test');
    mkdirSync(scratch, { recursive: true });
    const tmp = mkdtempSync(join(tmpdir(), 'wasmgrad-launch-test-'));
    const script = join(scratch, `chromium-${process.pid}.mjs`);
    try {
      const { code } = await transform(readFileSync(join(ROOT, 'test', 'browser', 'chromium.ts'), 'utf8'), { loader: 'ts', format: 'esm' });
      writeFileSync(script, code);
      const child = `const { resolveChromium } = await import(${JSON.stringify(script)});`
        + 'console.log(JSON.stringify(await resolveChromium()));';
      const env = { ...process.env, TMPDIR: tmp };
      delete env.WASMGRAD_CHROMIUM;
      const outs = await Promise.all([0, 1].map(() => run(process.execPath, ['--input-type=module', '-e', child], { env })));
      const [a, b] = outs.map((o) => JSON.parse(o.stdout));
      expect(a).toEqual(b);
      expect(a.source).toBe('@sparticuz/chromium');
      expect(dirname(a.path)).toBe(join(tmp, `wasmgrad-chromium-${sparticuzVersion}-${process.getuid?.() ?? 0}`));
      // Only the finished folder is left: the losing run removed its staging copy.
      expect(readdirSync(tmp)).toEqual([basename(dirname(a.path))]);
      const { stdout } = await run(a.path, ['--version']);
      expect(stdout).toMatch(new RegExp(`Chromium ${sparticuzVersion.split('.')[0]}\\.`));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(script, { force: true });
    }
  }, 2 * TIMEOUT); // two ~200 MB unpacks at once: 21 s seen on a loaded 2-core machine
});
