import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamSink } from '../../src/io/write-output.js';

/**
 * A stream whose every write fails as a full disk fails (ENOSPC), with a file stream's timing:
 * the write fails asynchronously, and the stream, destroyed at once, emits its error only once
 * its file is closed (later).
 */
function fullDisk(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      setImmediate(() => cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })));
    },
    destroy(err, cb) {
      setTimeout(() => cb(err), 20);
    },
  });
}

describe('streamSink on a failed stream', () => {
  it('flush right after a failed direct write names the disk, not the destroyed stream (the error event comes a tick later)', async () => {
    const w = fullDisk();
    const sink = streamSink(w, '--rejects /dev/full');
    // the order pass writes rejected rows to the stream itself
    w.write('file,line,reason\n');
    await new Promise((r) => setImmediate(r));
    // destroyed, its error not yet emitted: a flush now used to resolve, and the end after it
    // failed with "Cannot call end after a stream was destroyed"
    expect(w.destroyed).toBe(true);
    await expect(sink.flush()).rejects.toThrow('cannot write --rejects /dev/full: the disk is full');
  });

  it('a write after the failure says the same', async () => {
    const w = fullDisk();
    const sink = streamSink(w, '--output out.csv');
    w.write('x');
    await new Promise((r) => setImmediate(r));
    await expect(sink.write('y')).rejects.toThrow('cannot write --output out.csv: the disk is full');
  });
});
