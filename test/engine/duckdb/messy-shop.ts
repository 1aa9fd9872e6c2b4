import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateShop, type ShopFile } from '../../../src/gen/generate.js';

/**
 * A generated shop (src/gen: refunds, cancelled and pending orders, a second currency) made
 * messy the way exports are, for the engines' agreement: duplicate order ids before and after
 * the original (other customer, day and amount), refunds of customers with no order, statuses
 * in other spellings and unknown ones, blank statuses, a refund column and a cancellation
 * date, a blank line, an empty row and the header line again, placeholder, impossible and empty dates,
 * empty amounts and customer ids, `17850.0` and upper-case e-mail ids, padded values, zero
 * amounts, ISO `T…Z` and `YYYYMMDD` dates. Written as .csv and .csv.gz to a temporary folder.
 */
export function messyShop(seed: number): { csv: string; gz: string; rows: number } {
  let text = '';
  generateShop({ customers: 400, orders: 3000, seed, secondCurrency: 'EUR' }, (f: ShopFile, c: string) => {
    if (f === 'orders.csv') text += c;
  });
  const lines = text.trimEnd().split('\n');
  const header = `${lines[0]},refunded_amount,cancelled_at`;
  const rows = lines.slice(1).map((l) => l.split(','));
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out: string[][] = [];
  for (const r of rows) {
    const row = [...r, '', ''];
    const u = rand();
    if (u < 0.03) row[7] = (Number(row[3]) * 0.4).toFixed(2); // partial refund column
    else if (u < 0.04) row[7] = row[3]; // fully refunded through the column
    else if (u < 0.05) row[8] = row[2]; // a cancellation date
    else if (u < 0.06) row[5] = ['On Hold', 'PAID', 'Completed', '', 'bezahlt', 'TEST', 'Chargeback', ' shipped '][Math.floor(rand() * 8)];
    else if (u < 0.07) row[2] = row[2].replace(' ', 'T') + 'Z';
    else if (u < 0.08) row[2] = row[2].slice(0, 10).replace(/-/g, '');
    else if (u < 0.085) row[3] = '0';
    else if (u < 0.09) row[1] = ` ${row[1]} `;
    out.push(row);
    const v = rand();
    // a duplicate of this order id, later in the file (other day, amount and customer)
    if (v < 0.008) out.push([row[0], `C${String(Math.floor(rand() * 500)).padStart(7, '0')}`, '2022-06-01 10:00:00', '99.99', 'USD', 'paid', 'web', '', '']);
    // a duplicate placed before the original
    else if (v < 0.015 && out.length > 10) out.splice(out.length - 5, 0, [row[0], row[1], '2021-03-03', '5.00', 'USD', 'paid', 'app', '', '']);
  }
  const extra: string[][] = [
    ['X1', 'NOBODY1', '2022-01-01', '-20.00', 'USD', 'refunded', 'web', '', ''], // refund without an order
    ['X2', '', '2022-01-01', '20.00', 'USD', 'paid', 'web', '', ''], // no customer
    ['X3', 'C0000001', '1900-01-01', '20.00', 'USD', 'paid', 'web', '', ''], // placeholder date
    ['X4', 'C0000001', '2023-02-30', '20.00', 'USD', 'paid', 'web', '', ''], // no such day
    ['X5', 'C0000001', '', '20.00', 'USD', 'paid', 'web', '', ''], // no date
    ['X6', 'C0000001', '2022-01-01', '', 'USD', 'paid', 'web', '', ''], // no amount
    ['X7', '17850.0', '2022-02-02', '12.5', 'USD', 'paid', 'web', '', ''],
    ['X8', '17850', '2022-02-03', '.5', 'USD', 'paid', 'web', '', ''],
    ['X9', 'Ann@Example.COM', '2022-02-02', '30', 'USD', 'paid', 'app', '', ''],
    ['X10', 'ann@example.com', '2022-03-02', '-10', 'USD', '', 'app', '', ''],
    ['', 'C0000002', '2022-03-03', '7.25', 'USD', 'paid', 'web', '', ''], // no order id: never a duplicate
    ['', 'C0000002', '2022-03-03', '7.25', 'USD', 'paid', 'web', '', ''],
    ['X11', 'C0000003', '1850-01-01', '7.25', 'USD', 'paid', 'web', '', ''], // before any believable order
  ];
  for (const [k, row] of extra.entries()) out.splice(Math.floor((k + 1) * (out.length / (extra.length + 2))), 0, row);
  out.splice(Math.floor(out.length / 3), 0, ['', '', '', '', '', '', '', '', '']);
  out.splice(Math.floor(out.length / 2), 0, header.split(','));
  out.splice(Math.floor(out.length / 4), 0, ['']); // a blank line: no row at all for either engine
  const body = `${header}\n${out.map((r) => r.join(',')).join('\n')}\n`;
  const dir = mkdtempSync(join(tmpdir(), 'clm-messy-'));
  const csv = join(dir, 'orders.csv');
  const gz = join(dir, 'orders.csv.gz');
  writeFileSync(csv, body);
  writeFileSync(gz, gzipSync(body));
  return { csv, gz, rows: out.length - 1 };
}
