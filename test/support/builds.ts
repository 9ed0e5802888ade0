// The two wasm builds the kernel tests compare: the baseline build and the threaded build with two
// threads (its worker up before the tests), and the shipped thread thresholds to restore after.
import { type ParThresholds, type WasmBackend, createWasmBackend, parThresholds } from '../../src/backend/wasm/index.js';

export interface Builds { baseline: WasmBackend; threaded: WasmBackend; shipped: ParThresholds }

/** Opens both builds (for a beforeAll; allow ~30 s for the worker to start). */
export async function openBuilds(): Promise<Builds> {
  const shipped = parThresholds();
  const baseline = await createWasmBackend({ variant: 'baseline' });
  const threaded = await createWasmBackend({ variant: 'threads', threads: 2 });
  for (let i = 0; i < 200 && threaded.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
  return { baseline, threaded, shipped };
}

/** Restores the thresholds and ends the threaded build's workers (for an afterAll). */
export function closeBuilds(b: Partial<Builds>): void {
  if (b.shipped) parThresholds(b.shipped);
  b.threaded?.closeThreads();
}
