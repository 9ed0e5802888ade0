import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Rebuilds dist/wasmgrad.browser.mjs when it is older than src/ or the wasm, so the browser
    // tests (test/browser) always load the current code.
    globalSetup: ['test/browser/global-setup.ts'],
  },
});
