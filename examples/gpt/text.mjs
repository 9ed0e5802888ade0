// Character vocabulary, encoding, batches and sampling for the GPT example (no Node APIs, so the
// browser demo imports it too).

/** A character tokenizer over the distinct characters of `text` (sorted by code point). */
export class CharTokenizer {
  constructor(chars) {
    this.chars = [...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
  }

  static fromText(text) { return new CharTokenizer([...new Set(text)].sort()); }

  get size() { return this.chars.length; }

  encode(text) {
    const out = new Int32Array([...text].length);
    let i = 0;
    for (const c of text) {
      const id = this.index.get(c);
      if (id === undefined) throw new Error(`CharTokenizer: character ${JSON.stringify(c)} is not in the vocabulary`);
      out[i++] = id;
    }
    return out;
  }

  decode(ids) { return Array.from(ids, (i) => this.chars[i]).join(''); }
}

/** A small seeded generator (mulberry32). */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A batch of `batch` random windows of `context + 1` tokens from `data`: x = the first
 * `context`, y = the next-token targets (shifted by one), both int32 [batch · context].
 */
export function randomBatch(data, batch, context, rand) {
  const x = new Int32Array(batch * context);
  const y = new Int32Array(batch * context);
  for (let b = 0; b < batch; b++) {
    const start = Math.floor(rand() * (data.length - context - 1));
    x.set(data.subarray(start, start + context), b * context);
    y.set(data.subarray(start + 1, start + context + 1), b * context);
  }
  return { x, y };
}

/**
 * Samples `count` characters after `prompt` (ids) with temperature and top-k: each step feeds the
 * last `context` tokens, takes the last position's logits / temperature, keeps the k largest and
 * draws from their softmax. Runs under noGrad; frees everything it makes.
 */
export function sample(wg, model, promptIds, count, { temperature = 0.8, topK = 20, rand = Math.random } = {}) {
  const context = model.config.context;
  const ids = Array.from(promptIds);
  const wasTraining = model.training;
  model.eval();
  wg.noGrad(() => {
    for (let n = 0; n < count; n++) {
      const window = ids.slice(-context);
      const logits = wg.tidy(() => {
        const out = model.forward(wg.tensor(Int32Array.from(window), { shape: [1, window.length], dtype: 'int32' }));
        return out.select(1, window.length - 1).reshape([-1]).data();
      });
      ids.push(drawTopK(logits, temperature, topK, rand));
    }
  });
  model.train(wasTraining);
  return ids.slice(promptIds.length);
}

function drawTopK(logits, temperature, topK, rand) {
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]).slice(0, Math.max(1, topK));
  if (temperature <= 0) return order[0];
  const top = logits[order[0]];
  const w = order.map((i) => Math.exp((logits[i] - top) / temperature));
  const total = w.reduce((s, v) => s + v, 0);
  let r = rand() * total;
  for (let j = 0; j < order.length; j++) {
    r -= w[j];
    if (r <= 0) return order[j];
  }
  return order[order.length - 1];
}
