import { NO_DAY, type CustomerTable } from '../../domain/customer-state.js';

/** Columns of the customers query: customer_id, first_row; in table order (first row naming each customer). */
export type CustomerRows = [string[], bigint[]];
/** Columns of the ledger query: customer_id, day, orders, amount_mills; sorted by customer_id, then day. */
export type LedgerRows = [string[], number[], number[], bigint[]];

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
): CustomerTable {
  const [ids] = customers;
  const [lc, ld, lo, lm] = ledger;
  const n = ids.length;
  // each customer's run of ledger rows
  const runs = new Map<string, [number, number]>();
  for (let k = 0; k < lc.length; ) {
    let e = k + 1;
    while (e < lc.length && lc[e] === lc[k]) e++;
    runs.set(lc[k], [k, e]);
    k = e;
  }
  const firstDay = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const orders = new Int32Array(n);
  const purchaseDays = new Int32Array(n);
  const revenue = new Float64Array(n);
  const ledgerStart = new Int32Array(n + 1);
  const ledgerDay = new Int32Array(lc.length);
  const ledgerOrders = new Int32Array(lc.length);
  const ledgerAmount = new Float64Array(lc.length);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const run = runs.get(ids[i]);
    if (!run) throw new Error(`the ledger from the SQL has no entry for customer ${JSON.stringify(ids[i])}`);
    ledgerStart[i] = w;
    let first = NO_DAY;
    let last = NO_DAY;
    let o = 0;
    let pd = 0;
    let mills = 0n;
    for (let k = run[0]; k < run[1]; k++, w++) {
      ledgerDay[w] = ld[k];
      ledgerOrders[w] = lo[k];
      ledgerAmount[w] = Number(lm[k]) / 1000;
      mills += lm[k];
      if (lo[k] > 0) {
        o += lo[k];
        pd++;
        if (first === NO_DAY) first = ld[k];
        last = ld[k];
      }
    }
    firstDay[i] = first;
    lastDay[i] = last;
    orders[i] = o;
    purchaseDays[i] = pd;
    revenue[i] = Number(mills) / 1000;
  }
  ledgerStart[n] = w;
  const attrOf = new Map<string, number>();
  if (attributes) attributes[0].forEach((id, k) => attrOf.set(id, k));
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
    ledgerAmount,
    attributeNames: [...attributeNames],
    attributes: attributeNames.map((name) => {
      const col = name === 'channel' ? attributes![1] : attributes![2];
      return ids.map((id) => {
        const k = attrOf.get(id);
        const v = k === undefined ? null : col[k];
        return v === null || v === '' ? undefined : v;
      });
    }),
  };
}
