import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../domain/errors.js';
import { cleanUpOnSignal } from './signals.js';

/**
 * A report folder written whole or not at all (spec §8): everything goes into a hidden
 * sibling folder, which replaces the previous report only at the end (rename the old one
 * aside, rename the new one in, delete the old one). SIGINT/SIGTERM while writing remove the
 * half-written folder and then end the process as the signal would; a folder left by a run
 * killed harder (SIGKILL) is removed by the next run. The previous report is never touched
 * before the new one is complete.
 */
export class ReportDir {
  readonly out: string;
  readonly tmp: string;
  private readonly old: string;
  private readonly release: () => void;
  private done = false;

  constructor(out: string) {
    this.out = resolve(out);
    const parent = dirname(this.out);
    if (!existsSync(parent) || !statSync(parent).isDirectory()) {
      throw new UsageError(`--out ${out}: the folder ${parent} does not exist`, 'create it first or choose another --out');
    }
    if (existsSync(this.out)) {
      if (!statSync(this.out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`, 'choose a folder name for the report');
      const entries = readdirSync(this.out);
      if (entries.length > 0 && !entries.includes('manifest.json')) {
        throw new UsageError(`--out ${out} is a folder that is not a clm report (no manifest.json), so clm will not replace it`, 'choose a new or empty folder');
      }
      if (entries.length > 0) refuseForeignFiles(out, this.out);
    }
    const base = basename(this.out);
    // the hidden sibling adds `.` and `.clm-tmp-PID`: the name must leave room for them
    if (Buffer.byteLength(base) > 255 - 24) {
      throw new UsageError(`--out ${out}: the folder name is ${Buffer.byteLength(base)} bytes, more than the file system allows with the temporary suffix clm adds (231 bytes)`, 'choose a shorter folder name');
    }
    removeStale(parent, base);
    this.tmp = join(parent, `.${base}.clm-tmp-${process.pid}`);
    this.old = join(parent, `.${base}.clm-old-${process.pid}`);
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp);
    // Ctrl-C or a kill while writing: nothing temporary is left behind
    this.release = cleanUpOnSignal(() => this.abort());
  }

  path(name: string): string {
    const p = join(this.tmp, name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  writeText(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }

  /** Puts the new report in place of the old one. */
  commit(): void {
    if (existsSync(this.out)) renameSync(this.out, this.old);
    renameSync(this.tmp, this.out);
    rmSync(this.old, { recursive: true, force: true });
    this.finish();
  }

  /** Removes the half-written folder; the previous report stays as it was. */
  abort(): void {
    if (this.done) return;
    rmSync(this.tmp, { recursive: true, force: true });
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.release();
  }
}

/**
 * Replacing an earlier report deletes it, so it may hold only what that run wrote (the files
 * its manifest lists, and the manifest): an input kept in the folder, or notes beside the
 * report, make clm refuse instead of deleting them.
 */
function refuseForeignFiles(flag: string, dir: string): void {
  let listed: Set<string>;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files?: { file?: unknown }[] };
    listed = new Set((manifest.files ?? []).map((f) => String(f.file)));
  } catch {
    throw new UsageError(`--out ${flag}: its manifest.json is not one clm wrote, so clm will not replace the folder`, 'choose a new or empty folder');
  }
  listed.add('manifest.json');
  const foreign: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(name);
      else if (!listed.has(name)) foreign.push(name);
    }
  };
  walk('');
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new UsageError(
      `--out ${flag} holds ${foreign.length === 1 ? 'a file' : `${foreign.length} files`} the earlier report did not write (${shown}); replacing the report would delete ${foreign.length === 1 ? 'it' : 'them'}`,
      'move them out of the report folder, or choose another --out',
    );
  }
}

/** Temporary folders of earlier runs whose process is gone (and an old report left aside). */
function removeStale(parent: string, base: string): void {
  const prefix = `.${base}.clm-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(tmp|old)-(\d+)$/.exec(name.slice(prefix.length));
    if (!m) continue;
    if (isAlive(Number(m[2]))) continue;
    const p = join(parent, name);
    // an old report set aside by a run killed between its two renames comes back
    if (m[1] === 'old' && !existsSync(join(parent, base))) renameSync(p, join(parent, base));
    else rmSync(p, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SHA-256 of a file, for the manifest. */
export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', rej)
      .on('end', () => res(h.digest('hex')));
  });
}
