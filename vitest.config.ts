import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Rebuilds dist/wasmgrad.browser.mjs when it is older than src/ or the wasm, so the browser
    // tests (test/browser) always load the current code.
    globalSetup: ['test/browser/global-setup.ts'],
    // Tests assert results, never wall-clock: a test that takes 1 s on a quiet 2-core machine can
    // take 6 s while other work shares the cores (exp-accuracy did), so 5 s is too tight a limit.
    testTimeout: 60_000,
  },
});
