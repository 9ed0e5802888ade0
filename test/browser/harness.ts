// Shared set-up for the real-browser tests: the demo server on a free port and one headless
// Chromium driven by playwright-core. The Chromium is the one inside the npm package
// @sparticuz/chromium (or WASMGRAD_CHROMIUM's), found once by the global setup (chromium.ts).
// A missing browser or bundle FAILS the tests with a message saying what to install or build.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type DemoServer } from '../../demo/server.mjs';
import type { ChromiumInfo } from './chromium.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test', 'browser', 'screenshots');
/** Per-test timeout (ms); the browser is slow to start on a busy CI machine. */
export const TIMEOUT = 60_000;

/**
 * Flags this machine needs. Without the background-networking ones Chromium keeps dialling
 * Google services, and on a closed network those connections are refused. playwright-core adds
 * a fresh, empty --user-data-dir of its own to every launch() and deletes it on close().
 */
export const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The Chromium the global setup resolved; throws why there is none. */
export function chromiumInfo(): ChromiumInfo {
  const info = inject('chromium');
  if (info === undefined) throw new Error('browser tests: no Chromium was provided; run them with vitest (the global setup in vitest.config.ts finds it).');
  if ('error' in info) {
    throw new Error(`browser tests: no Chromium: ${info.error}`);
  }
  return info;
}

/** A headless Chromium with this machine's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumInfo().path, args: ARGS });
}

export interface Harness {
  url: string;
  browser: Browser;
  /** A fresh context and page at 1280 × 900, with console messages and page errors collected. */
  newPage(init?: (ctx: BrowserContext) => Promise<unknown>): Promise<TestPage>;
}

export interface TestPage {
  page: Page;
  console: { type: string; text: string }[];
  errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Registers beforeAll/afterAll that start the server and Chromium once for the file. */
export function useBrowser(): Harness {
  let server: DemoServer | null = null;
  const h = { url: '', browser: null as unknown as Browser } as Harness;

  beforeAll(async () => {
    chromiumInfo();
    const bundle = join(ROOT, 'dist', 'wasmgrad.browser.mjs');
    if (!existsSync(bundle)) {
      throw new Error('browser tests: dist/wasmgrad.browser.mjs is missing; run `npm run build` first.');
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer({ port: 0 });
    h.url = server.url;
    h.browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await h.browser?.close();
    await server?.close();
  }, TIMEOUT);

  h.newPage = async (init) => {
    const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (init) await init(ctx);
    const page = await ctx.newPage();
    const tp: TestPage = {
      page,
      console: [],
      errors: [],
      async screenshot(name) {
        const path = join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      close: () => ctx.close(),
    };
    page.on('console', (m) => tp.console.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => tp.errors.push(String(e?.stack ?? e)));
    return tp;
  };
  return h;
}

/** |got - want| <= tol * max(1, |want|) for each pair; returns the failures as text. */
export function mismatches(got: number[], want: number[], tol: number): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} != ${want.length}`];
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) bad.push(`[${i}] got ${g}, want ${want[i]}`);
  });
  return bad;
}
