// `using t = …` (explicit resource management): Node 20 cannot parse it, TypeScript compiles it
// down to plain JavaScript that calls t[Symbol.dispose]() — the README says exactly this.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import * as wg from '../src/index.js';

const SOURCE = `
{
  using t = wg.randn([10]);
  inside = [wg.memory().tensors - before, t.isDisposed];
}
after = wg.memory().tensors - before;
`;

function nodeParsesUsing(): boolean {
  try {
    new Function('let x; { using t = null; }');
    return true;
  } catch {
    return false;
  }
}

describe.each(['wasm', 'js'] as const)('using declarations (%s)', (backend) => {
  it('TypeScript-compiled `using` frees the tensor at the end of the block', async () => {
    await wg.init({ backend });
    const js = ts.transpileModule(SOURCE, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    expect(js).not.toMatch(/\busing t\b/);
    const run = new Function('wg', 'before', `let inside, after;\n${js}\nreturn { inside, after };`);
    const { inside, after } = run(wg, wg.memory().tensors) as { inside: [number, boolean]; after: number };
    expect(inside).toEqual([1, false]);
    expect(after).toBe(0);
  });

  const major = Number(process.versions.node.split('.')[0]);
  it.runIf(major <= 22)('Node 20/22 reject `using` in plain JavaScript, as the README says', () => {
    expect(nodeParsesUsing()).toBe(false);
  });
});
