// The layers of src/ and the rules that keep its import graph acyclic (see ARCHITECTURE.md,
// "An acyclic import graph"). Checked by test/layers.test.ts on every `npm test`.
//
// Data flows down: a layer may import the layers below it, never one above. Type-only imports
// are not dependencies here (they vanish from the compiled JavaScript: tsPreCompilationDeps is
// false), so tensor.ts may name the tape's record type. Inside one folder (ops/, nn/, ...)
// modules may call each other, cycles included: an op's backward rule is written with other
// ops, which is mutual recursion between families, not a layering problem.

/** Lowest first. Each entry: a name and the paths (regular expressions) it owns. */
const LAYERS = [
  { name: 'errors', paths: ['^src/errors\\.ts$'] },
  // The backend interface and both backends, and runtime.ts, which picks one and loads wasm.
  { name: 'backend', paths: ['^src/backend/', '^src/runtime\\.ts$'] },
  { name: 'memory', paths: ['^src/memory/'] },
  // Tensor: data and lifetime; allocation of tensors; printing.
  { name: 'tensor', paths: ['^src/tensor\\.ts$', '^src/alloc\\.ts$', '^src/format\\.ts$'] },
  // The tape, backward(), noGrad, grad/valueAndGrad, gradcheck, defineGate.
  { name: 'autograd', paths: ['^src/autograd/'] },
  { name: 'ops', paths: ['^src/ops/'] },
  // Installs the op methods on Tensor.prototype (declaration merging keeps their types).
  { name: 'methods', paths: ['^src/methods/'] },
  // Built on the whole op set (and on tensor methods).
  { name: 'library', paths: ['^src/nn/', '^src/optim/', '^src/io/', '^src/viz/'] },
  { name: 'index', paths: ['^src/index\\.ts$'] },
];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `the ${layer.name} layer imports only layers below it, never ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}`,
  severity: 'error',
  from: { path: layer.paths },
  to: { path: LAYERS.slice(i + 1).flatMap((l) => l.paths) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycle-across-folders',
      comment: 'a cycle is allowed only among the modules of one folder (e.g. the op families in src/ops/)',
      severity: 'error',
      from: { path: '^(src/[^/]+/)' },
      to: { circular: true, via: { pathNot: '^$1' } },
    },
    {
      name: 'no-cycle-top-level',
      comment: 'a top-level module of src/ is never part of a cycle',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'layer-unknown',
      comment: 'every module of src/ belongs to a layer: add a new file or folder to LAYERS',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.flatMap((l) => l.paths) },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    // Type-only imports are not runtime dependencies: analyse the compiled JavaScript.
    tsPreCompilationDeps: false,
  },
};
