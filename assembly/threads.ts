// The multi-threaded side of the kernels (only in the shared-memory builds, entry
// assembly/index_threads.ts). Every thread -- the caller and the pool's workers -- runs the same
// module instance type over one shared memory; the caller publishes a task (a kind and its
// arguments, all f64, in the control block) split into `n` independent chunks, and each thread
// claims chunks with a compare-and-swap until none are left. The control block is allocated by
// the main instance (src/backend/wasm/pool.ts writes it); workers never allocate.
//
// Control block: CONTROL_BLOCK in src/backend/opcodes.ts (the CTRL_* byte offsets of the generated
// opcodes.ts). CTRL_ARGS holds the task: slot 0 its Task code, slot 1 1 for f64 elements, then its
// arguments (named by the <Task>Slot enums).
// Claiming needs no sequence tag: a chunk can only be claimed while CLAIM > 0, i.e. while its
// task is current (the caller publishes the next task only after DONE reached 0), and the
// arguments are read after the claim, so a late thread always runs a chunk of the current task.
//
// Chunk boundaries inside a row fall on multiples of 16 elements (the TypeScript side chooses
// them), so every element takes the same SIMD-or-scalar path as in the single-thread kernel and
// results are bit-identical to it for any number of threads. Each kernel family exports the
// chunk function of its tasks (unaryChunk, binaryChunk, ...): this file only claims chunks.

import { Task, CTRL_CLAIM, CTRL_DONE, CTRL_WAITING, CTRL_ARGS } from './opcodes';
import { unaryChunk, binaryChunk } from './elementwise';
import { copyStridedChunk, copyIntoChunk } from './copy';
import { unaryGradChunk, addInPlaceChunk } from './elementwise_grad';
import { reduceRowsChunk, reduceColsChunk, reduceBlocksChunk, argmaxChunk } from './reduce';
import { softmaxChunk, softmaxGradChunk } from './softmax';
import { crossEntropyChunk, crossEntropyGradChunk } from './cross_entropy';
import { sgdChunk, adamChunk, rmspropChunk, adagradChunk } from './optim';
import { matmulPackChunk, matmulTilesChunk } from './matmul';
import { scanChunk } from './scan';
import { gatherChunk, scatterAddChunk } from './gather';
import { maxPoolChunk, maxPoolBackwardChunk, avgPoolChunk, avgPoolBackwardChunk } from './pool';
import { attnSoftmaxChunk, attnSoftmaxGradChunk } from './attention';
import { batchNormChunk, batchNormGradChunk, groupNormChunk, groupNormGradChunk, normAffineGradChunk } from './norm';
import { convChunk, convWeightChunk } from './conv';

function runChunk(args: usize, idx: i32): void {
  switch (<i32>load<f64>(args)) {
    case Task.Unary: unaryChunk(args, idx); break;
    case Task.UnaryGrad: unaryGradChunk(args, idx); break;
    case Task.AddInPlace: addInPlaceChunk(args, idx); break;
    case Task.Binary: binaryChunk(args, idx); break;
    case Task.CopyStrided: copyStridedChunk(args, idx); break;
    case Task.CopyInto: copyIntoChunk(args, idx); break;
    case Task.Sgd: sgdChunk(args, idx); break;
    case Task.Adam: adamChunk(args, idx); break;
    case Task.ReduceRows: reduceRowsChunk(args, idx); break;
    case Task.ReduceCols: reduceColsChunk(args, idx); break;
    case Task.ReduceBlocks: reduceBlocksChunk(args, idx); break;
    case Task.Argmax: argmaxChunk(args, idx); break;
    case Task.Softmax: softmaxChunk(args, idx); break;
    case Task.SoftmaxGrad: softmaxGradChunk(args, idx); break;
    case Task.CrossEntropy: crossEntropyChunk(args, idx); break;
    case Task.CrossEntropyGrad: crossEntropyGradChunk(args, idx); break;
    case Task.MatmulPack: matmulPackChunk(args, idx); break;
    case Task.MatmulTiles: matmulTilesChunk(args, idx); break;
    case Task.Rmsprop: rmspropChunk(args, idx); break;
    case Task.Adagrad: adagradChunk(args, idx); break;
    case Task.Scan: scanChunk(args, idx); break;
    case Task.Gather: gatherChunk(args, idx); break;
    case Task.ScatterAdd: scatterAddChunk(args, idx); break;
    case Task.MaxPool: maxPoolChunk(args, idx); break;
    case Task.MaxPoolBackward: maxPoolBackwardChunk(args, idx); break;
    case Task.AvgPool: avgPoolChunk(args, idx); break;
    case Task.AvgPoolBackward: avgPoolBackwardChunk(args, idx); break;
    case Task.AttnSoftmax: attnSoftmaxChunk(args, idx); break;
    case Task.AttnSoftmaxGrad: attnSoftmaxGradChunk(args, idx); break;
    case Task.BatchNorm: batchNormChunk(args, idx); break;
    case Task.BatchNormGrad: batchNormGradChunk(args, idx); break;
    case Task.GroupNorm: groupNormChunk(args, idx); break;
    case Task.GroupNormGrad: groupNormGradChunk(args, idx); break;
    case Task.NormAffineGrad: normAffineGradChunk(args, idx); break;
    case Task.Conv: convChunk(args, idx); break;
    case Task.ConvWeight: convWeightChunk(args, idx); break;
    default: unreachable(); // a task without a chunk function
  }
}

/**
 * work(ctrl) -> chunks run: claims and runs chunks of the current task until none are left.
 * Called by the caller after publishing a task and by each worker when it sees CLAIM > 0.
 */
export function work(ctrl: usize): i32 {
  let count = 0;
  while (true) {
    const rem = atomic.load<i32>(ctrl + CTRL_CLAIM);
    if (rem <= 0) break;
    if (atomic.cmpxchg<i32>(ctrl + CTRL_CLAIM, rem, rem - 1) != rem) continue;
    runChunk(ctrl + CTRL_ARGS, rem - 1);
    count++;
    if (atomic.sub<i32>(ctrl + CTRL_DONE, 1) == 1 && atomic.load<i32>(ctrl + CTRL_WAITING) != 0) atomic.notify(ctrl + CTRL_DONE, 1);
  }
  return count;
}

/**
 * runRange(ctrl, lo, hi): runs chunks [lo, hi) of the task in the control block on the calling
 * thread, without claiming (for work too small to be worth waking another thread for).
 */
export function runRange(ctrl: usize, lo: i32, hi: i32): void {
  for (let i = lo; i < hi; i++) runChunk(ctrl + CTRL_ARGS, i);
}
