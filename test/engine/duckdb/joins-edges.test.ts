import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbEngine } from '../../../src/engine/duckdb/duckdb-engine.js';
import { readCustomerState } from '../../../src/engine/streaming/read-orders.js';
import type { ReadSpec } from '../../../src/engine/spec.js';
import { expectAgreement, expectJoinAgreement } from './agree.js';

/** Hand-made Olist-shaped files with every case of the joins (engine/sql/joins.ts), read by both engines. */
const dir = mkdtempSync(join(tmpdir(), 'clm-joins-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const customers = file(
  'customers.csv',
  [
    'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state',
    'c1,p1,100,rio,RJ',
    'c2,p1,200,sao paulo,SP', // a second id of person p1: a duplicate row, p1 keeps its first row
    'c3,,300, , ', // no person: keyed by its id; blank attributes are none
    ' ,p9,400,x,Y', // a blank id: left out
    ',,,,', // an empty row
    'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state', // the header again
    'c4,p4,500,belo horizonte,MG', // a prospect: no order
    'c5,p5,600,curitiba,PR', // only a cancelled order: listed, placed where the orders name it
    'c6,p6,700,natal,RN',
    'c6,p7,800,recife,PE', // c6 again: its orders go to p7 (the last person named), p7 keeps this row
    'P1,,900,z,Z', // an id that is a person key elsewhere: no match (case kept)
  ].join('\n') + '\n',
);
const orders = file(
  'orders.csv',
  [
    'order_id,customer_id,order_status,order_purchase_timestamp',
    'o1,c5,canceled,2024-01-01 10:00:00',
    'o2,c1,delivered,2024-01-02 10:00:00',
    'o3,c2,delivered,2024-01-03 10:00:00',
    'o4,c3,delivered,2024-01-04 10:00:00',
    'o5,c9,delivered,2024-01-05 10:00:00', // a customer not in the customers file
    'o6,c1,delivered,2024-01-06 10:00:00', // no payment row: no_payment
    'o7,c3,canceled,2024-01-07 10:00:00', // no payment and cancelled: by its status
    'o8,c3,weird,2024-01-08 10:00:00', // no payment and an unknown status
    'o9,c6,delivered,2024-01-10 10:00:00',
    'o10,c1,delivered,2024-01-11 10:00:00', // a negative payment: a refund
    'o11,,delivered,2024-01-12 10:00:00', // no customer id
    ' o12 ,c9,delivered,2024-01-13 10:00:00', // an id with blanks: the payments are keyed trimmed
  ].join('\n') + '\n',
);
const payments = file(
  'payments.csv',
  [
    'order_id,payment_sequential,payment_type,payment_installments,payment_value',
    'o1,1,voucher,1,10.5',
    'o2,1,credit_card,1,20.25',
    'o2,2,voucher,1,0.755',
    'o3,1,boleto,1,7',
    'o4,1,credit_card,3,99.99',
    'o5,1,credit_card,1,.5',
    'o9,1,credit_card,1,13.1',
    'o10,1,credit_card,1,-4.2',
    'o11,1,credit_card,1,1',
    'o12,1,credit_card,1,3.3',
    'o99,1,credit_card,1,1000', // an unknown order: adds nothing
  ].join('\n') + '\n',
);
const items = file('items.csv', ['order_id,order_item_id,price,freight_value', 'o1,1,1,2', 'o2,1,10,', 'o2,2,5.5,1.25', 'o3,1,7,0', 'o4,1,1,1', 'o5,1,2,3', 'o9,1,4,4', 'o10,1,-9,1', 'o11,1,1,1', 'o12,1,2,2'].join('\n') + '\n');

function spec(more: Partial<ReadSpec>): ReadSpec {
  return { orders, customers, payments, preset: 'olist', map: { orders: new Map(), customers: new Map(), payments: new Map() }, warn: () => {}, parallel: 'off', ...more };
}

describe('the joins in SQL, case by case, against the streaming engine', () => {
  for (const [name, more] of [
    ['payments', {}],
    ['order items (price + freight, an empty freight)', { payments: items }],
    ['customers only: orders with an amount column', { payments: undefined, orders: file('amounts.csv', 'order_id,customer_id,order_date,amount\no1,c1,2024-01-01,5\no2,c6,2024-01-02,6\no3,c2,2024-01-03,7\n'), preset: undefined }],
  ] as [string, Partial<ReadSpec>][]) {
    it(name, async () => {
      const warnedD: string[] = [];
      const warnedS: string[] = [];
      const s = await readCustomerState(spec({ ...more, warn: (m) => void warnedS.push(m) }));
      const d = await duckdbEngine.read(spec({ ...more, warn: (m) => void warnedD.push(m) }));
      expectAgreement(d, s);
      expectJoinAgreement(d, s);
      expect(warnedD).toEqual(warnedS);
    });
  }

  it('refuses payments it cannot sum as the streaming engine does, naming why', async () => {
    const cases: [string, RegExp][] = [
      ['order_id,payment_value\no2,$5\n', /form only the streaming engine reads/],
      ['order_id,payment_value\no2,\n', /form only the streaming engine reads/],
      ['order_id,payment_value\no2,1.0005\n', /more than three decimals/],
      ['order_id,payment_value\no2,900000000000\no2,900000000000\n', /so large/],
    ];
    for (const [text, why] of cases) await expect(duckdbEngine.read(spec({ payments: file('bad.csv', text) }))).rejects.toThrow(why);
  });
});
