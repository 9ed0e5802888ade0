// Model files: the safetensors format.
export {
  saveTensors, loadTensors, parseSafetensors, MAX_HEADER_BYTES, LOADABLE_DTYPES,
} from './safetensors.js';
export type { LoadTensorsOptions, SafetensorsEntry, SafetensorsHeader } from './safetensors.js';
export { save, load } from './module.js';
export type { HasNamedParameters, LoadOptions, LoadResult } from './module.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointContents, LoadCheckpointOptions } from './checkpoint.js';
