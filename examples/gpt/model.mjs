// A character-level GPT (pre-LN transformer decoder) built from wasmgrad's PyTorch-named modules.
// It takes the library as an argument so the same file runs in Node (examples/train-gpt.mjs) and in
// the browser demo (demo/gpt.html).
//
// Module tree and state-dict names (the same tree in PyTorch loads with strict=True; see README):
//   tok_emb        Embedding(vocab, E)                  tok_emb.weight
//   pos_emb        Embedding(context, E)                pos_emb.weight
//   blocks.i.ln1   LayerNorm(E)                         blocks.0.ln1.weight, .bias
//   blocks.i.attn  MultiheadAttention(E, heads, batchFirst)  .in_proj_weight, .in_proj_bias,
//                                                       .out_proj.weight, .out_proj.bias
//   blocks.i.ln2   LayerNorm(E)
//   blocks.i.mlp   Sequential(Linear(E, 4E), GELU(), Linear(4E, E))   .mlp.0.weight … .mlp.2.bias
//   ln_f           LayerNorm(E)
//   head           Linear(E, vocab, bias = false)       head.weight (tied: the same tensor as tok_emb.weight)

/** The model's hyperparameters. */
export const DEFAULT_CONFIG = { vocab: 0, context: 128, layers: 4, embed: 128, heads: 4, tied: false };

export function createGPT(wg, config) {
  const cfg = { ...DEFAULT_CONFIG, ...config };
  const { nn } = wg;

  class Block extends nn.Module {
    constructor() {
      super();
      this.ln1 = new nn.LayerNorm(cfg.embed);
      this.attn = new nn.MultiheadAttention(cfg.embed, cfg.heads, { batchFirst: true });
      this.ln2 = new nn.LayerNorm(cfg.embed);
      this.mlp = new nn.Sequential(new nn.Linear(cfg.embed, 4 * cfg.embed), new nn.GELU(), new nn.Linear(4 * cfg.embed, cfg.embed));
    }

    /** x [B, T, E] → [B, T, E]; mask: the causal mask for T (see GPT.causalMask). */
    forward(x, mask) {
      const h = this.ln1.forward(x);
      const [a] = this.attn.forward(h, h, h, { attnMask: mask, isCausal: true, needWeights: false });
      const x1 = x.add(a);
      return x1.add(this.mlp.forward(this.ln2.forward(x1)));
    }
  }

  class GPT extends nn.Module {
    constructor() {
      super();
      this.config = cfg;
      this.tok_emb = new nn.Embedding(cfg.vocab, cfg.embed);
      this.pos_emb = new nn.Embedding(cfg.context, cfg.embed);
      this.blocks = new nn.ModuleList(Array.from({ length: cfg.layers }, () => new Block()));
      this.ln_f = new nn.LayerNorm(cfg.embed);
      this.head = new nn.Linear(cfg.embed, cfg.vocab, { bias: false });
      // GPT-2's initialisation: N(0, 0.02) for embeddings and linear weights, the residual
      // projections scaled by 1/sqrt(2·layers); zero biases (LayerNorm keeps ones/zeros).
      wg.noGrad(() => {
        const std = 0.02;
        for (const [name, p] of this.namedParameters()) {
          if (name.endsWith('bias') || name.includes('ln')) continue;
          const s = name.endsWith('out_proj.weight') || name.endsWith('mlp.2.weight') ? std / Math.sqrt(2 * cfg.layers) : std;
          p.copy_(wg.randn(p.shape, { dtype: p.dtype }).mul(s));
        }
      });
      if (cfg.tied) this.head.weight = this.tok_emb.weight;
      this.masks = new Map();
    }

    /**
     * The causal mask for length T, made once per length, in nn.MultiheadAttention's convention
     * (as PyTorch's: nonzero = masked out, so the strict upper triangle); with isCausal the
     * attention runs its causal kernel and never reads it.
     */
    causalMask(T) {
      let m = this.masks.get(T);
      if (!m) {
        m = wg.keep(wg.triu(wg.ones([T, T], { dtype: 'int32' }), 1));
        this.masks.set(T, m);
      }
      return m;
    }

    /** idx: int32 [B, T] token ids → logits [B, T, vocab]. */
    forward(idx) {
      const [, T] = idx.shape;
      if (T > cfg.context) throw new Error(`GPT: sequence length ${T} exceeds the context ${cfg.context}`);
      const pos = wg.arange(T, { dtype: 'int32' });
      let x = this.tok_emb.forward(idx).add(this.pos_emb.forward(pos));
      const mask = this.causalMask(T);
      for (const block of this.blocks) x = block.forward(x, mask);
      return this.head.forward(this.ln_f.forward(x));
    }
  }

  return new GPT();
}

/** Number of scalar parameters (a tied embedding counted once). */
export function countParameters(model) {
  const seen = new Set();
  let n = 0;
  for (const p of model.parameters()) {
    if (seen.has(p)) continue;
    seen.add(p);
    n += p.size;
  }
  return n;
}
