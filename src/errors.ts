// Every error the library raises is a WasmgradError; the subclasses say which rule was broken.
// Messages name the op and the offending shapes, dtypes or values.

export class WasmgradError extends Error {
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

/** Formats a shape the way messages print it: [2,3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
