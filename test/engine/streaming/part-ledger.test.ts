import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatParts, groupPart, type PartLedger } from '../../../src/engine/streaming/part-ledger.js';

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

/** Each customer's entries [day, orders, mills]: first part's in arrival order, then the later part's. */
function expected(first: Entry[], later: Entry[], remap: number[], customers: number): number[][][] {
  const out: number[][][] = Array.from({ length: customers }, () => []);
  for (const [c, d, o, m] of first) out[c].push([d, o, m]);
  for (const [j, d, o, m] of later) out[remap[j]].push([d, o, m]);
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
  it('groupPart then concatParts lay every customer out as its first-part entries, then its later-part entries, each in arrival order (property)', () => {
    // the later part's customers: some of the first part's (any order), then new ones appended after them
    const shape = fc.integer({ min: 1, max: 40 }).chain((own) =>
      fc.record({
        own: fc.constant(own),
        shared: fc.shuffledSubarray(Array.from({ length: own }, (_, i) => i)),
        appended: fc.integer({ min: 0, max: 10 }),
      }),
    );
    const input = shape.chain(({ own, shared, appended }) => {
      const remap = [...shared, ...Array.from({ length: appended }, (_, k) => own + k)];
      return fc.record({
        own: fc.constant(own),
        remap: fc.constant(remap),
        first: fc.array(entry(own), { maxLength: 200 }),
        later: remap.length ? fc.array(entry(remap.length), { maxLength: 200 }) : fc.constant([] as Entry[]),
      });
    });
    fc.assert(
      fc.property(input, ({ own, remap, first, later }) => {
        const customers = own + remap.filter((i) => i >= own).length;
        const release = (): void => {};
        const a = groupPart(ledgerOf(first), own, release, false);
        const b = groupPart(ledgerOf(later), remap.length, release, false);
        const all = concatParts(a, b, Int32Array.from(remap), customers, release);
        expect(all.start[customers]).toBe(first.length + later.length);
        expect(runs(all, customers)).toEqual(expected(first, later, remap, customers));
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
