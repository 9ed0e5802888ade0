// load() checks dtypes: a file whose tensor dtype differs from the parameter's is a DTypeError
// naming the parameter and both dtypes, unless { cast: true }; nothing is written and nothing
// leaks on failure. The options of load and loadTensors are checked (unknown keys fail).

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { thrown } from './helpers.js';

type Tensor = ReturnType<typeof wg.tensor>;

function fakeModule(pairs: [string, Tensor][]) {
  return { namedParameters: () => pairs };
}

/** A one-layer "model" of the given dtype with fixed values. */
function layer(dtype: 'float32' | 'float64', values = [0.1, -0.2, 0.3, 1e-3, 2.5, -7]) {
  const weight = wg.tensor(values, { dtype, shape: [2, 3], requiresGrad: true });
  const bias = wg.tensor([0.5, -0.25], { dtype, requiresGrad: true });
  return { weight, bias, module: fakeModule([['fc.weight', weight], ['fc.bias', bias]]) };
}

/** A hand-built file with one F16 tensor "fc.bias" of shape [2]: 1 and -2.5. */
function f16File(): Uint8Array {
  const header = new TextEncoder().encode('{"fc.bias":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}');
  const out = new Uint8Array(8 + header.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  view.setUint16(8 + header.length, 0x3c00, true);
  view.setUint16(8 + header.length + 2, 0xc100, true);
  return out;
}

describe.each(['wasm', 'js'] as const)('load dtype checks [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
  });

  it('a float32 file into a float64 model is a DTypeError naming the parameter and both dtypes', () => {
    const src = layer('float32');
    const dst = layer('float64', [0, 0, 0, 0, 0, 0]);
    const bytes = wg.save(src.module);
    const before = wg.memory();
    const e = thrown(() => wg.load(dst.module, bytes));
    expect(e).toBeInstanceOf(wg.DTypeError);
    expect(e.message).toMatch(/^load: tensor "fc\.(weight|bias)" is F32 in the file, but the parameter is float64 \(pass \{ cast: true \} to convert\)$/);
    expect(Array.from(dst.weight.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(dst.bias.data())).toEqual([0.5, -0.25]);
    expect(wg.memory()).toEqual(before);
  });

  it('a float64 file into a float32 model is a DTypeError naming the parameter and both dtypes', () => {
    const src = layer('float64');
    const dst = layer('float32', [0, 0, 0, 0, 0, 0]);
    const e = thrown(() => wg.load(dst.module, wg.save(src.module)));
    expect(e).toBeInstanceOf(wg.DTypeError);
    expect(e.message).toMatch(/tensor "fc\.(weight|bias)" is F64 in the file, but the parameter is float32/);
    expect(Array.from(dst.weight.data())).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('an F16 file into a float32 model needs cast too', () => {
    const p = wg.zeros([2], { requiresGrad: true });
    const m = fakeModule([['fc.bias', p]]);
    const e = thrown(() => wg.load(m, f16File()));
    expect(e).toBeInstanceOf(wg.DTypeError);
    expect(e.message).toMatch(/tensor "fc\.bias" is F16 in the file, but the parameter is float32/);
    wg.load(m, f16File(), { cast: true });
    expect(Array.from(p.data())).toEqual([1, -2.5]);
  });

  it('cast: true converts float32 files into float64 models and back', () => {
    const src32 = layer('float32');
    const dst64 = layer('float64', [0, 0, 0, 0, 0, 0]);
    wg.load(dst64.module, wg.save(src32.module), { cast: true });
    expect(Array.from(dst64.weight.data())).toEqual(Array.from(src32.weight.data()));
    const src64 = layer('float64');
    const dst32 = layer('float32', [0, 0, 0, 0, 0, 0]);
    wg.load(dst32.module, wg.save(src64.module), { cast: true });
    expect(Array.from(dst32.weight.data())).toEqual([0.1, -0.2, 0.3, 1e-3, 2.5, -7].map(Math.fround));
  });

  it('matching dtypes load without cast, bit for bit', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const src = layer(dtype);
      const dst = layer(dtype, [0, 0, 0, 0, 0, 0]);
      wg.load(dst.module, wg.save(src.module));
      expect(dst.weight.data()).toEqual(src.weight.data());
    }
  });

  it('load rejects unknown options, naming the key and the accepted ones', () => {
    const src = layer('float32');
    const bytes = wg.save(src.module);
    const e = thrown(() => wg.load(src.module, bytes, { Cast: true } as never));
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message).toBe("load: unknown option 'Cast' (accepted: strict, cast)");
    expect(thrown(() => wg.load(src.module, bytes, { cast: 'yes' } as never)).message)
      .toBe('load: cast must be true or false, got the string "yes"');
    expect(thrown(() => wg.load(src.module, bytes, { strict: 0 } as never)).message)
      .toBe('load: strict must be true or false, got 0');
    expect(thrown(() => wg.load(src.module, bytes, 'strict' as never)).message).toMatch(/^load: options must be an object/);
  });

  it('loadTensors rejects unknown options, naming the key and the accepted ones', () => {
    const bytes = wg.saveTensors({ a: wg.ones([2]) });
    const before = wg.memory();
    const e = thrown(() => wg.loadTensors(bytes, { dtpye: 'float64' } as never));
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message).toBe("loadTensors: unknown option 'dtpye' (accepted: dtype)");
    expect(wg.memory()).toEqual(before);
  });

  it('the library keeps working after a dtype error', () => {
    const src = layer('float32');
    const dst = layer('float64');
    expect(() => wg.load(dst.module, wg.save(src.module))).toThrow(wg.DTypeError);
    const ok = layer('float64', [1, 2, 3, 4, 5, 6]);
    wg.load(dst.module, wg.save(ok.module));
    expect(Array.from(dst.weight.data())).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
