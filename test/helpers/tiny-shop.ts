import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Twelve customers over 2024, 7 of them repeat buyers, 11 gaps between purchase days
 * (3+1+2+1+2+1+1): too small for the derived thresholds, RFM and a converged BG/NBD fit.
 * Writes orders.csv in a new temporary folder and returns its path.
 */
export function tinyShopOrders(): string {
  const days: Record<string, string[]> = {
    C1: ['2024-01-05', '2024-03-09', '2024-06-30', '2024-11-29'],
    C2: ['2024-02-11'],
    C3: ['2024-04-02', '2024-09-14'],
    C4: ['2024-05-20', '2024-07-01', '2024-12-02'],
    C5: ['2024-08-08'],
    C6: ['2024-01-20', '2024-02-25'],
    C7: ['2024-03-03', '2024-10-10', '2024-12-20'],
    C8: ['2024-06-06'],
    C9: ['2024-09-09', '2024-11-11'],
    C10: ['2024-02-02', '2024-05-05'],
    C11: ['2024-12-01'],
    C12: ['2024-07-07'],
  };
  const rows: string[] = [];
  let k = 0;
  for (const [c, ds] of Object.entries(days)) for (const d of ds) rows.push([`O${++k}`, c, d, 20 + ((k * 37) % 70)].join(','));
  const path = join(mkdtempSync(join(tmpdir(), 'clm-tiny-')), 'orders.csv');
  writeFileSync(path, 'order_id,customer_id,order_date,amount\n' + rows.join('\n') + '\n');
  return path;
}
