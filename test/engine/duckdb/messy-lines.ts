import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A generated line-item export in the UCI layout (preset online-retail) plus a status and a
 * refund column, made messy for the engines' agreement at line grain: orders of one to five
 * lines, orders split (their id again later in the file, on another day and for another
 * customer), C-prefixed cancellation invoices (split too, and for customers with no order),
 * lines without a customer id, a cancelled, pending or unknown status on an order's first line
 * (and other statuses on later lines, which do not count), partial and full refunds, a
 * placeholder or impossible date on a first line (the next line then starts the order) and on
 * later lines (ignored), a row of another order with a bad date between two lines, rows with
 * no quantity or price, empty order ids, an empty row and the header again.
 */
export function messyLines(seed: number): { csv: string; amounts: string; rows: number } {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const header = 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,Status,Refund';
  const out: string[] = [header];
  const day = (): string => {
    const d = new Date(Date.UTC(2021, 0, 1) + Math.floor(rand() * 700) * 86400000);
    return `${d.toISOString().slice(0, 10)} ${String(8 + Math.floor(rand() * 10)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00`;
  };
  const customer = (): string => pick(['', `${12000 + Math.floor(rand() * 150)}.0`, `${12000 + Math.floor(rand() * 150)}`]);
  const price = (): string => pick(['2.55', '3.39', '0.85', '12.5', '1.25', '0.165', '7']);
  const placed: { id: string; cust: string }[] = [];
  let invoice = 500000;
  const line = (id: string, qty: string, date: string, cust: string, status = '', refund = ''): void => {
    out.push([id, `SKU${Math.floor(rand() * 90)}`, qty, date, price(), cust, pick(['United Kingdom', 'France', 'EIRE']), status, refund].join(','));
  };
  for (let n = 0; n < 1200; n++) {
    const u = rand();
    const cancel = u < 0.08;
    const id = cancel ? `C${invoice++}` : String(invoice++);
    const cust = rand() < 0.06 ? '' : customer() || '12001';
    const date = day();
    const lines = 1 + Math.floor(rand() * 5);
    const first = rand();
    for (let k = 0; k < lines; k++) {
      const qty = String((cancel ? -1 : 1) * (1 + Math.floor(rand() * 12)));
      let d = date;
      let status = k === 0 ? '' : pick(['', '', 'Cancelled', 'pending']);
      let refund = '';
      if (k === 0) {
        if (first < 0.03) status = 'Cancelled';
        else if (first < 0.05) status = 'Pending';
        else if (first < 0.06) status = 'weird';
        else if (first < 0.08) d = '1900-01-01 00:00:00';
        else if (first < 0.09) d = '2021-02-30 10:00:00';
        else if (first < 0.1) refund = '5.00';
        else if (first < 0.11) refund = '100000';
      } else if (rand() < 0.05) d = pick(['1900-01-01', '2021-02-30', '', '1850-01-01']);
      line(id, qty, d, cust, status, refund);
      const v = rand();
      if (v < 0.01) line(String(invoice + 7), '2', '1850-06-01 10:00:00', customer()); // another order's row with a bad date, between two lines
      else if (v < 0.015) line(id, '', date, cust); // no quantity
      else if (v < 0.02) out.push([id, 'SKU1', '3', date, '', cust, 'France', '', ''].join(',')); // no price
    }
    placed.push({ id, cust });
    const w = rand();
    // the order's id again later (split order): another day and often another customer
    if (w < 0.06 && placed.length > 5) {
      const o = pick(placed);
      for (let k = 0; k < 1 + Math.floor(rand() * 2); k++) line(o.id, String((o.id.startsWith('C') ? -1 : 1) * (1 + Math.floor(rand() * 4))), day(), rand() < 0.5 ? o.cust : customer());
    }
  }
  out.push(',,,,,,,,');
  out.push(header);
  line('C999001', '-3', '2021-05-05 10:00:00', '99999'); // a cancellation of a customer with no order
  line('C999001', '-1', '2021-05-05 10:00:00', '99999');
  line('', '1', '2021-06-06 10:00:00', '12005'); // empty order ids: consecutive rows are lines of one order
  line('', '2', '2021-06-07 10:00:00', '12006');
  const dir = mkdtempSync(join(tmpdir(), 'clm-lines-'));
  const csv = join(dir, 'lines.csv');
  writeFileSync(csv, `${out.join('\n')}\n`);
  // the same lines with a line amount (blank on every seventh line, read as 0) instead of the
  // price: line grain over an amount column (`--grain line`, as a Shopify export is read)
  const amounts = join(dir, 'line-amounts.csv');
  const withAmount = out.map((l, i) => {
    const f = l.split(',');
    if (i === 0 || f[0] === 'InvoiceNo') return [...f.slice(0, 4), 'Total', ...f.slice(5)].join(',');
    const total = f[2] !== '' && f[4] !== '' && i % 7 !== 0 ? (Number(f[2]) * Number(f[4])).toFixed(2) : '';
    return [...f.slice(0, 4), f.length > 4 ? total : '', ...f.slice(5)].join(',');
  });
  writeFileSync(amounts, `${withAmount.join('\n')}\n`);
  return { csv, amounts, rows: out.length - 1 };
}
