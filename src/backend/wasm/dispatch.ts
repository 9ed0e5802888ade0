// Thread dispatch of the wasm backend: the worker pool (pool.ts) of the shared-memory builds,
// how a kernel's work is cut into chunks, and THE one place a task is published (dispatch()):
// its arguments are written by name in the slot order of the op table (src/backend/opcodes.ts),
// the same order assembly/opcodes.ts gives the chunk functions that read them.
//
// Each kernel checks its size against a threshold (thresholds.ts); below it the kernel runs on
// the calling thread exactly as in the single-threaded build, above it the work is cut into
// chunks that the caller and the workers claim dynamically. Chunks never change the arithmetic
// an element gets (rows split only at multiples of 16 elements, matmul tiles reuse the same
// micro-kernel and K slices, long reductions are folded block by block in a fixed order
// whatever the thread count), so results are bit-identical on 1 and N threads.

import { TASKS, TASK_HEADER_SLOTS, type TaskArgs, type TaskName } from '../opcodes.js';
import { WasmgradError } from '../../errors.js';
import type { WasmExports } from './exports.js';
import type { WasmVariant } from './load.js';
import type { ThreadStats } from './stats.js';
import { CTRL_BYTES, MAX_THREADS, Pool, type WorkerFactory } from './pool.js';
import type { WasmHeap } from './storage.js';
import { CHUNKS_PER_THREAD } from './thresholds.js';

export const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
export const align16 = (x: number): number => roundUp(x, 16);

/** A [rows, rowLen] split: rowsPer whole rows per chunk (seg 0), or seg-element segments of a row. */
export interface RowSplit { rowsPer: number; seg: number; chunks: number }

export class Threads {
  /** The worker pool (shared-memory builds only), created on the first setThreads(n > 1). */
  private pool: Pool | null = null;
  /** Threads kernels may use (1: everything on the calling thread, no dispatch). */
  private nThreads = 1;

  constructor(private readonly wasm: WasmExports, private readonly heap: WasmHeap,
    /** Which build this is. */ readonly variant: WasmVariant,
    private readonly module: WebAssembly.Module | null, private readonly factory: WorkerFactory | null) {}

  /** True for the shared-memory builds in an environment that can start workers. */
  get threadsSupported(): boolean {
    return this.factory !== null && this.module !== null && this.wasm.work !== undefined;
  }

  /** Threads the kernels use now (1 where threads are not supported). */
  get threads(): number {
    return this.nThreads;
  }

  /**
   * Uses n threads for large kernels (n - 1 workers plus the calling thread); 1 turns dispatch
   * off. Where threads are not supported this is a no-op and threads stays 1.
   */
  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new WasmgradError(`setThreads: expected a positive integer, got ${String(n)}`);
    n = Math.min(n, MAX_THREADS);
    if (!this.threadsSupported) {
      this.nThreads = 1;
      return;
    }
    if (n > 1 && (this.pool === null || this.pool.isClosed)) {
      const ctrl = this.heap.allocBytes(CTRL_BYTES, true);
      this.pool = new Pool(this.module!, this.heap.memory, this.wasm as Required<WasmExports>, ctrl, this.factory!);
    }
    this.pool?.setThreads(n);
    this.nThreads = n;
  }

  /** What the pool has done so far (zeros without a pool): see threadStats() in runtime.ts. */
  threadStats(): ThreadStats {
    const p = this.pool;
    return {
      variant: this.variant,
      threads: this.nThreads,
      workersStarted: p?.workers.started ?? 0,
      workersReady: p?.workers.ready ?? 0,
      dispatches: p?.counts.dispatches ?? 0,
      chunks: p?.counts.chunks ?? 0,
      chunksOnWorkers: p ? p.counts.chunks - p.counts.callerChunks : 0,
    };
  }

  /** Ends the workers (they never keep Node alive, but this frees their threads now). Threads drop to 1. */
  closeThreads(): void {
    this.pool?.close();
    this.pool = null;
    this.nThreads = 1;
  }

  /** True when a kernel of `work` units (elements, multiply-adds) at least `min` should be split. */
  split(work: number, min: number): boolean {
    return this.nThreads > 1 && work >= min && this.pool !== null;
  }

  /** Elements per chunk of an n-element split: a multiple of 16, at least `min`. */
  chunkSize(n: number, min: number): number {
    return roundUp(Math.max(min, Math.ceil(n / (this.nThreads * CHUNKS_PER_THREAD))), 16);
  }

  /** Units (rows, ...) per chunk of a split of `units` units carrying `work` elements in all. */
  perChunk(units: number, work: number, min: number): number {
    // units carry work/units elements each; aim at CHUNKS_PER_THREAD chunks per thread, none
    // smaller than `min` elements.
    const perUnit = Math.max(1, work / Math.max(1, units));
    const target = Math.ceil(units / (this.nThreads * CHUNKS_PER_THREAD));
    return Math.max(1, target, Math.ceil(min / perUnit));
  }

  /**
   * Splits a [rows, rowLen] element iteration into chunks: whole rows per chunk when rows are
   * short, else segments of a row (a multiple of 16 elements).
   */
  rowSplit(rows: number, rowLen: number, min: number): RowSplit {
    const size = this.chunkSize(rows * rowLen, min);
    if (rowLen >= size) return { rowsPer: 1, seg: size, chunks: rows * Math.ceil(rowLen / size) };
    const rowsPer = Math.max(1, Math.floor(size / rowLen));
    return { rowsPer, seg: 0, chunks: Math.ceil(rows / rowsPer) };
  }

  /**
   * Publishes `task` (elements of 8 bytes when f64) with its arguments and runs it as `chunks`
   * chunks on every thread (local: on the calling thread alone, no wake-up). Returns when all
   * chunks are done; throws if one trapped.
   */
  dispatch<T extends TaskName>(task: T, f64: boolean, chunks: number, args: TaskArgs<T>, local = false): void {
    const pool = this.pool!, A = pool.args, spec = TASKS[task];
    const slots = spec.slots as readonly string[], values = args as Record<string, number>;
    A[0] = spec.code;
    A[1] = f64 ? 1 : 0;
    for (let i = 0; i < slots.length; i++) A[TASK_HEADER_SLOTS + i] = values[slots[i]];
    if (local) pool.runLocal(chunks);
    else pool.run(chunks);
  }
}
