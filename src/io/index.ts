// Model files: the safetensors format (parse.ts, decode.ts, write.ts), a Module's state
// (module.ts) and training checkpoints (checkpoint.ts).
export { parseSafetensors, MAX_HEADER_BYTES, LOADABLE_DTYPES } from './parse.js';
export type { SafetensorsEntry, SafetensorsHeader } from './parse.js';
export { loadTensors } from './decode.js';
export type { LoadTensorsOptions } from './decode.js';
export { saveTensors } from './write.js';
export { save, load } from './module.js';
export type { HasNamedParameters, LoadOptions, LoadResult } from './module.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointContents, LoadCheckpointOptions } from './checkpoint.js';
export { readIdx } from './idx.js';
export type { IdxOptions } from './idx.js';
