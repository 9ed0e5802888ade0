// The API reference stays complete: TypeDoc's own validation (typedoc.json: notDocumented with
// warnings treated as errors) fails on any public symbol without a doc comment, and every public
// function and method must carry an @example. TypeDoc runs once, writing only a JSON model to a
// temporary directory (the HTML reference is `npm run docs`, into the ignored docs/).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// The project's typedoc; WASMGRAD_TYPEDOC points elsewhere where it is not installed there.
const typedoc = process.env.WASMGRAD_TYPEDOC ?? join(root, 'node_modules', '.bin', 'typedoc');

// TypeDoc's JSON model: only the fields read here.
interface Comment { summary: { text: string }[]; blockTags?: { tag: string }[] }
interface Signature { comment?: Comment }
interface Reflection {
  name: string;
  kind: number;
  flags: { isProtected?: boolean; isPrivate?: boolean };
  comment?: Comment;
  signatures?: Signature[];
  children?: Reflection[];
}
const FUNCTION = 64, METHOD = 2048; // ReflectionKind values

let dir = '';
let run: { code: number; output: string };
let project: Reflection | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasmgrad-docs-'));
  const json = join(dir, 'api.json');
  run = await new Promise((resolve) => {
    execFile(typedoc, ['--json', json, '--logLevel', 'Warn'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }));
  });
  if (existsSync(json)) project = JSON.parse(readFileSync(json, 'utf8')) as Reflection;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Public functions and methods (own or inherited) whose signatures lack an @example. */
function withoutExample(r: Reflection, path: string, out: string[]): string[] {
  const name = path ? `${path}.${r.name}` : r.name;
  if ((r.kind === FUNCTION || r.kind === METHOD) && !r.flags.isProtected && !r.flags.isPrivate) {
    for (const s of r.signatures ?? []) {
      if (!s.comment?.blockTags?.some((t) => t.tag === '@example')) out.push(name);
    }
  }
  for (const c of r.children ?? []) withoutExample(c, path === '' && r.kind === 1 ? '' : name, out);
  return out;
}

describe('API reference (TypeDoc)', () => {
  it('every public symbol has a doc comment: TypeDoc validation passes with no warnings', () => {
    expect(run.output).not.toMatch(/does not have any documentation|\[warning\]|\[error\]/);
    expect(run.code).toBe(0);
    expect(project).not.toBeNull();
  });

  it('every public function and method has an @example', () => {
    expect(project).not.toBeNull();
    expect(withoutExample(project!, '', [])).toEqual([]);
  });

  it('the reference covers the public API: top-level functions, Tensor methods, nn and optim', () => {
    const names = (project!.children ?? []).map((c) => c.name);
    for (const n of ['init', 'tensor', 'matmul', 'tidy', 'gradcheck', 'Tensor', 'WasmgradError', 'nn', 'optim']) {
      expect(names).toContain(n);
    }
    const tensor = project!.children!.find((c) => c.name === 'Tensor')!;
    expect(tensor.children!.map((c) => c.name)).toEqual(expect.arrayContaining(['backward', 'sum', 'matmul', 'shape']));
    // @internal members stay out of the reference.
    expect(tensor.children!.map((c) => c.name)).not.toContain('storage');
  });
});
