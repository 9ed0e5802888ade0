// The unary ops sign floor ceil round square rsqrt reciprocal log1p expm1 tan and the activations
// logSigmoid leakyRelu elu softplus hardtanh hardswish gelu: hand-computed values and gradients on both
// backends and both dtypes (PyTorch's conventions at kinks, ties and edges), hostile arguments,
// the accuracy of the erf kernel behind gelu, and the activation modules of wg.nn.
// Generic checks (float64 gradcheck, second order, backend/dtype agreement, random programs)
// come from each op's entry in test/catalog/ops.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { Unary, type DType, type Storage } from '../src/backend/backend.js';
import { WasmBackend, createWasmBackend } from '../src/backend/wasm/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import { type Tensor, expectClose, forEachConfig } from './helpers.js';

/** f applied to a fresh tensor of xs: its values and the gradient of sum(f(x)). */
function valueAndGrad(xs: number[], dtype: DType, f: (x: Tensor) => Tensor): [number[], number[]] {
  const x = wg.tensor(xs, { dtype, requiresGrad: true });
  const y = f(x);
  y.sum().backward();
  const out: [number[], number[]] = [y.toArray() as number[], x.grad!.toArray() as number[]];
  y.dispose();
  x.dispose();
  return out;
}

/** The float32 rounding of the expected values when the dtype is float32. */
function inDtype(dtype: DType, xs: number[]): number[] {
  return dtype === 'float32' ? xs.map(Math.fround) : xs;
}

/** Asserts f throws a WasmgradError whose message contains every part, leaving memory unchanged. */
function expectRejects(f: () => unknown, ...parts: string[]): void {
  const before = wg.memory();
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(wg.WasmgradError);
  for (const p of parts) expect((err as Error).message).toContain(p);
  expect(wg.memory()).toEqual(before);
}

forEachConfig('rounding and sign', ({ dtype }) => {
  it('sign gives -1, 0 or 1, keeps NaN, and has zero gradient', () => {
    const [v, g] = valueAndGrad([-2, -0, 0, 3, NaN], dtype, wg.sign);
    expectClose(v, [-1, 0, 0, 1, NaN]);
    expectClose(g, [0, 0, 0, 0, 0]);
  });
  it('floor and ceil round down and up, keep infinities, and have zero gradient', () => {
    const xs = [-1.5, -0.5, 0.5, 1.5, 2, -Infinity, Infinity];
    const [f, gf] = valueAndGrad(xs, dtype, wg.floor);
    expectClose(f, [-2, -1, 0, 1, 2, -Infinity, Infinity]);
    expectClose(gf, [0, 0, 0, 0, 0, 0, 0]);
    const [c, gc] = valueAndGrad(xs, dtype, (x) => x.ceil());
    expectClose(c, [-1, -0, 1, 2, 2, -Infinity, Infinity]);
    expectClose(gc, [0, 0, 0, 0, 0, 0, 0]);
  });
  it('round sends ties to the even integer as torch.round', () => {
    const [v, g] = valueAndGrad([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.7, -1.7, 4194304.5, 4194305.5], dtype, wg.round);
    expectClose(v, [-2, -2, -0, 0, 2, 2, 2, -2, 4194304, 4194306]);
    expect(Object.is(v[2], -0)).toBe(true);
    expectClose(g, new Array(10).fill(0));
  });
  it('round of the float just below 0.5 is 0', () => {
    const below = dtype === 'float32' ? 0.4999999701976776 : 0.49999999999999994;
    expect(wg.round(wg.tensor([below], { dtype })).toArray()).toEqual([0]);
  });
});

forEachConfig('powers and logs', ({ dtype, tol }) => {
  it('square gives x² with gradient 2x', () => {
    const [v, g] = valueAndGrad([-3, 0.5, 0], dtype, wg.square);
    expectClose(v, [9, 0.25, 0], tol);
    expectClose(g, [-6, 1, 0], tol);
  });
  it('rsqrt gives 1/√x (Infinity at 0, NaN below) with gradient -½ x^(-3/2)', () => {
    const [v, g] = valueAndGrad([4, 0.25], dtype, wg.rsqrt);
    expectClose(v, [0.5, 2], tol);
    expectClose(g, [-0.0625, -4], tol);
    expectClose(wg.rsqrt(wg.tensor([0, -1], { dtype })).toArray(), [Infinity, NaN]);
  });
  it('reciprocal gives 1/x (±Infinity at ±0) with gradient -1/x²', () => {
    const [v, g] = valueAndGrad([2, -4], dtype, wg.reciprocal);
    expectClose(v, [0.5, -0.25], tol);
    expectClose(g, [-0.25, -0.0625], tol);
    expectClose(wg.tensor([0, -0], { dtype }).reciprocal().toArray(), [Infinity, -Infinity]);
  });
  it('log1p is accurate for tiny x, -Infinity at -1, with gradient 1/(1+x)', () => {
    const tiny = inDtype(dtype, [1e-10])[0];
    const [v, g] = valueAndGrad([0, tiny, 1], dtype, wg.log1p);
    expectClose(v, [0, tiny - (tiny * tiny) / 2, Math.LN2], { rtol: tol.rtol, atol: 0 });
    expectClose(g, [1, 1 / (1 + tiny), 0.5], tol);
    expectClose(wg.log1p(wg.tensor([-1, -2], { dtype })).toArray(), [-Infinity, NaN]);
  });
  it('expm1 is accurate for tiny x, -1 at -Infinity, with gradient e^x', () => {
    const tiny = inDtype(dtype, [1e-10])[0];
    const [v, g] = valueAndGrad([0, tiny, 1], dtype, wg.expm1);
    expectClose(v, [0, tiny + (tiny * tiny) / 2, Math.E - 1], { rtol: tol.rtol, atol: 0 });
    expectClose(g, [1, 1 + tiny, Math.E], tol);
    expectClose(wg.expm1(wg.tensor([-Infinity], { dtype })).toArray(), [-1]);
  });
});

forEachConfig('tan', ({ dtype, tol }) => {
  it('tan gives the tangent in radians with gradient 1 + tan²', () => {
    const [v, g] = valueAndGrad([0, Math.PI / 4, -1, 1.2], dtype, wg.tan);
    expectClose(v, [0, 1, -1.5574077246549023, 2.5721516221263188], tol);
    expectClose(g, [1, 2, 3.42551882081476, 7.615963967207053], tol);
  });
  it('tan keeps -0 and gives NaN at ±Infinity and NaN', () => {
    const v = wg.tan(wg.tensor([-0, Infinity, -Infinity, NaN], { dtype })).toArray() as number[];
    expect(Object.is(v[0], -0)).toBe(true);
    expectClose(v.slice(1), [NaN, NaN, NaN]);
  });
  it('tan next to the pole π/2 and of a large argument is the tangent of the input as stored', () => {
    // the input nearest π/2 in the dtype, and 1e6 (range reduction over many periods)
    const xs = inDtype(dtype, [Math.PI / 2, 1e6]);
    const want = inDtype(dtype, xs.map(Math.tan));
    expectClose(wg.tan(wg.tensor(xs, { dtype })).toArray(), want, { rtol: dtype === 'float32' ? 2e-7 : 1e-15, atol: 0 });
  });
});

forEachConfig('activations', ({ dtype, tol }) => {
  it('logSigmoid is finite far out on both sides, with gradient sigmoid(-x)', () => {
    const [v, g] = valueAndGrad([0, -100, 100, 2], dtype, wg.logSigmoid);
    // e^-100 is subnormal in float32: there it is only compared absolutely
    const atol = dtype === 'float32' ? 1e-40 : 0;
    expectClose(v, [-Math.LN2, -100, -3.720075976020836e-44, -0.1269280110429725], { rtol: tol.rtol, atol });
    expectClose(g, [0.5, 1, 3.720075976020836e-44, 0.11920292202211755], { rtol: tol.rtol, atol });
  });
  it('leakyRelu scales x <= 0 by the slope, gradient slope at 0 (PyTorch)', () => {
    const [v, g] = valueAndGrad([-2, 0, 3], dtype, (x) => wg.leakyRelu(x, 0.1));
    expectClose(v, [-0.2, 0, 3], tol);
    expectClose(g, inDtype(dtype, [0.1, 0.1, 1]), tol);
    expectClose(wg.tensor([-2, NaN], { dtype }).leakyRelu().toArray(), [-0.02, NaN], tol);
  });
  it('elu gives alpha(e^x - 1) below 0, gradient alpha e^x (alpha at 0, as PyTorch)', () => {
    const [v, g] = valueAndGrad([-1, 0, 2, -Infinity], dtype, (x) => wg.elu(x, 0.5));
    expectClose(v, [-0.31606027941427883, 0, 2, -0.5], tol);
    expectClose(g, [0.18393972058572117, 0.5, 1, 0], tol);
  });
  it('softplus is log(1 + e^x), x itself above the threshold, gradient sigmoid(x)', () => {
    const [v, g] = valueAndGrad([0, 1, 30, -30], dtype, wg.softplus);
    expectClose(v, [Math.LN2, 1.3132616875182228, 30, 9.357622968840175e-14], { rtol: tol.rtol, atol: 0 });
    expectClose(g, [0.5, 0.7310585786300049, 1, 9.357622968839299e-14], { rtol: tol.rtol, atol: 0 });
  });
  it('softplus with beta and threshold switches to x only where beta·x > threshold', () => {
    const [v, g] = valueAndGrad([1, 3, 2.5], dtype, (x) => x.softplus(2, 5));
    expectClose(v, [1.0634640055214863, 3, 2.503357674244559], tol);
    expectClose(g, [0.8807970779778823, 1, 0.9933071490757153], tol);
  });
  it('hardtanh clamps, keeps NaN, gradient 1 strictly inside and 0 at the bounds', () => {
    const [v, g] = valueAndGrad([-2, -1, 0.5, 1, 3, Infinity, NaN], dtype, wg.hardtanh);
    expectClose(v, [-1, -1, 0.5, 1, 1, 1, NaN], tol);
    expectClose(g, [0, 0, 1, 0, 0, 0, 0], tol);
    expectClose(wg.hardtanh(wg.tensor([-1, 0, 2.5], { dtype }), -0.5, 2).toArray(), [-0.5, 0, 2], tol);
  });
  it('hardswish is x·min(max(x + 3, 0), 6)/6, gradient 0 at and below -3 and 1 at and above 3 (PyTorch)', () => {
    const [v, g] = valueAndGrad([-4, -3, -2, -1.5, 0, 1, 2.5, 3, 5], dtype, wg.hardswish);
    expectClose(v, [0, 0, -1 / 3, -0.375, 0, 2 / 3, 2.2916666666666665, 3, 5], tol);
    expectClose(g, [0, 0, -1 / 6, 0, 0.5, 5 / 6, 4 / 3, 1, 1], tol);
  });
  it('hardswish keeps +Infinity and NaN; -Infinity gives NaN (-∞ · 0, as PyTorch\'s formula)', () => {
    expectClose(wg.tensor([Infinity, NaN, -Infinity], { dtype }).hardswish().toArray(), [Infinity, NaN, NaN]);
  });
  it('gelu (exact) is x Φ(x) with gradient Φ(x) + x φ(x)', () => {
    const [v, g] = valueAndGrad([-1, 0, 1, 2], dtype, wg.gelu);
    expectClose(v, [-0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416], tol);
    expectClose(g, [-0.0833154705876863, 0.5, 1.0833154705876864, 1.085231801078197], tol);
  });
  it("gelu with approximate 'tanh' uses the tanh formula", () => {
    const [v, g] = valueAndGrad([-1, 1, 2], dtype, (x) => x.gelu('tanh'));
    expectClose(v, [-0.1588080093917233, 0.8411919906082767, 1.954597694087775], tol);
    expectClose(g, [-0.08296408384578255, 1.0829640838457826, 1.0860992566236183], tol);
  });
  it('the activations of a plain number are 0-d tensors', () => {
    expectClose(wg.gelu(1).toArray(), 0.8413447460685429, { rtol: 2e-5 });
    expectClose(wg.softplus(0).toArray(), Math.LN2, { rtol: 2e-5 });
  });
});

forEachConfig('memory', ({ dtype }) => {
  it('a recorded op or composite frees everything it made once backward ran inside tidy', () => {
    const x = wg.tensor([-2, -0.5, 0.5, 3], { dtype, requiresGrad: true });
    const ops: ((t: Tensor) => Tensor)[] = [wg.sign, wg.round, wg.rsqrt, wg.log1p, wg.logSigmoid, (t) => wg.leakyRelu(t),
      (t) => wg.elu(t), (t) => wg.softplus(t, 2, 3), (t) => wg.hardtanh(t), wg.hardswish, wg.tan, (t) => wg.gelu(t), (t) => wg.gelu(t, 'tanh')];
    const before = wg.memory();
    for (const f of ops) {
      wg.tidy(() => { f(x).sum().backward(); });
      x.zeroGrad();
      expect(wg.memory()).toEqual(before);
    }
    x.dispose();
  });
});

describe('bad arguments', () => {
  beforeAll(async () => { await wg.init(); });
  it.each(['wasm', 'js'] as const)('a bad activation parameter is an error naming the op and the value [%s]', (backend) => {
    wg.setBackend(backend);
    const x = wg.tensor([1, -1]);
    expectRejects(() => wg.leakyRelu(x, 'big' as unknown as number), 'leakyRelu', 'negativeSlope', 'big');
    expectRejects(() => x.leakyRelu(NaN), 'leakyRelu', 'NaN');
    expectRejects(() => wg.elu(x, Infinity), 'elu', 'alpha', 'Infinity');
    expectRejects(() => wg.softplus(x, 0), 'softplus', 'beta', '0');
    expectRejects(() => wg.softplus(x, 1, NaN), 'softplus', 'threshold', 'NaN');
    expectRejects(() => wg.hardtanh(x, 2, 1), 'hardtanh', 'minVal (2)', 'maxVal (1)');
    expectRejects(() => wg.gelu(x, 'fast' as 'tanh'), 'gelu', "'none' or 'tanh'", 'fast');
    x.dispose();
  });
  it('a disposed input is an error naming the op', () => {
    const x = wg.tensor([1]);
    x.dispose();
    expectRejects(() => wg.softplus(x), 'softplus');
    expectRejects(() => wg.rsqrt(x), 'rsqrt');
  });
  it('bad module arguments are errors naming the module and the value', () => {
    expectRejects(() => new wg.nn.LeakyReLU(Number.NaN), 'LeakyReLU', 'NaN');
    expectRejects(() => new wg.nn.GELU('erf' as 'none'), 'GELU', 'erf');
    expectRejects(() => new wg.nn.Softplus(0), 'Softplus', 'beta');
    expectRejects(() => new wg.nn.Softmax(0.5), 'Softmax', 'dim', '0.5');
    expectRejects(() => new wg.nn.Flatten(1.5), 'Flatten', 'startDim', '1.5');
    const x = wg.zeros([2, 3]);
    expectRejects(() => new wg.nn.Flatten(2).forward(x), 'Flatten', 'startDim 2', '[2,3]');
    expectRejects(() => new wg.nn.Flatten(1, 0).forward(x), 'Flatten', 'startDim 1', 'endDim 0');
    x.dispose();
  });
});

forEachConfig('activation modules', ({ dtype, tol }) => {
  it('GELU SiLU Hardswish LeakyReLU ELU Softplus compute their functions with PyTorch defaults', () => {
    const x = wg.tensor([-1, 1], { dtype });
    expectClose(new wg.nn.GELU().forward(x).toArray(), [-0.15865525393145707, 0.8413447460685429], tol);
    expectClose(new wg.nn.GELU('tanh').forward(x).toArray(), [-0.1588080093917233, 0.8411919906082767], tol);
    expectClose(new wg.nn.SiLU().forward(x).toArray(), [-0.2689414213699951, 0.7310585786300049], tol);
    expectClose(new wg.nn.Hardswish().forward(x).toArray(), [-1 / 3, 2 / 3], tol);
    expectClose(new wg.nn.LeakyReLU().forward(x).toArray(), [-0.01, 1], tol);
    expectClose(new wg.nn.LeakyReLU(0.2).forward(x).toArray(), [-0.2, 1], tol);
    expectClose(new wg.nn.ELU().forward(x).toArray(), [-0.6321205588285577, 1], tol);
    expectClose(new wg.nn.Softplus().forward(x).toArray(), [0.31326168751822286, 1.3132616875182228], tol);
    expectClose(new wg.nn.Softplus(2, 1).forward(x).toArray(), [0.0634640055214863, 1], tol);
  });
  it('Softmax and LogSoftmax normalise along their dim', () => {
    const x = wg.tensor([[0, 0], [0, Math.log(3)]], { dtype });
    expectClose(new wg.nn.Softmax(1).forward(x).toArray(), [[0.5, 0.5], [0.25, 0.75]], tol);
    expectClose(new wg.nn.Softmax(0).forward(x).toArray(), [[0.5, 0.25], [0.5, 0.75]], tol);
    expectClose(new wg.nn.LogSoftmax(-1).forward(x).toArray(), [[-Math.LN2, -Math.LN2], [Math.log(0.25), Math.log(0.75)]], tol);
  });
  it('Identity returns its input itself and Flatten merges startDim..endDim', () => {
    const x = wg.zeros([2, 3, 4, 5], { dtype });
    expect(new wg.nn.Identity(7, 'ignored').forward(x)).toBe(x);
    expect(new wg.nn.Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new wg.nn.Flatten(0).forward(x).shape).toEqual([120]);
    expect(new wg.nn.Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expect(new wg.nn.Flatten(-2).forward(x).shape).toEqual([2, 3, 20]);
    expect(new wg.nn.Flatten(0).forward(wg.tensor(3, { dtype })).toArray()).toEqual([3]);
  });
  it('the activation modules have no parameters', () => {
    for (const m of [new wg.nn.GELU(), new wg.nn.SiLU(), new wg.nn.Hardswish(), new wg.nn.LeakyReLU(), new wg.nn.ELU(), new wg.nn.Softplus(),
      new wg.nn.Softmax(1), new wg.nn.LogSoftmax(1), new wg.nn.Identity(), new wg.nn.Flatten()]) {
      expect(m.parameters()).toEqual([]);
    }
  });
});

// ---- erf accuracy ----------------------------------------------------------------------------
// References: erf to 40 digits (mpmath), rounded to float64. Bounds asserted (measured maxima
// in brackets): float64 relative 1.5e-15 [1.1e-15, ~5 ulp, from the series' rounding near
// |x| = 1.5]; float32 within 1 ulp of the float32 rounding of the reference [js 0: float64
// rounded once; wasm: its own float32 kernel, see test/erf.test.ts for the full sweep].

const ERF_REF: [number, number][] = [
  [0.0, 0.0], [1e-300, 1.1283791670955126e-300], [1e-20, 1.1283791670955125e-20],
  [1e-08, 1.1283791670955126e-08], [-1e-08, -1.1283791670955126e-08], [0.001, 0.0011283787909692365],
  [0.01, 0.011283415555849618], [0.1, 0.1124629160182849], [-0.1, -0.1124629160182849],
  [0.25, 0.27632639016823696], [0.5, 0.5204998778130465], [-0.5, -0.5204998778130465],
  [0.75, 0.7111556336535151], [0.84375, 0.7672256612323416], [1.0, 0.8427007929497149],
  [-1.0, -0.8427007929497149], [1.25, 0.9229001282564583], [1.5, 0.9661051464753108],
  [1.547, 0.9713149793729529], [1.75, 0.9866716712191824], [2.0, 0.9953222650189527],
  [-2.0, -0.9953222650189527], [2.2, 0.9981371537020182], [2.4, 0.999311486103355],
  [2.4999, 0.9995928300996666], [2.5, 0.999593047982555], [2.6, 0.9997639655834707],
  [2.75, 0.9998993780778803], [3.0, 0.9999779095030014], [-3.0, -0.9999779095030014],
  [3.5, 0.9999992569016276], [4.0, 0.9999999845827421], [-4.0, -0.9999999845827421],
  [4.5, 0.9999999998033839], [5.0, 0.9999999999984626], [5.5, 0.9999999999999927],
  [5.9, 0.9999999999999999], [5.99, 1.0], [6.0, 1.0],
  [7.0, 1.0], [10.0, 1.0], [-27.0, -1.0],
  [-2.114007, -0.9972070946273841], [-4.18981, -0.9999999968824591], [1.811214, 0.9895761776312533],
  [-5.130765, -0.9999999999996013], [0.430584, 0.45743428737815656], [-1.611733, -0.9773528212641407],
  [-5.304013, -0.9999999999999367], [0.089229, 0.10041757224203961], [-5.550052, -0.9999999999999958],
  [-0.796252, -0.7398642686318054], [-5.161735, -0.9999999999997118], [-4.911444, -0.9999999999962376],
  [-0.90577, -0.799789550348833], [3.922225, 0.9999999709160864], [-4.514376, -0.9999999998278075],
  [-3.321132, -0.9999973571797667], [1.529199, 0.9694291167693672], [5.372507, 0.9999999999999699],
  [0.925235, 0.809289407319393], [-1.239834, -0.920464923596742], [5.715061, 0.9999999999999993],
  [-5.441008, -0.9999999999999858], [4.301622, 0.9999999988234862], [-2.524689, -0.9996436307400826],
  [-4.268939, -0.9999999984318035], [-4.586493, -0.9999999999120187], [-2.298218, -0.9988466439200427],
  [3.793516, 0.9999999189797906], [-3.831283, -0.9999999398155802], [0.979202, 0.8338865980475457],
  [1.666962, 0.9815985845507778], [-1.531229, -0.9696494232539659], [0.572934, 0.5822040878235188],
  [-5.246532, -0.9999999999998826], [-5.284786, -0.9999999999999221], [-3.528495, -0.999999396349229],
  [2.1648, 0.9977976129823543], [-0.868892, -0.7808527674198974], [-2.230234, -0.9983896590731768],
  [1.026742, 0.8535074205541098], [-0.561787, -0.5730879063739825], [-2.402796, -0.9993213612567936],
  [3.532554, 0.9999994140332071], [2.387933, 0.9992673153308822], [-3.070842, -0.9999859338721433],
  [0.893085, 0.7934154631984724], [0.302358, 0.33105674879890923], [4.50165, 0.9999999998063506],
  [2.753343, 0.9999013200873613], [-2.544747, -0.9996803303999149], [5.762098, 0.9999999999999997],
  [-4.583211, -0.9999999999092686], [-0.982526, -0.8353197236271667], [3.085691, 0.9999872192789026],
  [-4.176186, -0.9999999964952617], [-0.132443, -0.1485766835267227], [-5.529513, -0.9999999999999947],
  [2.01859, 0.995692485471171], [3.17485, 0.9999928748709942], [0.876311, 0.7847622128699084],
];

describe('erf kernel accuracy', () => {
  let wasm: WasmBackend;
  beforeAll(async () => { wasm = await createWasmBackend(); });

  /** erf of xs on a backend, through the Backend.unary entry point. */
  function erfOn(backend: 'wasm' | 'js', dtype: DType, xs: number[]): number[] {
    const b = backend === 'wasm' ? wasm : jsBackend;
    const a: Storage = b.alloc(dtype, xs.length), out: Storage = b.alloc(dtype, xs.length);
    try {
      b.write(a, xs);
      b.unary(Unary.Erf, out, a);
      return Array.from(b.read(out));
    } finally {
      b.free(a);
      b.free(out);
    }
  }

  it.each(['wasm', 'js'] as const)('float64 erf is within 1.5e-15 relative of 40-digit references [%s]', (backend) => {
    const got = erfOn(backend, 'float64', ERF_REF.map(([x]) => x));
    let worst = 0;
    ERF_REF.forEach(([, want], i) => {
      const err = want === 0 ? Math.abs(got[i]) : Math.abs(got[i] - want) / Math.abs(want);
      worst = Math.max(worst, err);
    });
    expect(worst).toBeLessThan(1.5e-15);
  });
  it.each(['wasm', 'js'] as const)('float32 erf is within 1 ulp of the rounded reference [%s]', (backend) => {
    const xs = ERF_REF.map(([x]) => Math.fround(x));
    const got = erfOn(backend, 'float32', xs);
    // the reference at the float32 input: the float64 erf is 5 ulp of float64 from the truth,
    // far below a float32 ulp, so it serves as the reference here
    const want = erfOn('js', 'float64', xs).map(Math.fround);
    xs.forEach((_, i) => {
      const ulp = Math.max(Math.abs(want[i]) * 2 ** -23, 2 ** -149);
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(ulp);
    });
  });
  it.each(['wasm', 'js'] as const)('erf keeps NaN and the sign of zero, and is ±1 at ±Infinity [%s]', (backend) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const got = erfOn(backend, dtype, [NaN, -0, Infinity, -Infinity]);
      expect(got[0]).toBeNaN();
      expect(Object.is(got[1], -0)).toBe(true);
      expect(got.slice(2)).toEqual([1, -1]);
    }
  });
});
