import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Arrays smaller than this together are not worth a full collection: its cost grows with the
 * whole live heap (tens of ms in a process that holds much else), while freeing a few MB early
 * does nothing for the peak of a big pass. Every release of a 10M-order pass frees more.
 */
const WORTH_COLLECTING = 8 * 1024 * 1024;

/**
 * Runs a full garbage collection now. Between the pass and the ledger sort the order-id
 * fingerprints (8 bytes an order) are dead, but V8 frees an ArrayBuffer only when its small
 * wrapper is collected, which with a quiet heap may not happen before the sort allocates:
 * the peak would hold both. One explicit collection (a few ms on a small heap) keeps the
 * 10M-order peak under 500 MB. `freedBytes` is what the caller just dropped: a small pass
 * (every test, every small shop) skips the collection.
 */
export function collectGarbage(freedBytes: number): void {
  if (freedBytes < WORTH_COLLECTING) return;
  if (!gc) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = () => {};
    }
  }
  gc();
}
