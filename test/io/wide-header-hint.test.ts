import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnsFound } from '../../src/io/mapping.js';
import { DATASETS } from '../helpers/datasets.js';
import { runClm } from '../helpers/run-clm.js';

/**
 * Found on the issue 14 walk: a HubSpot contacts export as --customers stopped with a hint
 * listing all 294 column names (9 KB). A wide header gets its count, the likely keys and the
 * first few names.
 */
describe('the columns named in a hint', () => {
  it('a narrow header is listed whole', () => {
    expect(columnsFound(['a', 'b'])).toBe('columns found: "a", "b"');
  });

  it('a wide header: the count, ids and e-mails first, the first names, and no more', () => {
    const headers = ['First Name', ...Array.from({ length: 60 }, (_, i) => `Property ${i}`), 'Date entered "Customer (Lifecycle Stage Pipeline)" with a long name', 'Email', 'Record ID'];
    const hint = columnsFound(headers);
    expect(hint).toMatch(/^64 columns, among them "Email", "Record ID"; the first are "First Name", "Property 0"/);
    expect(hint).not.toContain('Property 20');
    expect(hint).not.toContain('Lifecycle Stage Pipeline');
  });

  const hubspot = join(DATASETS, 'export-headers', 'hubspot_contacts_all_properties_2026.header.csv');
  it.skipIf(!existsSync(hubspot))('the real HubSpot contacts header, --map naming a column it lacks: a short hint naming Record ID and Email', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clm-wide-'));
    const customers = join(dir, 'contacts.csv');
    const header = readFileSync(hubspot, 'utf8').split(/\r?\n/)[0];
    writeFileSync(customers, `${header}\n`);
    const orders = join(dir, 'orders.csv');
    writeFileSync(orders, 'order_id,customer_id,order_date,amount\n1,c1,2024-01-01,10\n');
    const r = await runClm(['summary', '--orders', orders, '--customers', customers, '--map', 'customers.customer_id=Contact Key']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--map customer_id=Contact Key: no column "Contact Key" in the header');
    expect(r.stderr).toMatch(/hint: \d{3} columns, among them "Record ID",.*"Email"/);
    expect(r.stderr.length).toBeLessThan(1200);
  });
});
