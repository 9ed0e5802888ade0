// The import graph of src/ keeps its layers (errors → backend → memory → tensor → autograd → ops
// → methods → nn/optim/io/viz → index) and has no cycle outside one folder. dependency-cruiser
// checks it with the rules in .dependency-cruiser.cjs. WASMGRAD_DEPCRUISE points at another
// depcruise binary where the project's node_modules does not have one yet.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
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

/** The text without its module augmentations (`declare module '…' { … }`) and `export default`. */
function stripMethods(text: string, path: string): { text: string; stripped: number } {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const cuts = sf.statements.filter((s) => (ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name)) || ts.isExportAssignment(s));
  let out = text;
  for (const s of [...cuts].reverse()) out = out.slice(0, s.getFullStart()) + out.slice(s.getEnd());
  return { text: out, stripped: cuts.length };
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

  it('the layers below methods/ call no Tensor method: they type-check without the method declarations', async () => {
    // An op method (x.neg()) in ops/ or autograd/ is a hidden upward dependency that no import
    // shows: it works only once methods/ has installed the methods. The op family files declare
    // their methods (a `declare module '../tensor.js'` block) and default-export the bodies, so
    // this type-checks a copy of src/ with those two statements cut from every ops file: there
    // TypeScript sees no method, and reports any call. A probe file that does call one shows
    // that the check sees it.
    const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-nomethods-'));
    try {
      cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
      // package.json (an ES module package) and node_modules, for module resolution as in the repo
      copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      let cut = 0;
      for (const f of readdirSync(join(dir, 'src', 'ops')).filter((n) => n.endsWith('.ts'))) {
        const path = join(dir, 'src', 'ops', f);
        const { text, stripped } = stripMethods(readFileSync(path, 'utf8'), path);
        writeFileSync(path, text);
        cut += stripped;
      }
      expect(cut, 'method declarations and records cut from src/ops').toBeGreaterThan(20);
      writeFileSync(join(dir, 'src', 'ops', 'probe.ts'),
        "import type { Tensor } from '../tensor.js';\nexport const probe = (x: Tensor): Tensor => x.neg();\n");
      const below = ['ops/index.ts', 'ops/inplace.ts', 'ops/probe.ts', 'autograd/functional.ts', 'autograd/gradcheck.ts',
        'autograd/gate.ts', 'memory/index.ts', 'alloc.ts', 'format.ts', 'runtime.ts'];
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: join(dir, 'src'), typeRoots: [join(root, 'node_modules', '@types')] },
        include: [],
        files: below.map((f) => join(dir, 'src', f)),
      }));
      const tsc = join(root, 'node_modules', '.bin', 'tsc');
      const { output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(tsc, ['-p', join(dir, 'tsconfig.json')], (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
      });
      const errors = output.split('\n').filter((l) => /error TS/.test(l));
      expect(errors, output).toHaveLength(1);
      expect(errors[0]).toMatch(/src\/ops\/probe\.ts.*Property 'neg' does not exist on type 'Tensor'/);
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
