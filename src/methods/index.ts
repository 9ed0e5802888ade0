// Installs the op methods on Tensor.prototype: `x.add(y)` is `add(x, y)`. tensor.ts holds a
// tensor's data and lifetime only and imports no op; this layer sits above the ops and autograd
// layers and adds the methods, as TensorFlow.js' chained ops do. Each family file declares its
// methods in an interface that merges into the Tensor class (declaration merging), so each method
// keeps its exact type and its doc comment, and installs their bodies; src/index.ts imports this
// file, so `import * as wg from 'wasmgrad'` always has them.
// A new op: its function in its family file under src/ops/, then one declaration and one line in
// the matching file here.

import './autograd.js';
import './elementwise.js';
import './reduce.js';
import './shape.js';
