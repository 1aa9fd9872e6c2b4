import type { Day } from '../domain/dates.js';

/**
 * What counts as an order: the rules of spec §1.3, as data, and the one pure function that
 * applies them to an order. Every engine applies these tables: the streaming reader calls
 * `classifyOrder` for every order it gathers (engine/streaming, today io/order-pass.ts); an SQL
 * engine compiles the same tables into CASE expressions. The value grammar (what a date or an
 * amount looks like) is io/values.ts; this file decides what a row *is* once its values are
 * read.
 *
 * An order is one row, or, at line grain, every row with the same order id (spec §1.3: line
 * items). Its outcome is one of:
 * - `order`: a counted order of its customer, booked with `bookedAmount`;
 * - `refund`: a refund of its customer (never an order);
 * - `lines` / `refund_lines`: more lines of an order id already booked (line grain), added to
 *   that customer's day as an amount (or a refund) without a new order;
 * - an exclusion reason (`status_cancelled`, `after_as_of`, ...): counted, not used;
 * a row whose values cannot be read is rejected before it reaches these rules (REJECTIONS).
 */

/** Status classes: `excluded` is a status --exclude-status names that is otherwise counted or unknown. */
export type StatusClass = 'counted' | 'cancelled' | 'failed' | 'pending' | 'refunded' | 'test' | 'unknown' | 'excluded';

/**
 * Status words per class, looked up by their key (lower case, letters and digits only: `On
 * Hold` is `onhold`). A blank status counts; a status not listed is `unknown` and excluded,
 * so an export in another language is never counted by accident (`clm init` lists them).
 */
export const STATUS_WORDS: Readonly<Record<Exclude<StatusClass, 'unknown' | 'excluded'>, readonly string[]>> = {
  counted: [
    'paid', 'completed', 'complete', 'delivered', 'fulfilled', 'succeeded', 'success', 'successful', 'shipped', 'invoiced',
    'approved', 'processing', 'inprocess', 'inprogress', 'partiallyrefunded', 'partiallypaid', 'partiallyfulfilled',
    'unfulfilled', 'closedwon', 'won', 'settled', 'captured', 'done', 'finished', 'active',
  ],
  cancelled: ['cancelled', 'canceled', 'cancel', 'voided', 'void', 'unavailable', 'reversed', 'rejected'],
  failed: ['failed', 'failure', 'declined', 'error', 'blocked'],
  pending: [
    'pending', 'created', 'onhold', 'draft', 'awaitingpayment', 'unpaid', 'authorized', 'open', 'new', 'checkoutdraft',
    'incomplete', 'requirespaymentmethod', 'requiresaction', 'expired', 'abandoned', 'partiallyauthorized',
  ],
  refunded: ['refunded', 'fullyrefunded', 'chargeback', 'chargedback'],
  test: ['test', 'testorder'],
};

const STATUS_OF = new Map<string, StatusClass>();
for (const [cls, words] of Object.entries(STATUS_WORDS)) for (const w of words) STATUS_OF.set(w, cls as StatusClass);

/**
 * The key a status is looked up by: lower case without punctuation or spaces (`On Hold` and
 * `on-hold` are `onhold`). Letters outside a-z are kept, so a status in another script
 * (`отменен`, `已取消`) is a status of its own, never blank.
 */
export function normalizeStatus(raw: string): string {
  return raw.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Classifies an order status; `overrides` come from --count-status/--exclude-status. A blank status counts. */
export function classifyStatus(raw: string, overrides: ReadonlyMap<string, StatusClass>): StatusClass {
  if (raw.trim() === '') return 'counted';
  const k = normalizeStatus(raw);
  return overrides.get(k) ?? STATUS_OF.get(k) ?? 'unknown';
}

/**
 * The class --exclude-status gives a status: its own class when that already excludes it
 * (`On Hold` stays pending, `Chargeback` refunded), else `excluded`, counted under its own
 * reason (not under "cancelled / voided").
 */
export function excludedStatusClass(raw: string): StatusClass {
  const own = STATUS_OF.get(normalizeStatus(raw));
  return own === undefined || own === 'counted' ? 'excluded' : own;
}

/** The status overrides of --count-status and --exclude-status (a status in both: counted). */
export function statusOverrides(countStatus: readonly string[] = [], excludeStatus: readonly string[] = []): Map<string, StatusClass> {
  const m = new Map<string, StatusClass>();
  for (const s of excludeStatus) m.set(normalizeStatus(s), excludedStatusClass(s));
  for (const s of countStatus) m.set(normalizeStatus(s), 'counted');
  return m;
}

/** The exclusion reason of each status class that does not count. */
export const STATUS_REASON: Readonly<Record<StatusClass, ExclusionReason | ''>> = {
  counted: '',
  cancelled: 'status_cancelled',
  failed: 'status_failed',
  pending: 'status_pending',
  refunded: 'status_refunded',
  test: 'status_test',
  unknown: 'status_unknown',
  excluded: 'status_excluded',
};

/** Why a row is read but not used (spec §1.3), with the words the summary prints. */
export const EXCLUSIONS = {
  no_customer_id: 'no customer id',
  status_cancelled: 'status: cancelled / voided',
  status_failed: 'status: failed / declined',
  status_pending: 'status: pending / not paid',
  status_refunded: 'fully refunded',
  status_test: 'status: test',
  status_unknown: 'status not recognised',
  status_excluded: 'status excluded by --exclude-status',
  placeholder_date: 'placeholder date (1900-01-01, 9999-12-31, 0001-01-01)',
  empty_row: 'empty row (only delimiters)',
  repeated_header: 'header line repeated mid-file',
  after_as_of: 'dated after --as-of',
  duplicate_order_id: 'duplicate order id (first kept)',
  other_currency: 'other currency than --currency',
  refund_without_order: 'refund of a customer with no counted order',
  no_payment: 'no amount in the payments file',
} as const;
export type ExclusionReason = keyof typeof EXCLUSIONS;

/** Why a row cannot be read at all (spec §1.4): rejected, counted, shown, written to --rejects. */
export const REJECTIONS = {
  bad_date: 'unparseable date',
  bad_amount: 'unparseable amount',
  bad_quantity: 'unparseable quantity',
  field_count: 'wrong number of fields',
  bad_quote: 'malformed quoting',
} as const;
export type RejectionReason = keyof typeof REJECTIONS;

/** Every reason a row is not used, with the words the summary prints. */
export const REASONS: Readonly<Record<string, string>> = { ...EXCLUSIONS, ...REJECTIONS };

/** The facts about one gathered order that the rules read. */
export interface OrderFacts {
  /** The row has a customer id (after normalising it). */
  hasCustomer: boolean;
  status: StatusClass;
  /** A cancellation date is filled in (Shopify `Cancelled at`). */
  cancelled: boolean;
  /** The order's currency, upper case; '' when the file says none. */
  currency: string;
  day: Day;
  /** The sum of its lines' amounts (negative for a refund row). */
  amount: number;
  /** The refund column (Shopify `Refunded Amount`, Stripe `Amount Refunded`), positive. */
  refund: number;
  /** A cancellation invoice (UCI: the invoice number starts with `C`). */
  cancelInvoice: boolean;
  /** Line grain: the order id was booked earlier in the file; these are more of its lines. */
  moreLines: boolean;
}

/** The run's settings the rules read. */
export interface OrderRules {
  /** --currency: the one currency kept; orders in another are excluded. */
  currency?: string;
  /** --as-of: orders dated later are excluded. */
  asOf?: Day;
}

export type OrderOutcome = 'order' | 'refund' | 'lines' | 'refund_lines' | ExclusionReason;

/** A refund: a cancellation invoice, or a row whose amount net of its refund column is negative. */
export function isRefund(o: OrderFacts): boolean {
  return o.cancelInvoice || (!o.moreLines && o.amount - o.refund < 0);
}

/**
 * The exclusion rules of spec §1.3 in the order they apply; the first that holds decides.
 * `test` reads the facts and the run's settings and nothing else.
 */
export const ORDER_RULES: readonly { readonly rule: string; readonly reason: (o: OrderFacts) => ExclusionReason | undefined; readonly test: (o: OrderFacts, r: OrderRules) => boolean }[] = [
  {
    rule: 'a row without a customer id is nobody\'s order',
    reason: () => 'no_customer_id',
    test: (o) => !o.hasCustomer,
  },
  {
    rule: 'an order with a cancellation date is cancelled, whatever its status',
    reason: () => 'status_cancelled',
    test: (o) => o.cancelled,
  },
  {
    rule: 'cancelled, voided, failed, pending, test and unrecognised statuses are excluded by status (a refund row may say refunded)',
    reason: (o) => STATUS_REASON[o.status] || undefined,
    test: (o) => o.status !== 'counted' && !(o.status === 'refunded' && isRefund(o)),
  },
  {
    rule: 'with --currency, an order in another currency is excluded (one currency per run)',
    reason: () => 'other_currency',
    test: (o, r) => r.currency !== undefined && o.currency !== '' && o.currency !== r.currency,
  },
  {
    rule: 'an order dated after --as-of is excluded',
    reason: () => 'after_as_of',
    test: (o, r) => r.asOf !== undefined && o.day > r.asOf,
  },
  {
    rule: 'an order whose refund column covers its whole (positive) amount is fully refunded',
    reason: () => 'status_refunded',
    test: (o) => !isRefund(o) && o.refund > 0 && o.refund >= o.amount && o.amount > 0,
  },
];

/**
 * What one gathered order is: the first exclusion rule that holds, else an order, a refund
 * or more lines of an order already booked. Zero-value orders count (CDNOW has 80).
 */
export function classifyOrder(o: OrderFacts, r: OrderRules): OrderOutcome {
  for (const rule of ORDER_RULES) if (rule.test(o, r)) return rule.reason(o)!;
  if (o.moreLines) return o.cancelInvoice ? 'refund_lines' : 'lines';
  return isRefund(o) ? 'refund' : 'order';
}

/**
 * The amount an outcome books on its customer's day: an order its amount net of its refund
 * column (a partial refund reduces the order); a refund (and a cancellation invoice's lines)
 * minus the absolute amount, whatever sign the export wrote it with.
 */
export function bookedAmount(o: OrderFacts, outcome: OrderOutcome): number {
  const net = o.amount - o.refund;
  if (outcome === 'refund' || outcome === 'refund_lines') return -Math.abs(net);
  return net;
}
