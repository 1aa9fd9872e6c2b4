import { NO_DAY, type CustomerTable } from '../../domain/customer-state.js';

/** Columns of the customers query: customer_id, first_row; in table order (first row naming each customer). */
export type CustomerRows = [string[], bigint[]];
/** Columns of the ledger query: customer_id, day, orders, amount_mills; sorted by customer_id, then day. */
export type LedgerRows = [string[], number[], number[], bigint[]];

/**
 * The customers and their ledger as an engine that numbers its customers returns them: the ids
 * in table order, and the ledger sorted by customer number, then day, in typed arrays (no string
 * per ledger row): customer i's entries are ledgerStart[i] to ledgerStart[i + 1]. `ledgerMills`
 * holds whole mills, exact as doubles below 2^53; buildIndexedTable turns it into the amounts
 * in place.
 */
export interface IndexedRows {
  ids: string[];
  ledgerStart: Int32Array;
  ledgerDay: Int32Array;
  ledgerOrders: Int32Array;
  ledgerMills: Float64Array;
  /** Channel and country per customer number (null: none). */
  attributes?: [(string | null)[], (string | null)[]];
}

/**
 * The CustomerTable from the SQL's customers and ledger (engine/sql/compile.ts): customers in
 * the order of the first row that named them, as the streaming engine numbers them; money
 * summed in integer mills per customer and divided by 1000 only here.
 */
export function buildTable(
  customers: CustomerRows,
  ledger: LedgerRows,
  attributeNames: readonly ('channel' | 'country')[] = [],
  attributes?: [string[], (string | null)[], (string | null)[]],
  /** Customers with no ledger entry are prospects (of a customers file); else none may lack one. */
  prospects = false,
): CustomerTable {
  const [ids] = customers;
  const [lc, ld, lo, lm] = ledger;
  const number = new Map<string, number>();
  ids.forEach((id, i) => number.set(id, i));
  // each customer's run of ledger rows, in customer number order (the rows come sorted by id)
  const runs: [number, number][] = new Array(ids.length);
  for (let k = 0; k < lc.length; ) {
    let e = k + 1;
    while (e < lc.length && lc[e] === lc[k]) e++;
    const i = number.get(lc[k]);
    if (i === undefined) throw new Error(`the customers from the SQL have no customer ${JSON.stringify(lc[k])} of the ledger`);
    runs[i] = [k, e];
    k = e;
  }
  const rows: IndexedRows = {
    ids,
    ledgerStart: new Int32Array(ids.length + 1),
    ledgerDay: new Int32Array(lc.length),
    ledgerOrders: new Int32Array(lc.length),
    ledgerMills: new Float64Array(lc.length),
  };
  let w = 0;
  for (let i = 0; i < ids.length; i++) {
    const run = runs[i];
    if (!run && !prospects) throw new Error(`the ledger from the SQL has no entry for customer ${JSON.stringify(ids[i])}`);
    rows.ledgerStart[i] = w;
    for (let k = run?.[0] ?? 0; k < (run?.[1] ?? 0); k++, w++) {
      rows.ledgerDay[w] = ld[k];
      rows.ledgerOrders[w] = lo[k];
      rows.ledgerMills[w] = Number(lm[k]);
    }
  }
  rows.ledgerStart[ids.length] = w;
  if (attributes) {
    const channel: (string | null)[] = new Array(ids.length).fill(null);
    const country: (string | null)[] = new Array(ids.length).fill(null);
    attributes[0].forEach((id, k) => {
      const i = number.get(id);
      if (i === undefined) return;
      channel[i] = attributes[1][k];
      country[i] = attributes[2][k];
    });
    rows.attributes = [channel, country];
  }
  return buildIndexedTable(rows, attributeNames, prospects);
}

/** The CustomerTable from numbered customers and their ledger (IndexedRows); the ledger's arrays become the table's. */
export function buildIndexedTable(rows: IndexedRows, attributeNames: readonly ('channel' | 'country')[] = [], prospects = false): CustomerTable {
  const { ids, ledgerStart, ledgerDay, ledgerOrders, ledgerMills } = rows;
  const n = ids.length;
  if (ledgerStart.length !== n + 1 || ledgerStart[n] !== ledgerDay.length) throw new Error(`the ledger from the SQL does not match its ${n} customers`);
  const firstDay = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const orders = new Int32Array(n);
  const purchaseDays = new Int32Array(n);
  const revenue = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (ledgerStart[c] >= ledgerStart[c + 1] && !prospects) throw new Error(`the ledger from the SQL has no entry for customer ${JSON.stringify(ids[c])}`);
    let first = NO_DAY;
    let last = NO_DAY;
    let o = 0;
    let pd = 0;
    let mills = 0;
    for (let k = ledgerStart[c]; k < ledgerStart[c + 1]; k++) {
      if (ledgerOrders[k] > 0) {
        o += ledgerOrders[k];
        pd++;
        if (first === NO_DAY) first = ledgerDay[k];
        last = ledgerDay[k];
      }
      mills += ledgerMills[k];
      // whole mills add up exactly while they stay below 2^53
      if (!(Math.abs(mills) <= Number.MAX_SAFE_INTEGER)) throw new Error(`customer ${JSON.stringify(ids[c])} has more money than a double holds in whole mills`);
      ledgerMills[k] /= 1000;
    }
    firstDay[c] = first;
    lastDay[c] = last;
    orders[c] = o;
    purchaseDays[c] = pd;
    revenue[c] = mills / 1000;
  }
  return {
    size: n,
    ids,
    firstDay,
    lastDay,
    orders,
    purchaseDays,
    revenue,
    ledgerStart,
    ledgerDay,
    ledgerOrders,
    ledgerAmount: ledgerMills,
    attributeNames: [...attributeNames],
    attributes: attributeNames.map((name) => {
      const col = rows.attributes?.[name === 'channel' ? 0 : 1];
      return ids.map((_, c) => {
        const v = col?.[c];
        return v === null || v === undefined || v === '' ? undefined : v;
      });
    }),
  };
}
