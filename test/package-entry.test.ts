// The package entry points as a user reaches them by name (Node's self-reference resolves
// 'wasmgrad' through package.json "exports" to the built dist/): ES import, and CommonJS require on
// the Node versions that load ES modules from require (20.19+, 22.12+).

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 }).trim();
}

describe('package entry', () => {
  it("import from 'wasmgrad' resolves to the built module and computes", () => {
    const out = run(['--input-type=module', '-e',
      "import * as wg from 'wasmgrad'; await wg.init(); console.log(JSON.stringify(wg.tensor([[1, 2]]).matmul(wg.tensor([[3], [4]])).toArray()));"]);
    expect(out).toBe('[[11]]');
  });

  it.runIf(requireEsm)("require('wasmgrad') from CommonJS loads the same module (Node 20.19+ / 22.12+)", () => {
    const out = run(['-e',
      "const wg = require('wasmgrad'); wg.init().then(() => console.log(JSON.stringify(wg.tensor([1, 2]).add(1).toArray())));"]);
    expect(out).toBe('[2,3]');
  });
});
