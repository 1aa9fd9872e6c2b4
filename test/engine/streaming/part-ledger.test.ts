import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupPart, layField, LEDGER_FIELDS, placeRuns, runsOf, scatterField, sharedField, type GroupedPart, type LedgerField, type PartLedger } from '../../../src/engine/streaming/part-ledger.js';

/** One entry as the pass books it: customer, day, orders, mills. */
type Entry = [number, number, number, number];

function ledgerOf(entries: Entry[]): PartLedger {
  const l: PartLedger = {
    entries: entries.length,
    // room past `entries`, as the pass's arrays have
    cust: new Int32Array(entries.length + 3),
    day: new Int32Array(entries.length + 3),
    ord: new Uint8Array(entries.length + 3),
    amt: new Int32Array(entries.length + 3),
    manyOrders: new Map(),
    bigAmounts: new Map(),
  };
  entries.forEach(([c, d, o, m], e) => {
    l.cust[e] = c;
    l.day[e] = d;
    if (o > 255) l.manyOrders.set(e, o - 255);
    l.ord[e] = Math.min(o, 255);
    if (m !== (m | 0)) l.bigAmounts.set(e, m);
    else l.amt[e] = m;
  });
  return l;
}

/** Each customer's entries [day, orders, mills]: first part's in arrival order, then each later part's in turn. */
function expected(first: Entry[], later: Entry[][], remaps: number[][], customers: number): number[][][] {
  const out: number[][][] = Array.from({ length: customers }, () => []);
  for (const [c, d, o, m] of first) out[c].push([d, o, m]);
  later.forEach((part, p) => {
    for (const [j, d, o, m] of part) out[remaps[p][j]].push([d, o, m]);
  });
  return out;
}

function runs(g: { start: Int32Array; day: ArrayLike<number>; ord: ArrayLike<number>; amt: ArrayLike<number> }, customers: number): number[][][] {
  return Array.from({ length: customers }, (_, i) => {
    const r: number[][] = [];
    for (let k = g.start[i]; k < g.start[i + 1]; k++) r.push([g.day[k], g.ord[k], g.amt[k]]);
    return r;
  });
}

const entry = (customers: number): fc.Arbitrary<Entry> =>
  fc.tuple(
    fc.nat({ max: customers - 1 }),
    fc.integer({ min: 18_000, max: 20_000 }),
    fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 256, max: 1000 })),
    fc.oneof(fc.integer({ min: -99_999, max: 99_999 }), fc.constantFrom(2 ** 31, -(2 ** 33), 9e12)),
  );

describe('part ledgers', () => {
  it('placeRuns with layField (grouped parts) or scatterField (ungrouped) lay every customer out as its first-part entries, then each later part\'s, each in arrival order (property)', () => {
    // a later part's customers: some of those before it (any order), then new ones appended after them
    const remapsOf = (own: number, parts: { picks: number[]; appended: number }[]): number[][] => {
      let known = own;
      return parts.map(({ picks, appended }) => {
        const shared = [...new Set(picks.map((x) => x % Math.max(known, 1)))].filter((i) => i < known);
        const remap = [...shared, ...Array.from({ length: appended }, (_, k) => known + k)];
        known += appended;
        return remap;
      });
    };
    const input = fc
      .record({
        own: fc.integer({ min: 1, max: 40 }),
        parts: fc.array(fc.record({ picks: fc.array(fc.nat(), { maxLength: 40 }), appended: fc.integer({ min: 0, max: 10 }) }), { minLength: 1, maxLength: 3 }),
      })
      .chain(({ own, parts }) => {
        const remaps = remapsOf(own, parts);
        return fc.record({
          own: fc.constant(own),
          remaps: fc.constant(remaps),
          first: fc.array(entry(own), { maxLength: 200 }),
          later: fc.tuple(...remaps.map((r) => (r.length ? fc.array(entry(r.length), { maxLength: 150 }) : fc.constant([] as Entry[])))),
        });
      });
    fc.assert(
      fc.property(input, fc.boolean(), ({ own, remaps, first, later }, grouping) => {
        const customers = own + remaps.reduce((n, r) => n + r.filter((i) => i >= own).length, 0);
        const release = (): void => {};
        const ledgers = [ledgerOf(first), ...later.map(ledgerOf)];
        const sizes = ledgers.map((_, p) => (p === 0 ? own : remaps[p - 1].length));
        // the parallel reader groups the worker's parts and scatters the main thread's: both ways, alternately
        const parts: (GroupedPart | PartLedger)[] = ledgers.map((l, p) => (p % 2 === (grouping ? 0 : 1) ? groupPart(l, sizes[p], release, false) : l));
        const { start, at } = placeRuns(
          parts.map((g, p) => ('start' in g ? g.start : runsOf(g, sizes[p]))),
          [undefined, ...remaps.map((r) => Int32Array.from(r))],
          customers,
        );
        const laid: Partial<Record<LedgerField, Int32Array | Float64Array>> = {};
        for (const field of LEDGER_FIELDS) {
          const into = sharedField(field, start[customers]);
          // the parts in any order (two threads): each has its own places
          [...parts.keys()].reverse().forEach((p) => {
            const g = parts[p];
            if ('start' in g) layField(g, at[p], field, into, release);
            else scatterField(g, at[p], field, into, release);
          });
          laid[field] = into;
        }
        expect(start[customers]).toBe(first.length + later.reduce((n, l) => n + l.length, 0));
        expect(runs({ start, day: laid.day!, ord: laid.ord!, amt: laid.amt! }, customers)).toEqual(expected(first, later, remaps, customers));
        // every part's arrays are handed back
        for (const g of parts) expect([g.day.length, g.ord.length, g.amt.length, 'cust' in g ? g.cust.length : 0]).toEqual([0, 0, 0, 0]);
      }),
      { numRuns: 200 },
    );
  });

  it('groupPart alone (one part, wide) keeps arrival order within each customer, with orders past a byte and mills past 32 bits', () => {
    const first: Entry[] = [
      [1, 19_000, 1, 1500],
      [0, 19_002, 300, 2 ** 32],
      [1, 18_999, 0, -250],
      [0, 19_001, 1, 10],
    ];
    const g = groupPart(ledgerOf(first), 3, () => {}, true);
    expect(g.ord).toBeInstanceOf(Int32Array);
    expect(g.amt).toBeInstanceOf(Float64Array);
    expect(runs(g, 3)).toEqual([
      [
        [19_002, 300, 2 ** 32],
        [19_001, 1, 10],
      ],
      [
        [19_000, 1, 1500],
        [18_999, 0, -250],
      ],
      [],
    ]);
  });
});
