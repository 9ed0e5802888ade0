// Every error the library raises is a WasmgradError; the subclasses say which rule was broken.
// Messages name the op and the offending shapes, dtypes or values.

/**
 * The base class of every error wasmgrad throws; catch this to catch them all. The message
 * names the op and the offending shapes, dtypes or values, e.g.
 * `matmul: inner dimensions differ: [2,3] @ [4,5]`. After an error nothing leaks and the
 * library keeps working.
 */
export class WasmgradError extends Error {
  /**
   * An error with `message`; its `name` is the class name ('ShapeError', ...). Custom gates
   * may throw these too.
   *
   * @param message The op's name, a colon, and what was wrong.
   * @example new wg.ShapeError('myOp: expected [N, 3], got [2,4]') instanceof wg.WasmgradError // true
   */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: broadcasting, matmul inner dimensions, reshape sizes, axes. */
export class ShapeError extends WasmgradError {}

/** Mixed or unsupported dtypes. */
export class DTypeError extends WasmgradError {}

/** A tensor used after dispose(), or a graph used after its saved values were released. */
export class DisposedError extends WasmgradError {}

/** Unknown backend names, mixed backends, a backend used before init(). */
export class BackendError extends WasmgradError {}

/** Memory for a tensor could not be had (wasm32 linear memory is at most 4 GiB). */
export class OutOfMemoryError extends WasmgradError {}

/**
 * Formats any user value for a message without throwing: BigInt, NaN, Infinity, symbols,
 * circular or huge arrays all print (JSON.stringify would throw or print null).
 */
export function fmtValue(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) {
    if (depth >= 2) return '[…]';
    const items = v.slice(0, 8).map((x) => fmtValue(x, depth + 1));
    return `[${items.join(',')}${v.length > 8 ? ',…' : ''}]`;
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  let keys: string[];
  try {
    keys = Object.keys(v as object);
  } catch {
    return 'an object';
  }
  return `{${keys.slice(0, 4).join(',')}${keys.length > 4 ? ',…' : ''}}`;
}

/** A value and its type, for "expected X, got Y" messages: `"abc" (string)`, `null (object)`. */
export function describeValue(v: unknown): string {
  return `${fmtValue(v)} (${Array.isArray(v) ? 'array, an object' : typeof v})`;
}

/** Formats a shape the way messages print it: [2,3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Checks an options object: undefined is {}, anything but a plain object is an error, and an
 * unknown key is an error naming it and the accepted keys (a typo such as `labelSmothing` must
 * not silently do something else). Returns the object, typed for reading.
 */
export function checkOptions(op: string, opts: unknown, known: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new WasmgradError(`${op}: options must be an object, got ${describeValue(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      const accepted = known.length === 0 ? 'it takes no options' : `accepted: ${known.join(', ')}`;
      throw new WasmgradError(`${op}: unknown option '${key}' (${accepted})`);
    }
  }
  return opts as Record<string, unknown>;
}
