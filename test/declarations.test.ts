// The published declarations type-check in a Node-only TypeScript project: `lib: ["es2022"]` with
// @types/node and no DOM lib (so no global WebAssembly namespace), strict, skipLibCheck off. The
// public types must not reach the wasm backend's modules, whose internals name WebAssembly.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'wasmgrad-consumer-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const CONSUMER = `
import * as wg from './dts/index.js';
await wg.init();
const x: wg.Tensor = wg.tensor([1, 2, 3]).tan().pad([1, 1], 'reflect');
const stats: wg.ThreadStats | null = wg.threadStats();
const variant: wg.WasmVariant | null = wg.wasmVariant();
const opt = new wg.optim.AdamW([{ params: new wg.nn.Linear(2, 2).parameters(), weightDecay: 0 }], { lr: 1e-3 });
console.log(x.shape, stats?.threads, variant, opt.paramGroups.length);
`;

describe('published declarations', () => {
  it('type-check in a Node-only project (lib es2022 + @types/node, no DOM), strict, without skipLibCheck', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
    })!;
    const emitted = ts.createProgram(config.fileNames, {
      ...config.options, outDir: join(outDir, 'dts'), declaration: true, emitDeclarationOnly: true, sourceMap: false, noEmit: false,
    }).emit();
    expect(emitted.emitSkipped).toBe(false);
    const file = join(outDir, 'consumer.mts');
    writeFileSync(file, CONSUMER);
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
    });
    const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([]);
  }, 60_000);
});
