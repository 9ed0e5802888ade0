// A chain of 1000 tiny scalar ops (mul, add, tanh), forward + backward: per-op overhead.

const CHAIN = 1000;

export default {
  name: 'tiny',
  order: 60,
  title: 'Chain of tiny scalar ops, forward + backward (µs per op, lower is better)',
  relaxed: true,

  async run(ctx) {
    const { wg, tf } = ctx;
    const r = ctx.row(`tiny-chain-${CHAIN}`, `${CHAIN} scalar ops (mul, add, tanh) fwd+bwd`, 'µs/op', 'lower', { relaxed: true });
    const toM = (ms) => (ms * 1000) / CHAIN;
    const grads = {};
    // y ← tanh(1.01·y + 0.001) repeated: the gradient stays well inside float32's normal range.
    // (The loop is written out in each library's closure so its call sites stay monomorphic.)
    const wgS = (impl) => () => {
      const x = wg.tensor(0.5, { requiresGrad: true });
      const fn = () => {
        wg.tidy(() => {
          let y = x;
          for (let i = 0; i < CHAIN; i++) {
            const k = i % 3;
            y = k === 0 ? y.mul(1.01) : k === 1 ? y.add(0.001) : y.tanh();
          }
          y.backward();
        });
        const g = x.grad.item();
        x.zeroGrad();
        return g;
      };
      grads[impl] = fn();
      return { fn, cleanup: () => x.dispose() };
    };
    const tfS = (impl) => () => {
      const x = tf.scalar(0.5);
      const g = tf.grad((t) => {
        let y = t;
        for (let i = 0; i < CHAIN; i++) {
          const k = i % 3;
          y = k === 0 ? y.mul(1.01) : k === 1 ? y.add(0.001) : y.tanh();
        }
        return y;
      });
      const fn = () => tf.tidy(() => g(x).dataSync()[0]);
      grads[impl] = fn();
      return { fn, cleanup: () => x.dispose() };
    };
    await ctx.cell(r, 'wasm1', wgS('wasm1'), toM);
    await ctx.cell(r, 'wasm', wgS('wasm'), toM);
    await ctx.cell(r, 'js', wgS('js'), toM);
    await ctx.cell(r, 'tfwasm', tfS('tfwasm'), toM);
    await ctx.cell(r, 'tfcpu', tfS('tfcpu'), toM);
    // Reference in float64 JS.
    let y = 0.5, d = 1;
    for (let i = 0; i < CHAIN; i++) {
      const k = i % 3;
      if (k === 0) { y *= 1.01; d *= 1.01; } else if (k === 1) { y += 0.001; } else { y = Math.tanh(y); d *= 1 - y * y; }
    }
    for (const impl of Object.keys(grads)) {
      const err = Math.abs(grads[impl] - d) / Math.abs(d);
      ctx.check(`tiny-op chain dy/dx, ${impl} vs float64 reference`, err < 1e-3, `${grads[impl]} vs ${d} (rel diff ${err.toExponential(2)})`);
    }
    r.grads = grads;
    return [r];
  },

  notes: () => [
    `${CHAIN} ops on a 0-d float32 tensor: y ← tanh(1.01·y + 0.001) repeated (mul, add, tanh),`,
    'then backward; µs per op = (forward + backward time) / 1000. wasmgrad: inside `wg.tidy`,',
    '`y.backward()`, `x.grad.item()`, `x.zeroGrad()`. TF.js: `tf.grad(f)(x)` in `tf.tidy`,',
    'read back with `dataSync()`. The speed-up column is tfjs time / wasmgrad time.',
  ],
};
