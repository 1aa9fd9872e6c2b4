import { Worker } from 'node:worker_threads';
import { getPreset, mapColumns } from '../../io/mapping.js';
import { OrderIdSet, type OrderIdShare } from './order-keys.js';
import { estimateRows } from './size-estimate.js';
import { passGrain } from '../input-checks.js';
import { OrderPass, type PassOptions, type PassRest } from './order-pass.js';
import { scanTable, type HeaderInfo, type TableScan } from '../../io/read-table.js';
import { ClaimShare, open, rangeLimit } from './range-claims.js';
import {
  checkCutIds,
  crossHalfCheck,
  DONE,
  FAILED,
  isDataFault,
  Mailbox,
  readCut,
  readLaterPart,
  signal,
  type CutPart,
  type LaterPartInput,
  type LaterPartMessage,
  type LayMessage,
  type PartKeys,
} from './later-part.js';
import { layField, LEDGER_FIELDS, placeRuns, runsOf, scatterField, sharedField, type LedgerField, type PartLedger } from './part-ledger.js';
import { collectGarbage } from '../../io/memory.js';
import { traceMark, tracing } from '../../io/trace.js';

/**
 * The orders pass on two threads (both cores of the bench machine, as DuckDB uses them): the
 * main thread reads the first half of the file and a worker thread the second, each with its
 * own customer table and ledger, and one order-id table with a region for each (once both
 * are read, each thread looks up half of the second region's ids in the first: an id in both
 * is a cross-half duplicate). The worker then hands over its customer keys (transferred, not
 * copied; the main thread numbers its customers after its own, as one pass would) and groups
 * its ledger by customer; the main thread places every part's runs and both threads lay them
 * out into one shared ledger at once, field by field (part-ledger.ts), so the parts never need
 * a third, merged copy (issue 12's 500 MB at 10M orders). The rest (counts, attributes,
 * rejected rows shown) is added on the main thread (OrderPass.absorbRest,
 * CustomerStateBuilder).
 *
 * The halves' ends can move: the thread done first cuts the tail of the other's half (from a
 * line start half-way through what is left, when at least MIN_TAIL is; range-claims.ts) and
 * reads it as a third part with an order-id set of its own, so a core slowed for a while
 * (a busy neighbour) no longer leaves the other thread waiting for seconds. The parts are merged
 * in file order: the first half, then the second half with the cut part before it (cut from the
 * first half) or after it (cut from the second).
 *
 * Order ids are first logged by every part and checked for a repeat once all are read (off
 * the scan's way); a file with a repeated id is read again with a shared set that settles a
 * repeat within a part as it reads (OrderIdSet).
 *
 * The result is identical to the sequential pass, so whenever it might not be, the caller
 * falls back to that pass:
 *
 * - only plain UTF-8 files in order grain qualify, without --strict, --rejects, --payments,
 *   --reviews or a person key (those need the file's order or the main thread's streams), and
 *   in line grain an order's rows could straddle the seam;
 * - the seam is the start of the first line after the middle of the file. A quoted field
 *   with line breaks could make that a place inside a record: the first half's scanner,
 *   which saw every byte before the seam, must end exactly there (no record cut), else the
 *   halves do not match the sequential records;
 * - an order id in two parts falls back (which copy comes first, and so counts, is a
 *   question of file order the parts cannot settle alone), and so does a cut inside a quoted
 *   field with line breaks, and a region of the
 *   order-id table that fills up (it cannot grow while the other half reads; the table is
 *   sized from the line length at the seam);
 * - any error in either half (an ambiguous date needing the prescan, malformed input) falls
 *   back, so the sequential pass reports it with its usual message and line.
 *
 * Reconciliation counts, maps in first-appearance order, the first five rejected rows shown,
 * customer order, order-level attributes and every ledger amount (whole mills, so the order
 * of addition does not matter) come out as one pass would make them; test/engine/streaming/parallel.test.ts compares the two.
 */

/**
 * `auto`: two threads for big files; `worker`/`inline`: always try (tests; inline runs both
 * halves on this thread). `…:cut0`/`…:cut1` (tests): half 0 or 1 waits until the other, done
 * first, has cut its tail (range-claims.ts), so that the three-part merge runs on small files.
 */
export type ParallelMode = 'auto' | 'off' | 'worker' | 'inline' | `${'worker' | 'inline'}:cut${0 | 1}`;

/**
 * The worker's young generation, MB: its pass makes little short-lived garbage, and V8's
 * default (tens of MB of semi-spaces on top of the main thread's) showed as ~25 MB more peak
 * RSS at the end of the two reads, where the 10M-order peak is.
 */
const WORKER_YOUNG_MB = 8;

/**
 * Where the seam goes, as a share of the bytes: the main thread starts reading before the
 * worker thread is up; at 0.5 it finished its half ~0.25 s before the worker on 10M rows, at
 * 0.512 ~0.2 s after it.
 */
const FIRST_SHARE = 0.506;

/** Files below this are read on one thread (a worker costs tens of milliseconds to start). */
const MIN_BYTES = 16 << 20;

/**
 * A thread done with its half cuts the other's tail when at least this much of it is left
 * (it then reads half of it): about 0.4 s of reading, against the few tens of milliseconds a
 * third part costs to merge.
 */
const MIN_TAIL = 24 << 20;

export interface ParallelRead {
  pass: OrderPass;
  /** Data rows of the file. */
  rows: number;
  /** The first rejected rows to show: [line, message]. */
  shown: [number, string][];
  /** Parts the file was read in: 2, or 3 when a thread done first cut the other's tail. */
  parts: number;
}

/**
 * The pass on two threads, or undefined when the file does not qualify or the halves might
 * differ from one pass (the caller then runs the sequential pass).
 */
export async function readOrdersInParallel(
  opts: PassOptions,
  bytes: number | undefined,
  mode: ParallelMode,
  /** Told why, when the two-thread read stopped for a reason other than the data (a bug, a crashed worker). */
  onFallback: (reason: string) => void = () => {},
  /** Told why the file is read on one thread after all (for an explicit --threads 2). */
  oneThread: (why: string) => void = () => {},
): Promise<ParallelRead | undefined> {
  if (mode === 'off' || bytes === undefined || (mode === 'auto' && bytes < MIN_BYTES)) return undefined;
  if ((opts.encoding ?? 'utf8').toLowerCase().replace('-', '') !== 'utf8') return void oneThread(`it is read as ${opts.encoding}, not UTF-8`);
  const seam = findSeam(opts.file, bytes);
  if (!seam) return void oneThread('it is compressed, UTF-16 or one line');
  const header = await readHeader(opts, seam.at);
  if (!header) return void oneThread('it is in line grain (an order\'s lines could fall in both halves)');
  const read = await readInParts(opts, bytes, mode, seam, header, true, onFallback, oneThread);
  if (read !== 'repeated') return read;
  // an order id is in the file twice: read again with a set each part checks as it reads, so
  // that a repeat within a part is settled there, in file order (a repeat across parts still
  // needs the one-thread pass)
  traceMark('an order id repeats: read again, checking ids as they are read');
  const again = await readInParts(opts, bytes, mode, seam, header, false, onFallback, oneThread);
  return again === 'repeated' ? undefined : again;
}

/**
 * The two-thread read with the seam and header found. `log`: every part logs its order ids
 * and the logs are checked for a repeat at the end ('repeated': read again without `log`),
 * which keeps the id table out of the scan's way (it missed the cache on almost every row);
 * else the parts share a set, each its own region, checked as they read (see OrderIdSet).
 */
async function readInParts(
  opts: PassOptions,
  bytes: number,
  mode: ParallelMode,
  seam: { at: number; rows: number },
  header: HeaderInfo,
  log: boolean,
  onFallback: (reason: string) => void,
  oneThread: (why: string) => void,
): Promise<ParallelRead | undefined | 'repeated'> {
  const held = mode.endsWith(':cut0') ? 0 : mode.endsWith(':cut1') ? 1 : undefined;
  const minTail = held === undefined ? MIN_TAIL : 0;
  let ids: OrderIdShare | undefined = log ? undefined : OrderIdSet.shared(seam.rows);
  const sync = new Int32Array(new SharedArrayBuffer(8));
  const claims = ClaimShare.create([
    { start: 0, end: seam.at },
    { start: seam.at, end: bytes },
  ]);
  // each half's share of the rows, from the line length at the seam (bytes / 60, the guess
  // without one, is twice the rows of a file with 32-hex ids, and the customer table touches
  // every slot it is given)
  const rowsPerByte = seam.rows / bytes;
  const firstRows = Math.ceil(rowsPerByte * seam.at);
  const later = startLaterPart(
    { opts, range: { start: seam.at, end: bytes, last: true }, rows: seam.rows - firstRows, rowsPerByte, header, ids, sync, claims, minTail, held: held === 1, trace: tracing() },
    mode.startsWith('inline') ? 'inline' : 'worker',
  );
  const shown: [number, string][] = [];
  const onReject = (line: number, message: string): void => void shown.push([line, message]);
  const pass = new OrderPass(opts, { onReject }, seam.at, ids ? { ids, half: 0 } : 'log', firstRows);
  let signalled = false;
  try {
    const scanned = await pass.scan({ start: 0, end: seam.at, last: false, limit: rangeLimit(claims, 0, held === 0) });
    if (!scanned.complete || !pass.idsOk) {
      signal(sync, 0, FAILED);
      oneThread(!scanned.complete ? 'a quoted field spans the middle of the file' : 'it holds more orders than its line length suggested');
      return later.cancel();
    }
    traceMark('first half read');
    signal(sync, 0, DONE);
    signalled = true;
    const cut = await readCut(claims, 1, minTail, { opts, header, rowsPerByte }, log);
    const unique = ids ? (await crossHalfCheck(ids, sync, 0)) && (!cut || checkCutIds(cut, ids)) : !cut || cut.scan.complete;
    ids = undefined;
    // this thread's logs, first and last in file order (their order does not matter)
    const logs = log ? takeLogs(cut ? [pass, cut.pass] : [pass]) : [];
    pass.dropOrderIds();
    cut?.pass.dropOrderIds();
    if (!unique) {
      if (later.failure !== undefined) onFallback(later.failure);
      else if (cut && !cut.scan.complete) oneThread('a quoted field spans the place where one thread took over the end of the other\'s half');
      else oneThread('an order id is repeated in two parts of the file, and only file order says which copy counts');
      return later.cancel();
    }
    return await mergeParts(pass, scanned, shown, cut, later, onFallback, logs);
  } catch (e) {
    if (!signalled) signal(sync, 0, FAILED);
    // bad data is said by the one-thread pass, in file order; anything else is a reason to give
    if (!isDataFault(e)) onFallback(e instanceof Error ? e.message : String(e));
    return later.cancel();
  } finally {
    open(claims);
    later.cancel();
  }
}

/**
 * Merges the other parts into the first half's pass, in file order (keys, counts, rejected rows
 * shown with their line numbers, the ledger laid out); undefined when the worker failed or an
 * order id fills a region (the caller reads on one thread).
 */
async function mergeParts(
  pass: OrderPass,
  scanned: TableScan,
  shown: [number, string][],
  cut: CutPart | undefined,
  later: LaterPart,
  onFallback: (reason: string) => void,
  /** This thread's order-id logs, when the parts log them: checked with the worker's before anything is merged. */
  logs: Int32Array[][],
): Promise<ParallelRead | undefined | 'repeated'> {
  const theirs = await later.keys;
  if (!theirs) return later.failure !== undefined ? void onFallback(later.failure) : undefined;
  if (logs.length > 0) {
    // nothing in this frame may hold a log while it is collected (an interpreter register
    // holding a temporary array of them kept 80 MB to the memory peak, the ledger's layout)
    const { repeated, bytes } = repeatIn(logs, theirs);
    collectGarbage(bytes);
    if (repeated) return 'repeated';
  }
  // the parts after this half in file order: the worker's, then this thread's cut of its tail
  const parts = [...theirs];
  if (cut) {
    parts[parts.length - 1].inCut = cut.pass.indexOf(parts[parts.length - 1].keys);
    parts.push({ keys: cut.pass.takeKeys() });
  }
  const remaps = absorbParts(pass, parts);
  // the resolved promise holds these objects as long as the worker's listeners live: the
  // keys are absorbed, so they go now
  for (const p of theirs) p.keys = { keys: { arena: Buffer.alloc(0), spans: new Int32Array(0), size: 0 } };
  // this thread's parts are not grouped: they are scattered straight to their places (the
  // worker groups its own meanwhile, and lays out its runs while this thread scatters)
  const mine = [pass.takeLedger(), ...(cut ? [cut.pass.takeLedger()] : [])];
  traceMark('other parts\' customers numbered');
  const rest = await later.rest;
  if (!rest && later.failure !== undefined) onFallback(later.failure);
  if (!rest || !rest.parts.every((r) => r.idsOk)) return undefined;
  const rests = [...rest.parts, ...(cut ? [cut.pass.takeRest(cut.scan, true, cut.shown)] : [])];
  let offset = scanned.nextLine - 1;
  let rows = scanned.rows;
  rests.forEach((r, p) => {
    pass.absorbRest(r, p);
    for (const [line, message] of r.shown) shown.push([line + offset, message]);
    offset += r.scan.nextLine - 1;
    rows += r.scan.rows;
  });
  if (!(await layOutParts(pass, mine, rest.runs, remaps, later))) return void onFallback(later.failure ?? 'the second thread stopped');
  traceMark('two-thread read merged');
  return { pass, rows, shown: shown.slice(0, 5), parts: 1 + rests.length };
}

/** Whether an order id is in the parts' logs twice, and their bytes; the logs are let go (this thread's array emptied). */
function repeatIn(logs: Int32Array[][], theirs: PartKeys[]): { repeated: boolean; bytes: number } {
  const all = [...logs.splice(0), ...theirs.map((p) => p.log ?? [])];
  for (const p of theirs) p.log = undefined;
  return { repeated: OrderIdSet.repeatedIn(all), bytes: all.flat().reduce((n, run) => n + run.byteLength, 0) };
}

/** This thread's order-id logs, in a frame of their own (see mergeParts); its parts keep none. */
function takeLogs(passes: OrderPass[]): Int32Array[][] {
  return passes.map((p) => p.orderIds.takeLog());
}

/**
 * Lays every part's ledger out in customer order into one shared ledger, field by field, on
 * both threads at once: this thread scatters its parts (the first half, and its cut of the
 * second half's tail, last in file order) and the worker copies the runs of its grouped parts
 * (part-ledger.ts placeRuns, scatterField, layField).
 * False when the worker failed meanwhile.
 */
async function layOutParts(pass: OrderPass, mine: PartLedger[], theirRuns: Int32Array[], remaps: Int32Array[], later: LaterPart): Promise<boolean> {
  const nc = pass.builder.customers;
  const cutCustomers = remaps.length > theirRuns.length ? remaps[remaps.length - 1].length : 0;
  const runs = [runsOf(mine[0], nc), ...theirRuns, ...mine.slice(1).map((l) => runsOf(l, cutCustomers))];
  const { start, at } = placeRuns(runs, [undefined, ...remaps], nc);
  const theirs = at.slice(1, 1 + theirRuns.length);
  const ours = [at[0], ...at.slice(1 + theirRuns.length)];
  const laid: Partial<Record<LedgerField, Int32Array | Float64Array>> = {};
  for (const field of LEDGER_FIELDS) {
    const into = sharedField(field, start[nc]);
    later.lay({ field, into, at: field === LEDGER_FIELDS[0] ? theirs : undefined });
    mine.forEach((l, k) => scatterField(l, ours[k], field, into, collectGarbage));
    if (!(await later.laid())) return false;
    laid[field] = into;
  }
  pass.builder.setLaidOut({ start, day: laid.day as Int32Array, ord: laid.ord as Int32Array, amt: laid.amt as Float64Array });
  return true;
}

/**
 * Absorbs the later parts' keys into the first half's pass, in file order. A part's new keys
 * are not indexed there (CustomerStateBuilder.absorbKeys), so when a tail was cut, the second
 * half's keys and the cut part's are matched through inCut instead.
 */
function absorbParts(pass: OrderPass, parts: PartKeys[]): Int32Array[] {
  const half = parts.find((p) => p.inCut);
  if (!half) return parts.map((p) => pass.absorbKeys(p.keys));
  const inCut = half.inCut!;
  const cut = parts.find((p) => p !== half)!;
  if (parts[0] === cut) {
    const at = pass.absorbKeys(cut.keys);
    return [at, pass.absorbKeys(half.keys, inCut.map((c) => (c >= 0 ? at[c] : -1)))];
  }
  const at = pass.absorbKeys(half.keys);
  const known = new Int32Array(cut.keys.keys.size).fill(-1);
  inCut.forEach((c, j) => {
    if (c >= 0) known[c] = at[j];
  });
  return [at, pass.absorbKeys(cut.keys, known)];
}

interface LaterPart {
  /** Resolve to undefined when the worker's part failed. */
  keys: Promise<PartKeys[] | undefined>;
  rest: Promise<{ parts: PassRest[]; runs: Int32Array[] } | undefined>;
  /** Asks the worker to lay a field of its parts out (see layOutParts). */
  lay(m: LayMessage): void;
  /** True once the worker laid the field out; false when it failed. */
  laid(): Promise<boolean>;
  cancel(): undefined;
  /** Why the second half failed, when not for the data's sake (a worker error or crash). */
  readonly failure: string | undefined;
}

function startLaterPart(input: LaterPartInput, threads: 'inline' | 'worker'): LaterPart {
  let onKeys!: (keys: PartKeys[] | undefined) => void;
  let onRest!: (rest: { parts: PassRest[]; runs: Int32Array[] } | undefined) => void;
  const keys = new Promise<PartKeys[] | undefined>((res) => (onKeys = res));
  const rest = new Promise<{ parts: PassRest[]; runs: Int32Array[] } | undefined>((res) => (onRest = res));
  let failure: string | undefined;
  let settled = false;
  let failed = false;
  const laid = new Mailbox<boolean>();
  // the closures below keep `sync` and `claims` only, not `input`: its order-id table (8 bytes
  // an order) must go once both halves drop it, not live on with the worker's listeners
  const { sync, claims } = input;
  const fail = (reason?: string): void => {
    if (!settled) {
      if (reason !== undefined) failure ??= reason;
      // a second half that died before saying it was read must not leave the first half
      // waiting for it forever (crossHalfCheck); one that did say so keeps its word
      if (Atomics.load(sync, 1) === 0) signal(sync, 1, FAILED);
      open(claims);
    }
    settled = true;
    onKeys(undefined);
    onRest(undefined);
    // a worker that ends after its last field (or is ended) has nothing more to lay out
    failed = true;
    laid.put(false);
  };
  const receive = (m: LaterPartMessage): void => {
    if (m.kind === 'keys') {
      // a Buffer arrives as a plain Uint8Array
      onKeys(
        m.parts.map((p) => {
          const a = p.keys.keys.arena;
          return { ...p, keys: { keys: { ...p.keys.keys, arena: Buffer.from(a.buffer, a.byteOffset, a.byteLength) } } };
        }),
      );
    } else if (m.kind === 'rest') {
      settled = true;
      onRest(m);
    } else if (m.kind === 'laid') {
      // the worker's writes to the shared ledger happen before this (see readLaterPart)
      Atomics.load(sync, 1);
      laid.put(true);
    } else fail(m.dataError ? undefined : `second thread: ${m.message}`);
  };
  const laidOrFailed = (): Promise<boolean> => (failed ? Promise.resolve(false) : laid.take());
  if (threads === 'inline') {
    const inbox = new Mailbox<LayMessage>();
    readLaterPart(input, receive, () => inbox.take()).catch((e: unknown) => fail(`second half: ${e instanceof Error ? e.message : String(e)}`));
    return {
      keys,
      rest,
      lay: (m) => inbox.put(m),
      laid: laidOrFailed,
      cancel: () => undefined,
      get failure() {
        return failure;
      },
    };
  }
  const worker = new Worker(new URL('./order-worker.js', import.meta.url), { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  worker.on('message', receive);
  worker.on('error', (e: Error) => fail(`second thread: ${e.message}`));
  worker.on('exit', (code) => fail(`the second thread exited with code ${code}`));
  return {
    get failure() {
      return failure;
    },
    keys,
    rest,
    lay: (m) => worker.postMessage(m),
    laid: laidOrFailed,
    cancel: () => {
      void worker.terminate();
      return undefined;
    },
  };
}

/**
 * The start of the first line after the middle of a plain file, and an estimate of its rows
 * (from the line length around the middle, with a margin) to size the shared order-id table;
 * undefined when the file is gzip or UTF-16, or has no line break there.
 */
function findSeam(file: string, bytes: number): { at: number; rows: number } | undefined {
  const sample = estimateRows(file, bytes, Math.floor(bytes * FIRST_SHARE));
  return sample && { at: sample.lineStart, rows: sample.rows };
}

/** The header the second half reads with; undefined when the file is not in order grain. */
async function readHeader(opts: PassOptions, seam: number): Promise<HeaderInfo | undefined> {
  const preset = getPreset(opts.preset);
  let header: HeaderInfo | undefined;
  try {
    // stops at the first data record
    await scanTable(
      {
        path: opts.file,
        encoding: opts.encoding,
        delimiter: opts.delimiter ?? (preset?.whitespace ? 'whitespace' : undefined),
        headerless: preset?.headerless,
        what: 'orders',
        range: { start: 0, end: seam, last: false },
      },
      (h) => {
        header = h;
        return () => false;
      },
    );
    if (!header || passGrain(opts, mapColumns('orders', header.headers, preset, opts.map, opts.file)) !== 'order') return undefined;
    return header;
  } catch {
    // no header, or it does not map: the sequential pass says what is wrong
    return undefined;
  }
}
