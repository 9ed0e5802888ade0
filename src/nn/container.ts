// Containers, as in PyTorch: ModuleList (children named '0', '1', …) and ModuleDict (children
// named by string keys). Sequential (sequential.ts) shares ModuleList's indexed storage.
//
// An indexed container keeps its children as its own properties '0', '1', …, so `list[0]` reads
// one and the ordinary property walk of Module registers them; `length` counts them.

import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';
import { Module } from './module.js';
import { describeArg } from './parameter.js';

/** Children stored under '0', '1', …: ModuleList and Sequential. */
export abstract class IndexedModule extends Module {
  [index: number]: Module;
  private _length = 0;

  /** The number of children (PyTorch's `len(list)`). */
  get length(): number {
    return this._length;
  }

  /**
   * The child at `index`; negative indices count from the end, as in Python. A WasmgradError
   * for an index out of range.
   *
   * @example new wg.nn.ModuleList([new wg.nn.Linear(2, 2), new wg.nn.ReLU()]).at(-1) // the ReLU
   */
  at(index: number): Module {
    return this[this.checkIndex('at', index, this._length)];
  }

  /**
   * Adds `m` at the end, named by its index; returns this (PyTorch's `append`). A
   * WasmgradError unless `m` is a Module.
   *
   * @example new wg.nn.ModuleList().append(new wg.nn.ReLU()).length // 1
   */
  append(m: Module): this {
    this.checkModule('append', m);
    this.registerModule(String(this._length), m);
    this._length++;
    return this;
  }

  /**
   * Appends every module of `modules` in order; returns this (PyTorch's `extend`). A
   * WasmgradError naming the first element that is not a Module.
   *
   * @example new wg.nn.ModuleList().extend([new wg.nn.ReLU(), new wg.nn.Tanh()]).length // 2
   */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts `m` before `index` (negative counts from the end); the children after it are
   * renumbered, as in PyTorch. Returns this. A WasmgradError for an index outside
   * [-length, length] or an `m` that is not a Module.
   *
   * @example new wg.nn.ModuleList([new wg.nn.Linear(2, 2), new wg.nn.ReLU()]).insert(0, new wg.nn.Tanh()).at(0) // the Tanh
   */
  insert(index: number, m: Module): this {
    this.checkModule('insert', m);
    const i = this.checkIndex('insert', index, this._length + 1);
    const items = [...this];
    items.splice(i, 0, m);
    this.renumber(items);
    return this;
  }

  /**
   * Removes and returns the child at `index` (default: the last); later ones are renumbered
   * (PyTorch's `pop`). The module is not disposed. A WasmgradError for an index out of range.
   *
   * @example new wg.nn.ModuleList([new wg.nn.Linear(2, 2), new wg.nn.ReLU()]).pop() // the ReLU
   */
  pop(index = -1): Module {
    const i = this.checkIndex('pop', index, this._length);
    const items = [...this];
    const [m] = items.splice(i, 1);
    this.renumber(items);
    return m;
  }

  /**
   * The children in order, so `for (const m of list)` and `[...list]` work.
   *
   * @example [...new wg.nn.ModuleList([new wg.nn.Linear(2, 2), new wg.nn.ReLU()])].length // 2
   */
  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this._length; i++) yield this[i];
  }

  /** The op name for messages ('ModuleList.append'). */
  private opName(op: string): string {
    return `${this.constructor.name}.${op}`;
  }

  /** A WasmgradError naming the method (`ModuleList.append`) unless `m` is a Module. */
  protected checkModule(op: string, m: unknown): void {
    if (!(m instanceof Module)) throw new WasmgradError(`${this.opName(op)}: expected a Module, got ${describeArg(m)}`);
  }

  private checkIndex(op: string, index: number, size: number): number {
    const i = Number.isInteger(index) && index < 0 ? index + size : index;
    if (!Number.isInteger(i) || i < 0 || i >= size) {
      throw new WasmgradError(`${this.opName(op)}: index ${fmtValue(index)} is out of range for ${this._length} modules`);
    }
    return i;
  }

  private renumber(items: Module[]): void {
    for (let i = items.length; i < this._length; i++) delete this[i];
    this._length = 0;
    for (const m of items) this.append(m);
  }
}

/**
 * A list of modules, indexable (`list[0]`, `list.at(-1)`) and iterable; it has no forward
 * (PyTorch's `nn.ModuleList`). Children are named '0', '1', ..., so their parameters are
 * `0.weight`, `1.bias`, ... and an optimizer or save() sees them all.
 */
export class ModuleList extends IndexedModule {
  /**
   * A WasmgradError unless `modules` is an iterable of Modules.
   *
   * @param modules The initial modules, in order (default none).
   * @example new wg.nn.ModuleList([new wg.nn.Linear(2, 2), new wg.nn.ReLU()]).length // 2
   */
  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new WasmgradError(`ModuleList: expected an iterable of Modules, got ${describeArg(modules)}`);
    }
    this.extend(modules);
  }

  /**
   * Always a WasmgradError: a ModuleList only holds modules; iterate over it and call them.
   *
   * @example new wg.nn.ModuleList().forward(wg.ones([1])) // throws WasmgradError
   */
  forward(_x: Tensor): Tensor {
    throw new WasmgradError('ModuleList: has no forward(); iterate over it and call its modules');
  }
}

/**
 * Modules under string keys (names `key.weight`); iterating yields the keys, as in PyTorch's
 * `nn.ModuleDict`. Keys keep their insertion order; it has no forward.
 */
export class ModuleDict extends Module {
  private readonly _entries = new Map<string, Module>();

  /**
   * A WasmgradError for a bad key (empty or containing '.') or a value that is not a Module.
   *
   * @param modules The initial modules: a plain object, a Map or [key, module] pairs (default none).
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).keys() // ['fc']
   */
  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    this.update(modules);
  }

  protected override forEachOwn(fn: (name: string, value: unknown) => void): void {
    super.forEachOwn(fn);
    for (const [key, m] of this._entries) fn(key, m);
  }

  /**
   * The module under `key`, or undefined.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).get('fc') // the Linear
   */
  get(key: string): Module | undefined {
    return this._entries.get(key);
  }

  /**
   * Adds or replaces the module under `key` (a replaced key keeps its place, as in PyTorch's
   * `dict[key] = m`); returns this. A WasmgradError for an empty key, a key containing '.', or
   * a value that is not a Module.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).set('act', new wg.nn.ReLU()).size // 2
   */
  set(key: string, m: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new WasmgradError(`ModuleDict.set: key must be a non-empty string without '.', got ${fmtValue(key)}`);
    }
    if (!(m instanceof Module)) throw new WasmgradError(`ModuleDict.set: ${fmtValue(key)} must be a Module, got ${describeArg(m)}`);
    this._entries.set(key, m);
    return this;
  }

  /**
   * True if a module is under `key` (PyTorch's `key in dict`).
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).has('fc') // true
   */
  has(key: string): boolean {
    return this._entries.has(key);
  }

  /**
   * Removes `key`; true if it was there. The module is not disposed.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).delete('fc') // true
   */
  delete(key: string): boolean {
    return this._entries.delete(key);
  }

  /**
   * Removes `key` and returns its module (PyTorch's pop). A WasmgradError naming the keys when
   * `key` is not there.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).pop('fc') // the Linear
   */
  pop(key: string): Module {
    const m = this._entries.get(key);
    if (m === undefined) throw new WasmgradError(`ModuleDict.pop: no key ${fmtValue(key)} (keys: ${[...this._entries.keys()].join(', ')})`);
    this._entries.delete(key);
    return m;
  }

  /**
   * Adds (or replaces) every [key, module] of `modules` (a plain object, a Map or pairs); returns
   * this (PyTorch's `update`). A WasmgradError for anything else, or as for set().
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).update({ act: new wg.nn.ReLU() }).keys() // ['fc', 'act']
   */
  update(modules: Record<string, Module> | Iterable<readonly [string, Module]>): this {
    if (modules === null || typeof modules !== 'object') {
      throw new WasmgradError(`ModuleDict: expected an object or [key, Module] pairs, got ${describeArg(modules)}`);
    }
    const pairs = Symbol.iterator in modules
      ? (modules as Iterable<readonly [string, Module]>)
      : Object.entries(modules as Record<string, Module>);
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new WasmgradError(`ModuleDict: expected [key, Module] pairs, got ${describeArg(pair)}`);
      this.set(pair[0], pair[1]);
    }
    return this;
  }

  /** The number of keys (PyTorch's `len(dict)`). */
  get size(): number {
    return this._entries.size;
  }

  /**
   * The keys, in insertion order.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).keys() // ['fc']
   */
  keys(): string[] {
    return [...this._entries.keys()];
  }

  /**
   * The modules, in key order.
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).values().length // 1
   */
  values(): Module[] {
    return [...this._entries.values()];
  }

  /**
   * [key, module] pairs, in key order (PyTorch's `items()`).
   *
   * @example new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) }).entries()[0][0] // 'fc'
   */
  entries(): [string, Module][] {
    return [...this._entries];
  }

  /**
   * The keys, so `for (const key of dict)` works as in Python.
   *
   * @example [...new wg.nn.ModuleDict({ fc: new wg.nn.Linear(2, 2) })] // ['fc']
   */
  [Symbol.iterator](): Iterator<string> {
    return this._entries.keys();
  }

  /**
   * Always a WasmgradError: a ModuleDict only holds modules; call them by key.
   *
   * @example new wg.nn.ModuleDict().forward(wg.ones([1])) // throws WasmgradError
   */
  forward(_x: Tensor): Tensor {
    throw new WasmgradError('ModuleDict: has no forward(); call its modules by key');
  }
}
