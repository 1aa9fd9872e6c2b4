import { DataError } from '../../domain/errors.js';
import type { ByteRange } from '../../io/input.js';
import { collectGarbage } from '../../io/memory.js';
import type { HeaderInfo, TableScan } from '../../io/read-table.js';
import { startTrace, traceMark, tracing } from '../../io/trace.js';
import { NotUtf8 } from '../../io/utf8-guard.js';
import { OrderIdSet, type OrderIdShare } from './order-keys.js';
import { AmbiguousDates, OrderPass, type LaterKeys, type PassOptions, type PassRest } from './order-pass.js';
import { layField, LEDGER_FIELDS, type LedgerField } from './part-ledger.js';
import { ClaimShare, cutTail, open, rangeLimit, waitWhile, type Stolen } from './range-claims.js';

/*
 * The parts of the two-thread read (parallel-orders.ts) as each thread sees them: the second
 * half's pass, which is the worker thread's body (order-worker.ts; or run inline in tests), a
 * tail cut from the other half and read by the thread done first, the cross-part duplicate
 * checks, and the messages between the threads.
 */

/** What the second half needs; plain data (it is the worker's workerData). */
export interface LaterPartInput {
  opts: PassOptions;
  range: ByteRange & { last: boolean };
  /** Rows estimated in the range (sizes the pass's customer table; see OrderPass). */
  rows: number;
  /** Rows estimated per byte, to size a part cut from the first half. */
  rowsPerByte: number;
  header: HeaderInfo;
  /**
   * The order-id set both halves share, a part each (see OrderIdSet); undefined: every part
   * logs its ids instead, and the first half's thread looks for repeats in all the logs.
   */
  ids: OrderIdShare | undefined;
  /** [first half, second half] read: 0 not yet, 1 done, 2 failed (see crossHalfCheck). */
  sync: Int32Array;
  /** Both halves' ends, which the thread done first may bring forward (range-claims.ts). */
  claims: ClaimShare;
  /** Bytes of the first half left for it to be cut (0 when tests make the cut certain). */
  minTail: number;
  /** Tests: this half waits for the other's cut. */
  held: boolean;
  /** CLM_TRACE: this thread marks its phases too (io/trace.ts). */
  trace: boolean;
}

export const DONE = 1;
const NO_IDS: OrderIdShare = { table: new Int32Array(0), dir: new Int32Array(0) };
export const FAILED = 2;

/** The data is at fault (not clm): the one-thread pass reads the file again and says what, in file order. */
export function isDataFault(e: unknown): boolean {
  return e instanceof DataError || e instanceof AmbiguousDates || e instanceof NotUtf8;
}

/** Marks this half read (or failed) and wakes the other. */
export function signal(sync: Int32Array, half: 0 | 1, state: number): void {
  Atomics.store(sync, half, state);
  Atomics.notify(sync, half);
}

/**
 * This half's share of the cross-half duplicate check, once the other half is read too (each
 * thread looks up half of the second region's slots in the first region): true when no id is
 * in both halves; undefined when the other half failed (the reader falls back anyway).
 */
export async function crossHalfCheck(ids: OrderIdShare, sync: Int32Array, half: 0 | 1): Promise<boolean | undefined> {
  const other = 1 - half;
  if (Atomics.load(sync, other) === 0) await waitWhile(sync, other, 0);
  if (Atomics.load(sync, other) !== DONE) return undefined;
  const slots = OrderIdSet.regionSlots(ids);
  const mid = slots >> 1;
  return !(half === 0 ? OrderIdSet.crossCheck(ids, 0, mid) : OrderIdSet.crossCheck(ids, mid, slots));
}

/** A part cut from the other half's tail, read on this thread as a pass of its own. */
export interface CutPart {
  pass: OrderPass;
  scan: TableScan;
  start: number;
  shown: [number, string][];
}

/**
 * Cuts the other half's tail when enough of it is left (range-claims.ts) and reads it; then
 * lets a held half go. Undefined when nothing was cut. A cut part has an order-id set of its
 * own, checked against both halves' regions once they are read (checkCutIds), or a log like
 * theirs (`log`).
 */
export async function readCut(
  claims: ClaimShare,
  from: 0 | 1,
  minTail: number,
  part: { opts: PassOptions; header: HeaderInfo; rowsPerByte: number },
  log: boolean,
): Promise<CutPart | undefined> {
  let cut: Stolen | undefined;
  try {
    cut = cutTail(claims, from, part.opts.file, minTail);
  } finally {
    open(claims);
  }
  if (!cut) return undefined;
  const shown: [number, string][] = [];
  const bytes = cut.end - cut.start;
  const pass = new OrderPass(part.opts, { onReject: (line, message) => void shown.push([line, message]) }, bytes, log ? 'log' : undefined, Math.ceil(bytes * part.rowsPerByte));
  // the second half's tail reaches the end of the file; the first half's ends at the seam
  const scan = await pass.scan({ start: cut.start, end: cut.end, last: from === 1 }, part.header);
  traceMark(`tail of the ${from === 0 ? 'first' : 'second'} half read (${((cut.end - cut.start) / 2 ** 20).toFixed(0)} MiB)`);
  return { pass, scan, start: cut.start, shown };
}

/** True when the cut part's ids meet neither half's (both read): else file order must decide. */
export function checkCutIds(cut: CutPart, ids: OrderIdShare): boolean {
  const ok = cut.scan.complete && !cut.pass.orderIds.foundIn(ids);
  cut.pass.dropOrderIds();
  return ok;
}

/** A part read apart from the first half: its keys, and where they are among the cut part's (see absorbParts). */
export interface PartKeys {
  keys: LaterKeys;
  /** Its order-id log, when the parts log their ids (OrderIdSet.repeatedIn). */
  log?: Int32Array[];
  /** The second half's keys' places among the cut part's keys (-1: not there), when a part was cut. */
  inCut?: Int32Array;
}

/**
 * Messages from the worker, in order: the keys of its parts, then the rest of each, then each
 * field laid out (LayMessage); or a failure. Its parts are in file order: the second half, or the first half's cut tail and then
 * the second half. `failed`: `dataError` when the data itself is at fault (the one-thread pass
 * will say so in file order).
 */
export type LaterPartMessage =
  | { kind: 'keys'; parts: PartKeys[] }
  | { kind: 'rest'; parts: PassRest[]; runs: Int32Array[] }
  | { kind: 'laid'; field: LedgerField }
  | { kind: 'failed'; message: string; dataError?: boolean };

/**
 * Reads the second half, and the first half's tail when this thread is done first: the body of
 * the worker thread (order-worker.ts), and of the inline mode. The keys go first, then the
 * rest with the ledgers grouped by customer (moved, not copied).
 */
export async function readLaterPart(
  input: LaterPartInput,
  send: (m: LaterPartMessage, transfer: ArrayBuffer[]) => void,
  /** The next message from the first half's thread. */
  inbox: () => Promise<LayMessage>,
): Promise<void> {
  // a worker thread has a trace of its own to start (inline, this thread's is running)
  if (input.trace && !tracing()) startTrace((line) => process.stderr.write(line + '\n'));
  const shown: [number, string][] = [];
  const onReject = (line: number, message: string): void => void shown.push([line, message]);
  let ids: OrderIdShare | undefined = input.ids;
  const log = ids === undefined;
  const { sync, claims } = input;
  const pass = new OrderPass(input.opts, { onReject }, input.range.end - input.range.start, ids ? { ids, half: 1 } : 'log', input.rows);
  // workerData lives as long as the worker: without this reference the shared set goes
  // as soon as both halves drop theirs
  input.ids = NO_IDS;
  let scanned;
  let cut: CutPart | undefined;
  try {
    scanned = await pass.scan({ ...input.range, limit: rangeLimit(claims, 1, input.held) }, input.header);
    // a half whose tail was cut must end where the cut was made, not inside a record
    if (!scanned.complete) throw new DataError('a quoted field spans the cut');
    pass.dropCustomerIndex();
    traceMark('second half read (second thread)');
    signal(sync, 1, DONE);
    cut = await readCut(claims, 0, input.minTail, input, log);
  } catch (e) {
    open(claims);
    if (Atomics.load(sync, 1) === 0) signal(sync, 1, FAILED);
    send({ kind: 'failed', message: e instanceof Error ? e.message : String(e), dataError: isDataFault(e) }, []);
    return;
  }
  // with logs, the first half's thread looks for repeats; with a shared set, each thread checks a share
  const unique = ids ? await crossHalfCheck(ids, sync, 1) : true;
  if (unique === undefined) return void send({ kind: 'failed', message: 'first half failed', dataError: true }, []);
  const idsOk = pass.idsOk && unique && (!cut || (ids ? checkCutIds(cut, ids) : cut.scan.complete));
  ids = undefined;
  const passes = cut ? [cut.pass, pass] : [pass];
  const logs = log ? passes.map((p) => p.orderIds.takeLog()) : undefined;
  for (const p of passes) p.dropOrderIds();
  const keys = pass.takeKeys();
  // the cut part (first in file order) is matched against this half's keys while it still has its index
  const parts: PartKeys[] = [{ keys }];
  if (cut) {
    parts[0].inCut = cut.pass.indexOf(keys);
    parts.unshift({ keys: cut.pass.takeKeys() });
  }
  if (logs) parts.forEach((p, k) => (p.log = logs[k]));
  send({ kind: 'keys', parts }, parts.flatMap((p) => buffersOf(p.keys.keys.arena, p.keys.keys.spans, ...(p.log ?? []))));
  // groups the ledgers by customer here, while the first half absorbs the keys and groups its own
  const grouped = passes.map((p) => p.takeGroupedLedger());
  const rests = [...(cut ? [cut.pass.takeRest(cut.scan, idsOk, cut.shown)] : []), pass.takeRest(scanned, idsOk, shown)];
  // the runs are copied, not moved: this thread lays them out below
  send({ kind: 'rest', parts: rests, runs: grouped.map((g) => g.start) }, rests.flatMap((r) => buffersOf(r.refunds.rows, r.refunds.count, r.attributes.day)));
  // then this thread's runs go where the first half's thread says, field by field, while it lays out its own
  let at: Int32Array[] = [];
  for (;;) {
    const m = await inbox();
    at = m.at ?? at;
    grouped.forEach((g, k) => layField(g, at[k], m.field, m.into, collectGarbage));
    // the writes are seen by the other thread before it hears of them
    Atomics.store(sync, 1, DONE);
    send({ kind: 'laid', field: m.field }, []);
    if (m.field === LEDGER_FIELDS[LEDGER_FIELDS.length - 1]) return;
  }
}

/** The first half's thread to the other: lay your parts' `field` out into `into` (at: where, per part; sent once). */
export interface LayMessage {
  field: LedgerField;
  into: Int32Array | Float64Array;
  at?: Int32Array[];
}

export function buffersOf(...arrays: ArrayBufferView[]): ArrayBuffer[] {
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/** Messages in arrival order, for an awaiting reader (one at a time). */
export class Mailbox<T> {
  private readonly items: T[] = [];
  private waiting: ((item: T) => void) | undefined;

  put(item: T): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w(item);
    else this.items.push(item);
  }

  take(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
