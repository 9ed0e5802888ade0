// A micrograd-style 2-D classifier: two interleaving half-moons, an MLP 2-16-16-1 trained with
// nn and optim on a hinge loss (as micrograd's demo does), printed as an ASCII decision map.
//
//   node examples/moons.mjs

import * as wg from 'wasmgrad';

await wg.init();
wg.manualSeed(7);

/** Two half-moons with Gaussian noise, labels ±1 (sklearn's make_moons, written out). */
function moons(n, noise) {
  const noiseT = wg.randn([n, 2], { dtype: 'float64' }).data();
  const xs = [], ys = [];
  for (let i = 0; i < n; i++) {
    const upper = i < n / 2;
    const t = Math.PI * ((upper ? i : i - n / 2) / (n / 2));
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    xs.push([x + noise * noiseT[2 * i], y + noise * noiseT[2 * i + 1]]);
    ys.push(upper ? 1 : -1);
  }
  return { xs, ys };
}

const { xs, ys } = moons(200, 0.1);
const X = wg.tensor(xs, { dtype: 'float64' });
const Y = wg.tensor(ys, { dtype: 'float64', shape: [200, 1] });

const model = new wg.nn.MLP([2, 16, 16, 1], { activation: 'relu', dtype: 'float64' });
const opt = new wg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });

for (let step = 0; step <= 300; step++) {
  const [loss, acc] = wg.tidy(() => {
    const scores = model.forward(X);
    // SVM max-margin loss: mean(relu(1 - y·score)).
    const loss = wg.relu(wg.sub(1, Y.mul(scores))).mean();
    opt.zeroGrad();
    loss.backward();
    opt.step();
    const s = scores.data();
    let correct = 0;
    for (let i = 0; i < ys.length; i++) if ((s[i] > 0 ? 1 : -1) === ys[i]) correct++;
    return [loss.item(), correct / ys.length];
  });
  if (step % 50 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}  accuracy ${(acc * 100).toFixed(1)}%`);
}

// The decision boundary as characters: '#' where the model says the upper moon, '.' elsewhere,
// and the training points as 'o' (upper) and 'x' (lower).
const W = 60, H = 24, x0 = -1.5, x1 = 2.5, y0 = -1, y1 = 1.5;
const grid = [];
for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) grid.push([x0 + (c + 0.5) * (x1 - x0) / W, y1 - (r + 0.5) * (y1 - y0) / H]);
const scores = wg.noGrad(() => wg.tidy(() => model.forward(wg.tensor(grid, { dtype: 'float64' })).data()));
const rows = Array.from({ length: H }, (_, r) => Array.from({ length: W }, (_, c) => (scores[r * W + c] > 0 ? '#' : '.')));
xs.forEach(([x, y], i) => {
  const c = Math.floor((x - x0) / (x1 - x0) * W), r = Math.floor((y1 - y) / (y1 - y0) * H);
  if (r >= 0 && r < H && c >= 0 && c < W) rows[r][c] = ys[i] > 0 ? 'o' : 'x';
});
console.log(rows.map((r) => r.join('')).join('\n'));
