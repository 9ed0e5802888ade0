// The worker pool behind the multi-threaded kernels: Node worker_threads or browser Web Workers,
// all running the shared-memory build of the module over ONE shared WebAssembly.Memory.
//
// Who does what:
// - The main instance (src/backend/wasm/index.ts) owns the heap: only it allocates, frees or
//   grows memory (a worker allocating would initialise a second allocator over the same heap).
//   Workers run kernels on raw pointers and never touch JS views of the heap, so memory growth
//   needs nothing from them (wasm sees the new size in every thread).
// - A control block (CTRL_BYTES, allocated by main at start-up, never freed or moved) holds the
//   current task and the counters. Its view is made once over the memory's first buffer: a
//   SharedArrayBuffer is never detached, and the block lies inside it forever.
// - run(n) publishes a task of n chunks (its arguments already written to `args`), wakes
//   sleeping workers, claims chunks itself too (assembly/threads.ts `work`), then waits until
//   every chunk is done. Chunks are claimed dynamically with compare-and-swap, and the caller
//   waits for "all chunks done", not for particular workers: a worker that is asleep or slow to
//   wake simply claims nothing, so a dispatch never waits for a wake-up.
// - Idle workers spin (an Atomics.load poll, checking the clock every 256 polls) for SPIN_MS,
//   then sleep in Atomics.wait on their own word; the caller notifies only sleeping enabled
//   workers. Dispatch to a spinning worker costs about 1-2 µs; waking a sleeper 25 µs to 1 ms
//   on this VM (measured when the pool was designed; docs-src/tuning.md), which the dynamic chunks hide.
// - The caller blocks in Atomics.wait only where that is allowed (Node, a Web Worker); a page's
//   main thread spins.
// - Workers are unref()'d in Node, so they never keep the process alive; close() (the
//   package's shutdown()) ends them explicitly.

import { CONTROL_BLOCK as CB, TASK_SLOT_COUNT } from '../opcodes.js';

/** Bytes of the control block; its layout is CONTROL_BLOCK in src/backend/opcodes.ts (Int32 indices). */
export const CTRL_BYTES = CB.Words * 4;
const ENABLED = CB.Enabled;
const SHUTDOWN = CB.Shutdown;
const ERROR = CB.Error;
const READY = CB.Ready;
const CLAIM = CB.Claim;
const DONE = CB.Done;
const WAITING = CB.Waiting;
const ARGS_BYTE = CB.Args * 4;
const ARGS_COUNT = TASK_SLOT_COUNT;  // the task's slots, f64 each
const PARK = CB.Park;
/**
 * Threads a pool can run: one park word per slot from PARK to the end of the control block
 * (slot 0 is the caller, slots 1..63 workers). setThreads() refuses more.
 */
export const MAX_THREADS = CTRL_BYTES / 4 - PARK;

/** How long an idle worker spins before it sleeps (ms). */
export const SPIN_MS = 2;
/** How long the caller spins on "all done" before it sleeps (ms; Node and workers only). */
const WAIT_SPIN_MS = 1;

/**
 * The worker's whole program, as source text so the same code runs in a Node worker (eval) and
 * a browser Worker (Blob URL) without a separate file, and no bundler or test transform can
 * reach into it. It receives { module, memory, ctrl, slot, spinMs }.
 */
const WORKER_BODY = `function (data) {
  var memory = data.memory, ctrl = data.ctrl, slot = data.slot, spinMs = data.spinMs;
  var imports = { env: { memory: memory } };
  var list = WebAssembly.Module.imports(data.module);
  for (var i = 0; i < list.length; i++) {
    var imp = list[i];
    if (imp.kind !== 'function') continue;
    if (!imports[imp.module]) imports[imp.module] = {};
    if (!imports[imp.module][imp.name]) {
      imports[imp.module][imp.name] = function () { throw new Error('wasmgrad worker: wasm called an import (abort)'); };
    }
  }
  var wasm = new WebAssembly.Instance(data.module, imports).exports;
  var I = new Int32Array(memory.buffer, ctrl, ${CTRL_BYTES / 4});
  Atomics.add(I, ${READY}, 1);
  var PARK = ${PARK} + slot;
  for (;;) {
    if (Atomics.load(I, ${SHUTDOWN}) !== 0) return;
    if (Atomics.load(I, ${CLAIM}) > 0) {
      try {
        wasm.work(ctrl);
      } catch (e) {
        Atomics.store(I, ${ERROR}, 1);
        if (Atomics.sub(I, ${DONE}, 1) === 1) Atomics.notify(I, ${DONE}, 1);
      }
      continue;
    }
    if (slot <= Atomics.load(I, ${ENABLED})) {
      var until = performance.now() + spinMs, polls = 0;
      while (Atomics.load(I, ${CLAIM}) <= 0) {
        if ((++polls & 255) === 0 && (performance.now() > until || Atomics.load(I, ${SHUTDOWN}) !== 0
          || slot > Atomics.load(I, ${ENABLED}))) break;
      }
      if (Atomics.load(I, ${CLAIM}) > 0) continue;
    }
    Atomics.store(I, PARK, 1);
    if (Atomics.load(I, ${CLAIM}) <= 0 && Atomics.load(I, ${SHUTDOWN}) === 0) Atomics.wait(I, PARK, 1);
    Atomics.store(I, PARK, 0);
  }
}`;

/** Source of a Node worker (worker_threads, eval: true). */
export const NODE_WORKER_SOURCE = `(${WORKER_BODY})(require('node:worker_threads').workerData);\n`;
/** Source of a browser Worker: it waits for one message with its data. */
export const BROWSER_WORKER_SOURCE = `self.onmessage = function (e) { self.onmessage = null; (${WORKER_BODY})(e.data); };\n`;

/** What the pool needs from the environment to start one worker. */
export interface WorkerFactory {
  /** Starts a worker with this data; returns a function that terminates it. */
  start(data: WorkerData, onError: (e: unknown) => void): () => void;
  /** True when the calling thread may block in Atomics.wait. */
  readonly canBlock: boolean;
}

export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
  slot: number;
  spinMs: number;
}

/** The exports the pool calls in the main instance. */
export interface PoolExports {
  work(ctrl: number): number;
  runRange(ctrl: number, lo: number, hi: number): void;
}

export class Pool {
  /** The task's slots (laid out by src/backend/opcodes.ts TASKS; written by dispatch.ts). */
  readonly args: Float64Array;
  private readonly I: Int32Array;
  private readonly stops: (() => void)[] = [];
  private enabled = 0;
  private closed = false;
  private workerError: unknown = null;
  /** Dispatches, chunks run, and chunks the caller ran itself (the rest ran on workers). */
  readonly counts = { dispatches: 0, chunks: 0, callerChunks: 0 };

  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory,
    private readonly wasm: PoolExports, readonly ctrl: number, private readonly factory: WorkerFactory) {
    const buffer = memory.buffer;
    this.I = new Int32Array(buffer, ctrl, CTRL_BYTES / 4);
    this.args = new Float64Array(buffer, ctrl + ARGS_BYTE, ARGS_COUNT);
    this.I.fill(0);
  }

  /** Threads that take part in a dispatch: the caller plus the enabled workers. */
  get threads(): number {
    return this.enabled + 1;
  }

  /**
   * Uses n threads (the caller and n - 1 workers). Starts workers that are missing; workers
   * beyond n - 1 stay alive but sleep and are never woken (a later setThreads can enable them
   * again without the start-up cost).
   */
  setThreads(n: number): void {
    if (this.closed) throw new Error('pool: closed');
    const want = Math.max(0, Math.min(MAX_THREADS, n) - 1);
    while (this.stops.length < want) {
      const slot = this.stops.length + 1;
      this.stops.push(this.factory.start(
        { module: this.module, memory: this.memory, ctrl: this.ctrl, slot, spinMs: SPIN_MS },
        (e) => { this.workerError ??= e; }));
    }
    this.enabled = want;
    Atomics.store(this.I, ENABLED, want);
  }

  /**
   * Runs the task in `args` as n chunks on all enabled threads, the caller included, and
   * returns when every chunk is done. Throws if a chunk failed in a worker.
   */
  run(n: number): void {
    const I = this.I;
    if (n <= 0) return;
    Atomics.store(I, ERROR, 0);
    Atomics.store(I, DONE, n);
    Atomics.store(I, CLAIM, n);
    // Wake only sleeping enabled workers (a spinning one sees CLAIM by itself).
    for (let slot = 1; slot <= this.enabled; slot++) {
      if (Atomics.load(I, PARK + slot) === 1) {
        Atomics.store(I, PARK + slot, 0);
        Atomics.notify(I, PARK + slot, 1);
      }
    }
    let failure: unknown = null;
    this.counts.dispatches++;
    this.counts.chunks += n;
    // work() returns once no chunk is left to claim. If a chunk traps, it was claimed but not
    // counted as done: count it, and go on claiming, so the task always ends (a worker may be
    // asleep and leave every remaining chunk to the caller).
    for (;;) {
      try {
        this.counts.callerChunks += this.wasm.work(this.ctrl);
        break;
      } catch (e) {
        failure ??= e;
        Atomics.sub(I, DONE, 1);
      }
    }
    if (Atomics.load(I, DONE) > 0) this.waitDone();
    if (failure !== null) throw failure;
    if (Atomics.load(I, ERROR) !== 0) {
      throw new Error(`a kernel trapped in a worker thread (out-of-bounds access or abort)${this.workerError ? `: ${String(this.workerError)}` : ''}`);
    }
  }

  /** Runs the task in `args` as n chunks on the calling thread alone (no dispatch). */
  runLocal(n: number): void {
    this.wasm.runRange(this.ctrl, 0, n);
  }

  private waitDone(): void {
    const I = this.I;
    const t0 = performance.now();
    let polls = 0;
    while (Atomics.load(I, DONE) > 0) {
      if ((++polls & 1023) !== 0 || !this.factory.canBlock || performance.now() - t0 < WAIT_SPIN_MS) continue;
      Atomics.store(I, WAITING, 1);
      const v = Atomics.load(I, DONE);
      if (v > 0) Atomics.wait(I, DONE, v, 20);
      Atomics.store(I, WAITING, 0);
    }
  }

  /** Ends every worker (they may be sleeping: they are woken to see the flag, then terminated). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.enabled = 0;
    Atomics.store(this.I, ENABLED, 0);
    Atomics.store(this.I, SHUTDOWN, 1);
    for (let slot = 1; slot <= this.stops.length; slot++) {
      Atomics.store(this.I, PARK + slot, 0);
      Atomics.notify(this.I, PARK + slot, 1);
    }
    for (const stop of this.stops) stop();
    this.stops.length = 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Workers started, and how many of them have instantiated the module (and can take chunks). */
  get workers(): { started: number; ready: number } {
    return { started: this.stops.length, ready: this.closed ? 0 : Atomics.load(this.I, READY) };
  }
}

/** The environment's worker factory, or null where threads cannot run. */
export async function workerFactory(): Promise<WorkerFactory | null> {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return null;
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node) {
    // getBuiltinModule (Node >= 20.16) keeps bundlers from trying to resolve the module; the
    // import of a computed name covers older Node 20 releases.
    const name = 'node:worker_threads';
    const wt = (proc.getBuiltinModule?.(name) ?? await import(name)) as typeof import('node:worker_threads');
    return {
      canBlock: true,
      start(data, onError) {
        const w = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
        w.on('error', onError);
        w.unref();
        return () => { void w.terminate(); };
      },
    };
  }
  const g = globalThis as unknown as {
    crossOriginIsolated?: boolean; Worker?: typeof Worker; Blob?: typeof Blob; URL?: typeof URL;
    WorkerGlobalScope?: unknown; document?: unknown;
  };
  // Shared memory reaches workers only on cross-origin isolated pages (COOP + COEP headers).
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function' || typeof g.Blob !== 'function') return null;
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  return {
    // Atomics.wait throws on a page's main thread; inside a Web Worker it is allowed.
    canBlock: g.WorkerGlobalScope !== undefined && g.document === undefined,
    start(data, onError) {
      const w = new Worker(url);
      w.onerror = (e) => { onError(e.message); };
      w.postMessage(data);
      return () => { w.terminate(); };
    },
  };
}

/**
 * The default thread count: WASMGRAD_THREADS when set (Node), else the machine's cores
 * (os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers), at most
 * MAX_THREADS. Synchronous: Node's os module comes from process.getBuiltinModule (Node >= 20.16).
 */
export function defaultThreads(): number {
  const proc = (globalThis as {
    process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
  }).process;
  const env = proc?.env?.WASMGRAD_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_THREADS);
  }
  let cores = 0;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  if (os) cores = os.availableParallelism?.() ?? os.cpus?.().length ?? 0;
  if (!cores) cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}
