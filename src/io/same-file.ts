import { statSync } from 'node:fs';
import { UsageError } from '../domain/errors.js';

/** A file named by a flag; `path` undefined or `-` (stdin/stdout) is skipped. */
export interface NamedPath {
  readonly flag: string;
  readonly path: string | undefined;
}

function identity(path: string): string | undefined {
  try {
    const s = statSync(path); // follows symlinks: a link to the input is the input
    return s.isFile() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses an output that is one of the inputs (the same device and inode, so also through a
 * symlink, a hard link or another spelling of the path): writing it would replace the input
 * with the output. A usage error naming both.
 */
export function refuseOutputOntoInput(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const ins = inputs.filter((i) => i.path && i.path !== '-').map((i) => ({ ...i, id: identity(i.path!) }));
  for (const o of outputs) {
    if (!o.path || o.path === '-') continue;
    const id = identity(o.path);
    if (id === undefined) continue;
    const hit = ins.find((i) => i.id === id);
    if (hit) {
      throw new UsageError(
        `${o.flag} ${o.path} is the ${hit.flag} file ${hit.path}: writing it would destroy the input`,
        `write the output somewhere else, e.g. ${o.flag} ${o.path.replace(/(\.[^./]*)?$/, '.out$1')}`,
      );
    }
  }
}
