// Installs the Tensor methods on Tensor.prototype: `x.add(y)` is `add(x, y)`. tensor.ts holds a
// tensor's data and lifetime only and imports no op; this layer sits above the ops and autograd
// layers and adds the methods, as TensorFlow.js' chained ops do. src/index.ts imports this file,
// so `import * as wg from 'wasmgrad'` always has them.
//
// Each op family file under src/ops/ declares its methods beside its ops, in a
// `declare module '../tensor.js' { interface Tensor { … } }` block (declaration merging, so each
// method keeps its exact type and doc comment), and default-exports their bodies as one record.
// The ops never touch the prototype: this file installs the records. A new method in an existing
// family needs no edit here; a new family file with methods adds one import and one entry below.
// (The default export keeps the record out of the public API: src/ops/index.ts re-exports family
// files with `export *`, which never re-exports a default.)

import './autograd.js';
// The published .d.ts keeps only side-effect imports, so a family file that src/ops/index.ts does
// not re-export is imported for its effect too: that brings its method declarations into the
// package's types (test/methods.test.ts checks the emitted declarations).
import '../ops/inplace.js';
import binary from '../ops/binary.js';
import unary from '../ops/unary.js';
import activation from '../ops/activation.js';
import select from '../ops/select.js';
import reduce from '../ops/reduce.js';
import statistics from '../ops/statistics.js';
import scan from '../ops/scan.js';
import matmul from '../ops/matmul.js';
import softmax from '../ops/softmax.js';
import loss from '../ops/loss.js';
import lossPointwise from '../ops/loss_pointwise.js';
import shape from '../ops/shape.js';
import slice from '../ops/slice.js';
import view from '../ops/view.js';
import indexing from '../ops/indexing.js';
import inplace from '../ops/inplace.js';
import { installMethods } from './install.js';

for (const family of [binary, unary, activation, select, reduce, statistics, scan, matmul, softmax, loss,
  lossPointwise, shape, slice, view, indexing, inplace]) {
  installMethods(family);
}
