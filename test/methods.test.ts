// The Tensor methods: each op family file under src/ops/ declares its methods (declaration
// merging) and default-exports their bodies, which src/methods/ installs. These tests hold the
// published declarations (the emitted .d.ts) and the installed bodies to each other, and the
// bodies to class-method semantics.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

const root = join(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'wasmgrad-dts-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Emits the declarations of src/ into outDir, as `npm run build:ts` does into dist/. */
function emitDeclarations(): void {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
  })!;
  const options = { ...config.options, outDir, declaration: true, emitDeclarationOnly: true, sourceMap: false, noEmit: false };
  const result = ts.createProgram(config.fileNames, options).emit();
  if (result.emitSkipped) throw new Error('declaration emit failed');
}

/** The methods the published Tensor type declares (class body and every merged interface): name → .d.ts file. */
function declaredMethods(): Map<string, string> {
  emitDeclarations();
  const entry = join(outDir, 'index.d.ts');
  const program = ts.createProgram([entry], { skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
  const tensor = exports.find((s) => s.name === 'Tensor')!;
  const type = checker.getDeclaredTypeOfSymbol(tensor.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(tensor) : tensor);
  const out = new Map<string, string>();
  for (const p of checker.getPropertiesOfType(type)) {
    const decl = p.declarations?.find((d) => ts.isMethodSignature(d) || ts.isMethodDeclaration(d));
    // symbol-named methods ([Symbol.dispose]) are class members, not installed ones
    if (decl && !p.name.startsWith('__@')) out.set(p.name, decl.getSourceFile().fileName.slice(outDir.length + 1));
  }
  return out;
}

let declared: Map<string, string>;
beforeAll(() => { declared = declaredMethods(); }, 120_000);
const proto = wg.Tensor.prototype as unknown as Record<string, unknown>;
const installed = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor'
  && typeof Object.getOwnPropertyDescriptor(proto, n)!.value === 'function');

describe('Tensor methods', () => {
  it('the op families declare their methods beside their ops (a check of the reader itself)', () => {
    expect(declared.get('sin')).toBe('ops/unary.d.ts');
    expect(declared.get('sum')).toBe('ops/reduce.d.ts');
    expect(declared.get('add_')).toBe('ops/inplace.d.ts');
    expect(declared.get('backward')).toBe('methods/autograd.d.ts');
    expect(declared.size).toBeGreaterThan(90);
  });

  it('every method the published types declare is installed on Tensor.prototype', () => {
    expect([...declared.keys()].filter((n) => typeof proto[n] !== 'function')).toEqual([]);
  });

  it('every installed method is declared in the published types', () => {
    expect(installed.filter((n) => !declared.has(n))).toEqual([]);
  });

  it('installed methods are writable, configurable and not enumerable, as class methods are', () => {
    const odd = installed.filter((n) => {
      const d = Object.getOwnPropertyDescriptor(proto, n)!;
      return d.enumerable || !d.writable || !d.configurable;
    });
    expect(odd).toEqual([]);
    expect(Object.keys(proto)).toEqual([]);
  });

  it("the method records (each family file's default export) are not public", () => {
    expect('default' in wg).toBe(false);
    expect('default' in wg.F).toBe(false);
  });

  it('a method is its free function with this tensor first', async () => {
    await wg.init();
    const x = wg.tensor([0.25, -0.5, 1], { dtype: 'float64' });
    expect(x.sin().toArray()).toEqual(wg.sin(x).toArray());
    expect(x.where(wg.tensor([1, 0, 1], { dtype: 'float64' }), 7).toArray()).toEqual([0.25, 7, 1]);
    expect(x.var().toArray()).toEqual(wg.var(x).toArray());
    expect(wg.tensor([1, 2]).add_(1).toArray()).toEqual([2, 3]);
  });
});
