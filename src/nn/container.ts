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

  /** The number of children. */
  get length(): number {
    return this._length;
  }

  /** The child at `index`; negative indices count from the end, as in Python. */
  at(index: number): Module {
    return this[this.checkIndex('at', index, this._length)];
  }

  /** Adds `m` at the end, named by its index. */
  append(m: Module): this {
    this.checkModule('append', m);
    this.registerModule(String(this._length), m);
    this._length++;
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `m` before `index`; the children after it are renumbered, as in PyTorch. */
  insert(index: number, m: Module): this {
    this.checkModule('insert', m);
    const i = this.checkIndex('insert', index, this._length + 1);
    const items = [...this];
    items.splice(i, 0, m);
    this.renumber(items);
    return this;
  }

  /** Removes and returns the child at `index` (default: the last); later ones are renumbered. */
  pop(index = -1): Module {
    const i = this.checkIndex('pop', index, this._length);
    const items = [...this];
    const [m] = items.splice(i, 1);
    this.renumber(items);
    return m;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this._length; i++) yield this[i];
  }

  /** The op name for messages ('ModuleList.append'). */
  private opName(op: string): string {
    return `${this.constructor.name}.${op}`;
  }

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

/** A list of modules, indexable (`list[0]`, `list.at(-1)`) and iterable; it has no forward. */
export class ModuleList extends IndexedModule {
  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new WasmgradError(`ModuleList: expected an iterable of Modules, got ${describeArg(modules)}`);
    }
    this.extend(modules);
  }

  forward(_x: Tensor): Tensor {
    throw new WasmgradError('ModuleList: has no forward(); iterate over it and call its modules');
  }
}

/** Modules under string keys (names `key.weight`); iterating yields the keys, as in PyTorch. */
export class ModuleDict extends Module {
  private readonly _entries = new Map<string, Module>();

  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    this.update(modules);
  }

  protected override forEachOwn(fn: (name: string, value: unknown) => void): void {
    super.forEachOwn(fn);
    for (const [key, m] of this._entries) fn(key, m);
  }

  get(key: string): Module | undefined {
    return this._entries.get(key);
  }

  /** Adds or replaces the module under `key` (a replaced key keeps its place, as in PyTorch). */
  set(key: string, m: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new WasmgradError(`ModuleDict.set: key must be a non-empty string without '.', got ${fmtValue(key)}`);
    }
    if (!(m instanceof Module)) throw new WasmgradError(`ModuleDict.set: ${fmtValue(key)} must be a Module, got ${describeArg(m)}`);
    this._entries.set(key, m);
    return this;
  }

  has(key: string): boolean {
    return this._entries.has(key);
  }

  /** Removes `key`; true if it was there. */
  delete(key: string): boolean {
    return this._entries.delete(key);
  }

  /** Removes `key` and returns its module (PyTorch's pop). */
  pop(key: string): Module {
    const m = this._entries.get(key);
    if (m === undefined) throw new WasmgradError(`ModuleDict.pop: no key ${fmtValue(key)} (keys: ${[...this._entries.keys()].join(', ')})`);
    this._entries.delete(key);
    return m;
  }

  /** Adds every [key, module] of `modules` (a plain object, a Map or pairs). */
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

  get size(): number {
    return this._entries.size;
  }

  keys(): string[] {
    return [...this._entries.keys()];
  }

  values(): Module[] {
    return [...this._entries.values()];
  }

  entries(): [string, Module][] {
    return [...this._entries];
  }

  [Symbol.iterator](): Iterator<string> {
    return this._entries.keys();
  }

  forward(_x: Tensor): Tensor {
    throw new WasmgradError('ModuleDict: has no forward(); call its modules by key');
  }
}
