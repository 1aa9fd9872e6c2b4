import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Compiles the sources that `entries` (paths under src/, .ts) reach through relative imports
 * into `outDir` as JavaScript, laid out as src/ is (as `tsc -p tsconfig.build.json` lays out
 * dist/), so that a module found by URL next to its importer (a worker thread's file) is there.
 * TypeScript's transpiler without the type check: a few hundred ms for an engine, where a
 * type-checked build of the whole tree takes ten seconds of CPU. Returns the files written.
 */
export function transpileSources(entries: string[], outDir: string, srcDir = resolve('src')): string[] {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false };
  const seen = new Set<string>();
  const todo = entries.map((e) => resolve(srcDir, e));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const js = ts.transpileModule(text, { compilerOptions: options, fileName: file }).outputText;
    const out = join(outDir, relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
    // every relative module the emitted code loads: static imports, re-exports, import(), new URL(…)
    for (const m of js.matchAll(/(?:from\s*|import\s*\(\s*|import\s+|new URL\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) todo.push(resolve(dirname(file), `${m[1]}.ts`));
  }
  return [...seen];
}
