// The import graph of src/ keeps its layers (errors → backend → memory → tensor → autograd → ops
// → methods → nn/optim/io/viz → index) and has no cycle outside one folder. dependency-cruiser
// checks it with the rules in .dependency-cruiser.cjs. WASMGRAD_DEPCRUISE points at another
// depcruise binary where the project's node_modules does not have one yet.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const CONFIG = '.dependency-cruiser.cjs';
const depcruise = process.env.WASMGRAD_DEPCRUISE ?? join(root, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(depcruise, ['src', '--config', CONFIG, '--output-type', 'err'], { cwd, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
  });
}

describe('import layers (dependency-cruiser)', () => {
  it('depcruise is installed', () => {
    expect(existsSync(depcruise), `${depcruise} not found: run npm install (dependency-cruiser is a devDependency) or set WASMGRAD_DEPCRUISE`).toBe(true);
  });

  it('src/ has no layer violation and no cycle across folders', async () => {
    const { code, output } = await cruise(root);
    expect(output).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  }, 120_000);

  it('the layers below methods/ call no Tensor method: they type-check without it', async () => {
    // An op method (x.neg()) in ops/ or autograd/ is a hidden upward dependency that no import
    // shows: it works only once methods/ has run. Without methods/ in the program, TypeScript
    // sees no such method and reports the call.
    const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-nomethods-'));
    try {
      const below = ['ops/index.ts', 'autograd/functional.ts', 'autograd/gradcheck.ts', 'autograd/gate.ts',
        'memory/index.ts', 'alloc.ts', 'format.ts', 'runtime.ts'];
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: join(root, 'src'), typeRoots: [join(root, 'node_modules', '@types')] },
        include: [],
        files: below.map((f) => join(root, 'src', f)),
      }));
      const tsc = join(root, 'node_modules', '.bin', 'tsc');
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(tsc, ['-p', join(dir, 'tsconfig.json')], (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
      });
      expect(output).toBe('');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the rules catch an upward import and the cycle it makes', async () => {
    // A two-file src/ where tensor.ts imports the ops layer, as tensor.ts once did.
    const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-layers-'));
    try {
      const write = (path: string, text: string): void => {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      copyFileSync(join(root, CONFIG), join(dir, CONFIG));
      write('src/tensor.ts', "import { add } from './ops/index.js';\nexport class Tensor { add(b: Tensor): Tensor { return add(this, b); } }\n");
      write('src/ops/index.ts', "import { Tensor } from '../tensor.js';\nexport function add(a: Tensor, _b: Tensor): Tensor { return a instanceof Tensor ? a : a; }\n");
      const { code, output } = await cruise(dir);
      expect(code).not.toBe(0);
      expect(output).toMatch(/layer-tensor: src\/tensor\.ts → src\/ops\/index\.ts/);
      expect(output).toMatch(/no-cycle/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
