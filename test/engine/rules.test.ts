import { describe, expect, it } from 'vitest';
import {
  bookedAmount,
  classifyOrder,
  classifyStatus,
  excludedStatusClass,
  ORDER_RULES,
  REASONS,
  STATUS_REASON,
  STATUS_WORDS,
  statusOverrides,
  type OrderFacts,
} from '../../src/engine/rules.js';
import { day } from '../helpers/ledger-table.js';

const paid: OrderFacts = {
  hasCustomer: true,
  status: 'counted',
  cancelled: false,
  currency: 'USD',
  day: day('2024-03-01'),
  amount: 100,
  refund: 0,
  cancelInvoice: false,
  moreLines: false,
};
const o = (over: Partial<OrderFacts>): OrderFacts => ({ ...paid, ...over });
const none = {};

describe('engine/rules: spec §1.3, rule by rule', () => {
  it('a paid order counts, booked at its amount; a zero-value order counts too (CDNOW has 80)', () => {
    expect(classifyOrder(paid, none)).toBe('order');
    expect(bookedAmount(paid, 'order')).toBe(100);
    expect(classifyOrder(o({ amount: 0 }), none)).toBe('order');
  });

  it('completed / paid / delivered / fulfilled count; cancelled, voided, failed, test, pending are excluded by reason', () => {
    const none = new Map();
    for (const s of ['completed', 'Paid', 'delivered', 'FULFILLED', 'succeeded', '']) expect(classifyStatus(s, none)).toBe('counted');
    expect(classifyStatus('Cancelled', none)).toBe('cancelled');
    expect(classifyStatus('voided', none)).toBe('cancelled');
    expect(classifyStatus('Failed', none)).toBe('failed');
    expect(classifyStatus('test', none)).toBe('test');
    expect(classifyStatus('On Hold', none)).toBe('pending');
    expect(classifyStatus('on-hold', none)).toBe('pending');
    expect(classifyStatus('bezahlt', none)).toBe('unknown'); // never counted by accident
    expect(classifyStatus('отменен', none)).toBe('unknown'); // another script is a status, never blank
    for (const st of ['cancelled', 'failed', 'pending', 'test', 'unknown', 'excluded'] as const) {
      expect(classifyOrder(o({ status: st }), {})).toBe(STATUS_REASON[st]);
    }
  });

  it('--count-status and --exclude-status override the words; a status in both counts', () => {
    const m = statusOverrides(['bezahlt', 'storniert'], ['storniert', 'On Hold', 'paid']);
    expect(classifyStatus('Bezahlt', m)).toBe('counted');
    expect(classifyStatus('storniert', m)).toBe('counted');
    expect(classifyStatus('on hold', m)).toBe('pending'); // keeps its own reason
    expect(classifyStatus('paid', m)).toBe('excluded');
    expect(excludedStatusClass('Chargeback')).toBe('refunded');
  });

  it('a row without a customer id is excluded before anything else', () => {
    expect(classifyOrder(o({ hasCustomer: false, status: 'cancelled' }), none)).toBe('no_customer_id');
  });

  it('a cancellation date excludes the order as cancelled, whatever its status', () => {
    expect(classifyOrder(o({ cancelled: true }), none)).toBe('status_cancelled');
  });

  it('a negative amount is a refund: it reduces revenue by its absolute value and never creates an order', () => {
    const r = o({ amount: -12 });
    expect(classifyOrder(r, none)).toBe('refund');
    expect(bookedAmount(r, 'refund')).toBe(-12);
    // a refund row may carry a refunded status
    expect(classifyOrder(o({ amount: -12, status: 'refunded' }), none)).toBe('refund');
    // a refunded status on a positive order: excluded as fully refunded
    expect(classifyOrder(o({ status: 'refunded' }), none)).toBe('status_refunded');
  });

  it('a C-prefixed cancellation invoice is a refund whatever the sign of its amount', () => {
    const c = o({ cancelInvoice: true, amount: 30 });
    expect(classifyOrder(c, none)).toBe('refund');
    expect(bookedAmount(c, 'refund')).toBe(-30);
  });

  it('a refund column reduces the order; one that covers the whole amount excludes it as fully refunded', () => {
    const part = o({ refund: 40 });
    expect(classifyOrder(part, none)).toBe('order');
    expect(bookedAmount(part, 'order')).toBe(60);
    expect(classifyOrder(o({ refund: 100 }), none)).toBe('status_refunded');
    // a refund column beyond the amount leaves a negative net: booked as a refund of the excess
    expect(classifyOrder(o({ refund: 150 }), none)).toBe('refund');
    expect(bookedAmount(o({ refund: 150 }), 'refund')).toBe(-50);
  });

  it('with --currency, an order in another currency is excluded; one without a currency is kept', () => {
    expect(classifyOrder(o({ currency: 'EUR' }), { currency: 'USD' })).toBe('other_currency');
    expect(classifyOrder(o({ currency: '' }), { currency: 'USD' })).toBe('order');
    expect(classifyOrder(o({ currency: 'EUR' }), none)).toBe('order'); // the one-currency check is the reader's, over all rows
  });

  it('an order dated after --as-of is excluded; one on the as-of day counts', () => {
    expect(classifyOrder(paid, { asOf: paid.day - 1 })).toBe('after_as_of');
    expect(classifyOrder(paid, { asOf: paid.day })).toBe('order');
  });

  it('line grain: more lines of an order id booked earlier add to it without a new order', () => {
    expect(classifyOrder(o({ moreLines: true }), none)).toBe('lines');
    expect(classifyOrder(o({ moreLines: true, amount: -5 }), none)).toBe('lines'); // a negative line is not a refund of its own
    expect(classifyOrder(o({ moreLines: true, cancelInvoice: true, amount: 5 }), none)).toBe('refund_lines');
    expect(bookedAmount(o({ moreLines: true, cancelInvoice: true, amount: 5 }), 'refund_lines')).toBe(-5);
  });

  it('the first rule that holds decides, in the order of ORDER_RULES', () => {
    expect(ORDER_RULES.map((r) => r.reason(o({ status: 'pending' })))).toEqual([
      'no_customer_id', 'status_cancelled', 'status_pending', 'other_currency', 'after_as_of', 'status_refunded',
    ]);
    // cancelled beats the currency and the as-of date
    expect(classifyOrder(o({ cancelled: true, currency: 'EUR' }), { currency: 'USD', asOf: 0 })).toBe('status_cancelled');
    // a status beats the currency
    expect(classifyOrder(o({ status: 'test', currency: 'EUR' }), { currency: 'USD' })).toBe('status_test');
    // the currency beats the as-of date
    expect(classifyOrder(o({ currency: 'EUR' }), { currency: 'USD', asOf: 0 })).toBe('other_currency');
  });

  it('every reason has the words the summary prints, and every status word one class', () => {
    for (const r of ORDER_RULES) {
      for (const st of ['counted', 'cancelled', 'pending'] as const) {
        const reason = r.reason(o({ status: st }));
        if (reason) expect(REASONS[reason]).toMatch(/\w/);
      }
    }
    const seen = new Map<string, string>();
    for (const [cls, words] of Object.entries(STATUS_WORDS)) {
      for (const w of words) {
        expect(seen.get(w), `${w} in ${cls} and ${seen.get(w)}`).toBeUndefined();
        expect(w).toMatch(/^[a-z0-9]+$/);
        seen.set(w, cls);
      }
    }
  });
});
