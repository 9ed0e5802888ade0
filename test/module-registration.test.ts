// Module registration (issue 10): submodules, nn.Parameter tensors and buffers assigned to a
// Module's properties register themselves under their property names, in PyTorch's order;
// ModuleList, ModuleDict, Sequential with plain functions; options objects are checked.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { parseSafetensors } from '../src/io/index.js';

type Tensor = wg.Tensor;
type DType = 'float32' | 'float64';
const { Module, Linear, ModuleList, ModuleDict, Sequential, Parameter } = wg.nn;

class Block extends Module {
  lin: wg.nn.Linear;
  scale: Tensor;
  constructor(n: number, dtype: DType) {
    super();
    this.lin = new Linear(n, n, { dtype });
    this.scale = Parameter(wg.ones([n], { dtype }));
    this.registerBuffer('calls', wg.zeros([1], { dtype }));
  }

  forward(x: Tensor): Tensor {
    return this.lin.forward(x).mul(this.scale).tanh();
  }
}

class Net extends Module {
  fc1?: wg.nn.Linear;
  blocks: wg.nn.ModuleList;
  heads: wg.nn.ModuleDict;
  trunk: wg.nn.Sequential;
  fc2?: wg.nn.Linear;
  cache: Tensor;
  constructor(dtype: DType) {
    super();
    this.fc1 = new Linear(3, 4, { dtype });
    this.blocks = new ModuleList([new Block(4, dtype), new Block(4, dtype)]);
    this.heads = new ModuleDict({ a: new Linear(4, 2, { dtype }), b: new Linear(4, 2, { dtype, bias: false }) });
    this.trunk = new Sequential(new Linear(2, 2, { dtype }), (x: Tensor) => x.relu(), new Linear(2, 2, { dtype }));
    this.fc2 = new Linear(2, 1, { dtype });
    this.cache = wg.ones([3], { dtype }); // a plain tensor attribute: not a parameter
    this.registerBuffer('steps', wg.zeros([1], { dtype }));
  }

  forward(x: Tensor): Tensor {
    let h = this.fc1!.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    h = this.heads.get('a')!.forward(h).add(this.heads.get('b')!.forward(h));
    return this.fc2!.forward(this.trunk.forward(h));
  }
}

/** The names PyTorch gives the same model: own parameters first, then children depth first. */
const NET_NAMES = [
  'fc1.weight', 'fc1.bias',
  'blocks.0.scale', 'blocks.0.lin.weight', 'blocks.0.lin.bias',
  'blocks.1.scale', 'blocks.1.lin.weight', 'blocks.1.lin.bias',
  'heads.a.weight', 'heads.a.bias', 'heads.b.weight',
  'trunk.0.weight', 'trunk.0.bias', 'trunk.2.weight', 'trunk.2.bias',
  'fc2.weight', 'fc2.bias',
];

const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

const configs = (['wasm', 'js'] as const).flatMap((backend) =>
  (['float32', 'float64'] as const).map((dtype) => ({ backend, dtype })));

describe.each(configs)('module registration [$backend/$dtype]', ({ backend, dtype }) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
    wg.manualSeed(7);
  });

  it('a subclass registers the Linear layers assigned to this.fc1 and this.fc2', () => {
    class TwoLayer extends Module {
      fc1 = new Linear(3, 4, { dtype });
      fc2 = new Linear(4, 1, { dtype });
      forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
    }
    const net = new TwoLayer();
    expect(names(net.namedParameters())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.parameters()).toEqual([net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias]);
  });

  it('a subclass registers the modules and parameters assigned to its properties, named and ordered as PyTorch', () => {
    const net = new Net(dtype);
    expect(names(net.namedParameters())).toEqual(NET_NAMES);
    expect(net.parameters()).toHaveLength(NET_NAMES.length);
    const byName = new Map(net.namedParameters());
    expect(byName.get('fc1.weight')).toBe(net.fc1!.weight);
    expect(byName.get('blocks.1.scale')).toBe((net.blocks[1] as Block).scale);
    expect(byName.get('trunk.2.weight')!.shape).toEqual([2, 2]);
    expect(net.parameters().every((p) => p.requiresGrad && p.isLeaf && p.dtype === dtype)).toBe(true);
  });

  it('plain tensors assigned to properties stay attributes; nn.Parameter makes them parameters', () => {
    const net = new Net(dtype);
    expect(net.parameters()).not.toContain(net.cache);
    expect(wg.nn.isParameter(net.cache)).toBe(false);
    expect(net.cache instanceof Parameter).toBe(false);
    net.cache = new Parameter(wg.ones([3], { dtype }));
    expect(net.cache instanceof Parameter).toBe(true);
    expect(net.cache.requiresGrad).toBe(true);
    // a module's own parameters come before its children's, as in PyTorch
    expect(names(net.namedParameters())).toEqual(['cache', ...NET_NAMES]);
    const frozen = Parameter(wg.zeros([2], { dtype }), false);
    expect(frozen.requiresGrad).toBe(false);
  });

  it('buffers appear in namedBuffers, not in parameters', () => {
    const net = new Net(dtype);
    net.registerBuffer('scratch', wg.zeros([2], { dtype }), { persistent: false });
    expect(names(net.namedBuffers())).toEqual(['steps', 'scratch', 'blocks.0.calls', 'blocks.1.calls']);
    const params = net.parameters();
    for (const [, b] of net.namedBuffers()) {
      expect(params).not.toContain(b);
      expect(b.requiresGrad).toBe(false);
    }
    expect(names(net.namedParameters())).toEqual(NET_NAMES);
    // assigning to a buffer's property replaces the buffer
    const steps = wg.full([1], 5, { dtype });
    (net as unknown as { steps: Tensor }).steps = steps;
    expect(new Map(net.namedBuffers()).get('steps')).toBe(steps);
    expect(net.buffers()).toContain(steps);
  });

  it('training one step updates every registered parameter', () => {
    const net = new Net(dtype);
    const before = net.parameters().map((p) => p.toArray());
    const opt = new wg.optim.SGD(net.parameters(), { lr: 0.1 });
    const x = wg.randn([5, 3], { dtype });
    const target = wg.randn([5, 1], { dtype });
    wg.mseLoss(net.forward(x), target).backward();
    for (const [n, p] of net.namedParameters()) expect(p.grad, n).not.toBeNull();
    opt.step();
    net.parameters().forEach((p, i) => expect(p.toArray(), NET_NAMES[i]).not.toEqual(before[i]));
  });

  it('save() and load() round trip under the registered names (parameters and persistent buffers, as state_dict)', () => {
    const src = new Net(dtype);
    const bytes = wg.save(src);
    const buffers = ['steps', 'blocks.0.calls', 'blocks.1.calls'];
    expect([...src.stateDict().keys()]).toEqual([...NET_NAMES, ...buffers]);
    expect(parseSafetensors(bytes).entries.map((e) => e.name).sort()).toEqual([...NET_NAMES, ...buffers].sort());
    wg.manualSeed(8);
    const dst = new Net(dtype);
    expect(dst.fc1!.weight.toArray()).not.toEqual(src.fc1!.weight.toArray());
    wg.load(dst, bytes);
    const want = new Map(src.namedParameters());
    for (const [n, p] of dst.namedParameters()) expect(p.toArray(), n).toEqual(want.get(n)!.toArray());
  });

  it('reassigning a property replaces its entry in place', () => {
    const net = new Net(dtype);
    const old = net.fc1!;
    net.fc1 = new Linear(3, 4, { dtype, bias: false });
    const got = net.namedParameters();
    expect(names(got)).toEqual(NET_NAMES.filter((n) => n !== 'fc1.bias'));
    expect(got[0][1]).toBe(net.fc1.weight);
    expect(net.parameters()).not.toContain(old.weight);
    expect(names(net.namedChildren())[0]).toBe('fc1'); // still first
  });

  it('deleting a property removes its entry', () => {
    const net = new Net(dtype);
    delete net.fc2;
    delete (net as unknown as { steps?: Tensor }).steps;
    expect(names(net.namedParameters())).toEqual(NET_NAMES.filter((n) => !n.startsWith('fc2.')));
    expect(names(net.namedChildren())).toEqual(['fc1', 'blocks', 'heads', 'trunk']);
    expect(names(net.namedBuffers())).toEqual(['blocks.0.calls', 'blocks.1.calls']);
  });

  it('ModuleList is indexable and iterable, has length, append, insert and pop, and names children 0, 1, …', () => {
    const a = new Linear(2, 2, { dtype });
    const b = new Linear(2, 2, { dtype, bias: false });
    const c = new Linear(2, 2, { dtype });
    const list = new ModuleList([a]).append(b);
    expect(list.length).toBe(2);
    expect(list[0]).toBe(a);
    expect(list.at(-1)).toBe(b);
    expect([...list]).toEqual([a, b]);
    expect(names(list.namedParameters())).toEqual(['0.weight', '0.bias', '1.weight']);
    list.insert(0, c);
    expect([...list]).toEqual([c, a, b]);
    expect(names(list.namedParameters())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight']);
    expect(list.pop(1)).toBe(a);
    expect(list.length).toBe(2);
    expect(names(list.namedParameters())).toEqual(['0.weight', '0.bias', '1.weight']);
    expect(list[2]).toBeUndefined();
    expect(() => list.at(2)).toThrow(/ModuleList.at: index 2 is out of range for 2 modules/);
    expect(() => list.forward(wg.zeros([2], { dtype }))).toThrow(wg.WasmgradError);
  });

  it('ModuleDict has get, set, keys and entries, and names parameters key.weight', () => {
    const enc = new Linear(2, 3, { dtype });
    const dec = new Linear(3, 2, { dtype });
    const dict = new ModuleDict({ enc });
    dict.set('dec', dec);
    expect(dict.get('enc')).toBe(enc);
    expect(dict.keys()).toEqual(['enc', 'dec']);
    expect([...dict]).toEqual(['enc', 'dec']);
    expect(dict.entries()).toEqual([['enc', enc], ['dec', dec]]);
    expect(dict.size).toBe(2);
    expect(names(dict.namedParameters())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    const enc2 = new Linear(2, 3, { dtype, bias: false });
    dict.set('enc', enc2); // replaced in place
    expect(names(dict.namedParameters())).toEqual(['enc.weight', 'dec.weight', 'dec.bias']);
    expect(dict.delete('dec')).toBe(true);
    expect(names(dict.namedParameters())).toEqual(['enc.weight']);
    expect(() => dict.set('a.b', enc)).toThrow(/ModuleDict.set: key must be a non-empty string without '.', got "a.b"/);
    expect(() => dict.pop('nope')).toThrow(wg.WasmgradError);
  });

  it('Sequential takes plain functions as parameter-free layers that keep their index', () => {
    const net = new Sequential(new Linear(3, 4, { dtype }), (x: Tensor) => x.relu(), new Linear(4, 2, { dtype }));
    expect(names(net.namedParameters())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(net.length).toBe(3);
    const x = wg.randn([5, 3], { dtype });
    const manual = net.layers[2].forward(net.layers[0].forward(x).relu());
    expect(net.forward(x).toArray()).toEqual(manual.toArray());
    net.append((y: Tensor) => y.tanh());
    expect(net.forward(x).toArray()).toEqual(manual.tanh().toArray());
    expect(() => new Sequential(new Linear(3, 4), 3 as never)).toThrow(/Sequential: layer 1 must be a Module or a function, got 3/);
  });

  it('namedModules, modules, namedChildren and children list modules as PyTorch does', () => {
    const net = new Net(dtype);
    expect(names(net.namedChildren())).toEqual(['fc1', 'blocks', 'heads', 'trunk', 'fc2']);
    expect(net.children()).toEqual([net.fc1, net.blocks, net.heads, net.trunk, net.fc2]);
    expect(names(net.namedModules())).toEqual([
      '', 'fc1', 'blocks', 'blocks.0', 'blocks.0.lin', 'blocks.1', 'blocks.1.lin',
      'heads', 'heads.a', 'heads.b', 'trunk', 'trunk.0', 'trunk.1', 'trunk.2', 'fc2',
    ]);
    expect(net.modules()[0]).toBe(net);
    expect(net.modules()).toHaveLength(15);
  });

  it('a module or parameter shared by two owners is listed once, under its first name', () => {
    const shared = new Linear(2, 2, { dtype });
    const tied = new Sequential(shared, new Linear(2, 2, { dtype }), shared);
    (tied.at(1) as wg.nn.Linear & { w: Tensor }).w = shared.weight; // tied weight
    expect(names(tied.namedParameters())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(names(tied.namedModules())).toEqual(['', '0', '1']);
    expect(tied.forward(wg.ones([1, 2], { dtype })).shape).toEqual([1, 2]); // applied twice
  });

  it('train() and eval() reach the modules inside ModuleList, ModuleDict and Sequential', () => {
    const net = new Net(dtype);
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(() => net.train('no' as never)).toThrow(/train: mode must be a boolean/);
  });

  it('options objects of nn modules are checked: an unknown key is an error naming it', () => {
    const net = new Net(dtype);
    const before = wg.memory().tensors;
    expect(() => new Linear(3, 2, { bais: false } as never)).toThrow(/Linear: unknown option 'bais' \(accepted: bias, dtype\)/);
    expect(() => new Linear(3, 2, { dtype: 'int32' as never })).toThrow(/Linear: dtype must be 'float32' or 'float64'/);
    expect(() => new wg.nn.MLP([3, 2], { actvation: 'tanh' } as never)).toThrow(/MLP: unknown option 'actvation' \(accepted: activation, dtype, dropout\)/);
    expect(() => new wg.nn.MLP([3, 4, 2], { activation: 'gelu' as never })).toThrow(/MLP: unknown activation "gelu"/);
    expect(() => new wg.nn.MLP([3, 4, 2.5])).toThrow(/MLP: sizes must be positive integers, got 2.5 at index 2/);
    expect(() => new wg.nn.Dropout({ prob: 0.2 } as never)).toThrow(/Dropout: unknown option 'prob' \(accepted: p\)/);
    expect(() => new wg.nn.Dropout(1.5)).toThrow(/Dropout: p must be a number in \[0, 1\], got 1.5/);
    expect(() => net.registerBuffer('b', null, { persist: false } as never)).toThrow(/registerBuffer: unknown option 'persist' \(accepted: persistent\)/);
    expect(wg.memory().tensors).toBe(before); // the failed constructors left nothing behind
    expect(new wg.nn.Dropout({ p: 0.2 }).p).toBe(0.2);
  });

  it('registration errors are WasmgradErrors naming the attribute, and leave the module working', () => {
    const net = new Net(dtype);
    const lin = new Linear(2, 2, { dtype });
    expect(() => net.registerModule('forward', lin)).toThrow(/registerModule: attribute "forward" already exists on Net/);
    expect(() => net.registerModule('training', lin)).toThrow(wg.WasmgradError);
    expect(() => net.registerModule('x.y', lin)).toThrow(/without '.', got "x.y"/);
    expect(() => net.registerModule('head', 3 as never)).toThrow(/registerModule: child "head" must be a Module, got 3/);
    const w = wg.ones([2], { dtype, requiresGrad: true });
    expect(() => net.registerParameter('w2', w.mul(2))).toThrow(/must be a leaf tensor/);
    expect(() => Parameter([1, 2] as never)).toThrow(/Parameter: expected a Tensor/);
    expect(() => net.registerBuffer('fc1', wg.zeros([1], { dtype }))).toThrow(/registerBuffer: "fc1" is already a child module/);
    expect(() => net.registerParameter('steps', w)).toThrow(/registerParameter: "steps" is already a buffer/);
    net.registerParameter('w', w);
    net.registerModule('head', lin);
    expect(names(net.namedParameters())).toEqual(['w', ...NET_NAMES, 'head.weight', 'head.bias']);
  });
});
