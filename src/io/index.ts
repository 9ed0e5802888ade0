// Model files: the safetensors format.
export {
  save, load, saveTensors, loadTensors, parseSafetensors, MAX_HEADER_BYTES, LOADABLE_DTYPES,
} from './safetensors.js';
export type {
  HasNamedParameters, LoadOptions, LoadResult, LoadTensorsOptions, SafetensorsEntry, SafetensorsHeader,
} from './safetensors.js';
