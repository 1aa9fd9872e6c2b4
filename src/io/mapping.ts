import { UsageError, DataError } from '../domain/errors.js';

export type OrderField =
  | 'order_id'
  | 'customer_id'
  | 'order_date'
  | 'amount'
  | 'quantity'
  | 'unit_price'
  | 'status'
  | 'currency'
  | 'channel'
  | 'country'
  | 'refund'
  | 'cancelled_at';

export type CustomerField =
  | 'customer_id'
  | 'person_key'
  | 'signup_date'
  | 'email'
  | 'country'
  | 'state'
  | 'channel'
  | 'referrals'
  | 'review_score'
  | 'nps'
  | 'advocate'
  | 'accepts_marketing';

export type PaymentField = 'order_id' | 'amount' | 'price' | 'freight';

export type ReviewField = 'order_id' | 'review_score' | 'review_date';

export type FileKind = 'orders' | 'customers' | 'payments' | 'reviews';

/** Header synonyms, best first; compared after lower-casing and dropping punctuation. */
const ORDER_SYNONYMS: Record<OrderField, string[]> = {
  order_id: ['order_id', 'orderid', 'order_number', 'order_no', 'order #', 'invoice_no', 'invoiceno', 'invoice', 'invoice_id', 'invoice_number', 'transaction_id', 'payment_id', 'charge_id', 'order', 'id'],
  customer_id: ['customer_id', 'customerid', 'customer_no', 'customer_number', 'client_id', 'user_id', 'account_id', 'contact_id', 'buyer_id', 'customer', 'client', 'customer_email', 'billing_email', 'buyer_email', 'email'],
  order_date: ['order_date', 'orderdate', 'invoice_date', 'invoicedate', 'purchase_date', 'order_purchase_timestamp', 'transaction_date', 'created_at', 'created date (utc)', 'created (utc)', 'created_date', 'date_created', 'created', 'date', 'timestamp', 'paid_at', 'close_date'],
  amount: ['amount', 'order_total', 'total', 'total_amount', 'grand_total', 'order_amount', 'total_price', 'payment_value', 'revenue', 'net_revenue', 'n. revenue (formatted)', 'net_sales', 'sales', 'value', 'dollar_value'],
  quantity: ['quantity', 'qty', 'lineitem_quantity', 'units', 'number_of_cds'],
  unit_price: ['unit_price', 'unitprice', 'lineitem_price', 'item_price', 'price'],
  status: ['status', 'order_status', 'financial_status', 'payment_status'],
  currency: ['currency', 'currency_code', 'currencyisocode'],
  channel: ['channel', 'sales_channel', 'acquisition_channel', 'source', 'utm_source'],
  country: ['country', 'billing_country', 'country_code'],
  refund: ['refunded_amount', 'amount_refunded', 'refund_amount', 'refund'],
  cancelled_at: ['cancelled_at', 'canceled_at'],
};

const CUSTOMER_SYNONYMS: Record<CustomerField, string[]> = {
  customer_id: ['customer_id', 'customerid', 'customer_no', 'customer_number', 'client_id', 'user_id', 'contact_id', 'account_id', 'record_id', 'id', 'customer', 'client', 'email', 'email_address'],
  person_key: [],
  signup_date: ['signup_date', 'sign_up', 'signup', 'registered', 'date_registered', 'created_at', 'created (utc)', 'create_date', 'created_date', 'date_created', 'created', 'first_seen'],
  email: ['email', 'email_address', 'customer_email', 'e-mail'],
  country: ['country', 'country_code', 'country/region', 'country / region', 'default_address_country_code', 'billing_country'],
  // a state or province is not a country (Olist's customer_state is SP, RJ, MG ...)
  state: ['state', 'customer_state', 'state_code', 'province', 'province_code'],
  channel: ['channel', 'acquisition_channel', 'source', 'original_traffic_source', 'lead_source', 'utm_source'],
  referrals: ['referrals', 'referral_count', 'referrals_count'],
  review_score: ['review_score', 'rating', 'review_rating'],
  nps: ['nps', 'nps_score'],
  advocate: ['advocate', 'is_advocate', 'brand_advocate', 'promoter'],
  accepts_marketing: ['accepts_marketing', 'accepts_email_marketing', 'email_opt_in', 'marketing_opt_in'],
};

const PAYMENT_SYNONYMS: Record<PaymentField, string[]> = {
  order_id: ['order_id', 'orderid', 'order'],
  amount: ['payment_value', 'amount', 'value', 'total'],
  price: ['price'],
  freight: ['freight_value', 'shipping'],
};

const REVIEW_SYNONYMS: Record<ReviewField, string[]> = {
  order_id: ['order_id', 'orderid', 'order', 'order_number'],
  review_score: ['review_score', 'score', 'rating', 'stars', 'review_rating'],
  review_date: ['review_creation_date', 'review_date', 'created_at', 'date', 'review_answer_timestamp'],
};

export interface Preset {
  name: string;
  description: string;
  orders: Partial<Record<OrderField, string[]>>;
  customers?: Partial<Record<CustomerField, string[]>>;
  payments?: Partial<Record<PaymentField, string[]>>;
  /** Consecutive rows with one order id are lines of one order. */
  grain: 'order' | 'line';
  whitespace?: boolean;
  /** Order ids starting with this are cancellation invoices (refunds). */
  cancelPrefix?: string;
  /** Customer keys are e-mail addresses: compare them lower-cased. */
  lowercaseIds?: boolean;
  /** Layouts for files without a header line, by column count. */
  headerless?: Record<number, string[]>;
}

export const PRESETS: Record<string, Preset> = {
  shopify: {
    name: 'shopify',
    description: 'Shopify Admin orders export (one row per line item; order fields on the first row) and customers export; customers are keyed by e-mail',
    orders: {
      order_id: ['Name'],
      customer_id: ['Email'],
      order_date: ['Created at'],
      amount: ['Total'],
      status: ['Financial Status'],
      currency: ['Currency'],
      refund: ['Refunded Amount'],
      cancelled_at: ['Cancelled at'],
      channel: ['Source'],
      country: ['Billing Country'],
    },
    customers: {
      customer_id: ['Email'],
      email: ['Email'],
      country: ['Default Address Country Code', 'Country Code', 'Country'],
      accepts_marketing: ['Accepts Email Marketing', 'Accepts Marketing'],
    },
    grain: 'line',
    lowercaseIds: true,
  },
  stripe: {
    name: 'stripe',
    description: 'Stripe Dashboard payments export (unified_payments.csv and older layouts); Amount Refunded reduces the payment',
    orders: {
      order_id: ['id'],
      customer_id: ['Customer ID'],
      order_date: ['Created date (UTC)', 'Created (UTC)', 'Created'],
      amount: ['Amount'],
      refund: ['Amount Refunded'],
      currency: ['Currency'],
      status: ['Status'],
    },
    customers: {
      customer_id: ['id'],
      email: ['Email'],
      signup_date: ['Created (UTC)', 'Created'],
    },
    grain: 'order',
  },
  woocommerce: {
    name: 'woocommerce',
    description: 'WooCommerce Analytics orders download and the Customer/Order CSV Export plugin layout',
    orders: {
      order_id: ['Order #', 'order_id', 'order_number'],
      customer_id: ['billing_email', 'Customer'],
      order_date: ['Date', 'date'],
      amount: ['N. Revenue (formatted)', 'Net Sales', 'order_total'],
      status: ['Status', 'status'],
      channel: ['Attribution'],
      country: ['billing_country'],
    },
    customers: {
      customer_id: ['Email', 'Name'],
      email: ['Email'],
      signup_date: ['Sign Up', 'Date registered'],
      country: ['Country / Region', 'Country'],
    },
    grain: 'order',
  },
  'online-retail': {
    name: 'online-retail',
    description: 'UCI Online Retail: one row per invoice line, amount = Quantity x UnitPrice, C-prefixed invoices are cancellations (refunds)',
    orders: {
      order_id: ['InvoiceNo', 'Invoice'],
      customer_id: ['CustomerID', 'Customer ID'],
      order_date: ['InvoiceDate'],
      quantity: ['Quantity'],
      unit_price: ['UnitPrice', 'Price'],
      country: ['Country'],
    },
    grain: 'line',
    cancelPrefix: 'C',
  },
  olist: {
    name: 'olist',
    description: 'Olist marketplace: orders file, customers file with the person key customer_unique_id, amounts from --payments (payment_value, or order items price + freight_value)',
    orders: {
      order_id: ['order_id'],
      customer_id: ['customer_id'],
      order_date: ['order_purchase_timestamp'],
      status: ['order_status'],
    },
    customers: {
      customer_id: ['customer_id'],
      person_key: ['customer_unique_id'],
      state: ['customer_state'],
    },
    payments: {
      order_id: ['order_id'],
      amount: ['payment_value'],
      price: ['price'],
      freight: ['freight_value'],
    },
    grain: 'order',
  },
  cdnow: {
    name: 'cdnow',
    description: 'CDNOW transaction logs: whitespace-separated, no quoting; master (customer_id date cds dollars) or the 1/10 sample (master_id sample_id date cds dollars), with or without a header',
    orders: {
      customer_id: ['customer_id', 'master_id'],
      order_date: ['date'],
      amount: ['dollar_value', 'dollars'],
      quantity: ['number_of_cds', 'cds'],
    },
    grain: 'order',
    whitespace: true,
    headerless: {
      4: ['customer_id', 'date', 'number_of_cds', 'dollar_value'],
      5: ['master_id', 'sample_id', 'date', 'cds', 'dollars'],
    },
  },
};

export function normalizeHeader(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9#]/g, '');
}

export interface FieldMapping {
  field: string;
  column: string;
  index: number;
  how: 'preset' | 'synonym' | '--map';
}

export interface FileMapping {
  kind: FileKind;
  fields: Map<string, FieldMapping>;
  headers: string[];
}

/** `--preset none`: no preset, and no preset recognised from the header lines either. */
export const NO_PRESET = 'none';

export function getPreset(name: string | undefined): Preset | undefined {
  if (name === undefined || name.toLowerCase() === NO_PRESET) return undefined;
  const p = PRESETS[name.toLowerCase()];
  if (!p) {
    throw new UsageError(
      `unknown preset ${JSON.stringify(name)}`,
      `known presets: ${Object.keys(PRESETS).join(', ')} (or ${NO_PRESET})`,
    );
  }
  return p;
}

const FIELD_LISTS: Record<FileKind, readonly string[]> = {
  orders: Object.keys(ORDER_SYNONYMS),
  customers: Object.keys(CUSTOMER_SYNONYMS),
  payments: Object.keys(PAYMENT_SYNONYMS),
  reviews: Object.keys(REVIEW_SYNONYMS),
};

export function knownFields(kind: FileKind): readonly string[] {
  return FIELD_LISTS[kind];
}

/**
 * Maps canonical fields to header columns: --map first, then the preset's names, then
 * synonyms. A column is used for one field only.
 */
export function mapColumns(
  kind: FileKind,
  headers: string[],
  preset: Preset | undefined,
  overrides: Map<string, string>,
  file: string,
): FileMapping {
  const norm = headers.map(normalizeHeader);
  const used = new Set<number>();
  const fields = new Map<string, FieldMapping>();
  const synonyms: Record<string, string[]> =
    kind === 'orders' ? ORDER_SYNONYMS : kind === 'customers' ? CUSTOMER_SYNONYMS : kind === 'payments' ? PAYMENT_SYNONYMS : REVIEW_SYNONYMS;
  const presetMap: Partial<Record<string, string[]>> | undefined =
    kind === 'orders' ? preset?.orders : kind === 'customers' ? preset?.customers : kind === 'payments' ? preset?.payments : undefined;

  for (const [field, column] of overrides) {
    if (!FIELD_LISTS[kind].includes(field)) continue;
    let idx = headers.indexOf(column);
    if (idx < 0) idx = norm.indexOf(normalizeHeader(column));
    if (idx < 0) {
      throw new DataError(
        `--map ${field}=${column}: no column ${JSON.stringify(column)} in the header`,
        { file, line: 1 },
        columnsFound(headers),
      );
    }
    fields.set(field, { field, column: headers[idx], index: idx, how: '--map' });
    used.add(idx);
  }
  const tryNames = (field: string, names: string[] | undefined, how: 'preset' | 'synonym'): boolean => {
    if (!names) return false;
    for (const name of names) {
      const n = normalizeHeader(name);
      for (let i = 0; i < norm.length; i++) {
        if (used.has(i) || norm[i] !== n) continue;
        fields.set(field, { field, column: headers[i], index: i, how });
        used.add(i);
        return true;
      }
    }
    return false;
  };
  // preset names first for every field, so a preset's choice wins over another field's synonym
  for (const field of FIELD_LISTS[kind]) {
    if (fields.has(field)) continue;
    tryNames(field, presetMap?.[field], 'preset');
  }
  for (const field of FIELD_LISTS[kind]) {
    if (fields.has(field)) continue;
    if (presetMap && presetMap[field] !== undefined && field === 'customer_id') continue;
    tryNames(field, synonyms[field], 'synonym');
  }
  return { kind, fields, headers };
}

/** Splits `--map` values: `field=Column` (orders), `customers.field=Column`, `payments.field=Column`. */
export function parseMapFlags(values: string[]): Record<FileKind, Map<string, string>> {
  const out: Record<FileKind, Map<string, string>> = {
    orders: new Map(),
    customers: new Map(),
    payments: new Map(),
    reviews: new Map(),
  };
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) {
      throw new UsageError(`--map ${JSON.stringify(v)} is not field=Column`, 'example: --map customer_id="Customer Email"');
    }
    let field = v.slice(0, eq).trim().toLowerCase();
    const column = v.slice(eq + 1).trim();
    let kind: FileKind = 'orders';
    const dot = field.indexOf('.');
    if (dot > 0) {
      const k = field.slice(0, dot);
      if (k !== 'orders' && k !== 'customers' && k !== 'payments' && k !== 'reviews') {
        throw new UsageError(`--map ${JSON.stringify(v)}: unknown file ${JSON.stringify(k)}`, 'prefix with orders., customers., payments. or reviews.');
      }
      kind = k;
      field = field.slice(dot + 1);
    }
    if (!FIELD_LISTS[kind].includes(field)) {
      throw new UsageError(
        `--map ${JSON.stringify(v)}: unknown ${kind} field ${JSON.stringify(field)}`,
        `${kind} fields: ${FIELD_LISTS[kind].join(', ')}`,
      );
    }
    out[kind].set(field, column);
  }
  return out;
}

/** Header names a person would look at first when a field is missing: ids, e-mails, dates, amounts, statuses. */
const LIKELY_COLUMN = /(^|[^a-z])(id|e-?mail|date|time|amount|total|price|status|customer|order)([^a-z]|$)|id$/i;

const KEY_COLUMN = /(^|[^a-z])(id|e-?mail)([^a-z]|$)|id$/i;

/**
 * The columns of a file for a hint: every one when there are few; for a wide export (a HubSpot
 * contacts file has 294) the count, the likely ones and the first few, never kilobytes of names.
 */
export function columnsFound(headers: readonly string[]): string {
  const q = (h: string): string => JSON.stringify(h);
  if (headers.length <= 24) return `columns found: ${headers.map(q).join(', ')}`;
  // keys first (ids, e-mails), then the other likely names; long generated names last
  const short = headers.filter((h) => h.length <= 40);
  const keys = short.filter((h) => KEY_COLUMN.test(h));
  const likely = [...new Set([...keys, ...short.filter((h) => LIKELY_COLUMN.test(h))])].slice(0, 8);
  const first = headers.slice(0, 8);
  return `${headers.length} columns${likely.length ? `, among them ${likely.map(q).join(', ')}` : ''}; the first are ${first.map(q).join(', ')}`;
}
