import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED } from './isolated-files.js';

/** Every test file, as a path from the checkout's root. */
function testFiles(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? testFiles(join(dir, d.name)) : d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
}

describe('the files that run in a fresh module graph', () => {
  it('are the files that mock, spy or stub (the others share the modules of src/ with the files before them)', () => {
    // what changes a module or a global for the rest of a file: a file that shares its modules must not
    const changes = /\bvi\s*\.\s*(mock|doMock|spyOn|stubEnv|stubGlobal|useFakeTimers|resetModules|hoisted)\b/;
    const self = 'test/helpers/isolated-files.test.ts';
    const found = testFiles().filter((f) => f !== self && changes.test(readFileSync(f, 'utf8'))).sort();
    expect(found).toEqual([...ISOLATED].sort());
  });
});
