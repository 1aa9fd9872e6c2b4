/**
 * Inputs of `clm retention`: a survivor-count file (period, survivors) or renewal rows
 * (customer_id, period_start; a Stripe payments or invoices export has them as Customer ID and
 * Created). Every problem is a DataError naming the file, line, column and value.
 */
import type { Readable } from 'node:stream';
import { DataError } from '../domain/errors.js';
import { columnsFound, normalizeHeader } from './mapping.js';
import { scanTable } from './read-table.js';
import type { Delimiter } from './scanner.js';
import { classifyStatus } from '../engine/rules.js';
import { AMBIGUOUS, DateParser, type DayOrder } from './values.js';

export interface RetentionReadOptions {
  stdin?: Readable;
  encoding?: string;
  delimiter?: Delimiter;
}

/** Header names (normalised: lower case, letters and digits only) accepted for each column. */
const SURVIVOR_COLUMNS = {
  period: ['period', 't', 'year', 'years', 'month', 'months', 'week', 'weeks', 'quarter', 'quarters', 'k'],
  survivors: ['survivors', 'survivor', 'alive', 'active', 'customers', 'subscribers', 'remaining', 'retained'],
};

/**
 * Survivor counts from `period, survivors` rows: period 0 is the cohort's start (its size),
 * periods 0, 1, 2, ... in order, survivors whole numbers that never rise.
 */
export async function readSurvivorsFile(path: string, opts: RetentionReadOptions = {}): Promise<number[]> {
  const out: number[] = [];
  await scanTable({ path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'survivors' }, (h) => {
    const norm = h.headers.map(normalizeHeader);
    const pi = norm.findIndex((x) => SURVIVOR_COLUMNS.period.includes(x));
    const si = norm.findIndex((x) => SURVIVOR_COLUMNS.survivors.includes(x));
    if (pi < 0 || si < 0) {
      throw new DataError(
        `the survivors file needs the columns period and survivors (missing: ${[pi < 0 ? 'period' : '', si < 0 ? 'survivors' : ''].filter(Boolean).join(', ')})`,
        { file: path, line: 1 },
        `${columnsFound(h.headers)}; write a header line "period,survivors" and one row per period from 0 (the cohort's start)`,
      );
    }
    const period = h.headers[pi];
    const survivors = h.headers[si];
    return (r) => {
      const pt = r.field(pi).trim();
      const st = r.field(si).trim();
      if (pt === '' && st === '' && r.count <= 1) return; // a blank line
      const p = Number(pt);
      const where = (column: string, value: string): { file: string; line: number; column: string; value: string } => ({ file: path, line: r.line, column, value });
      if (pt === '' || !Number.isInteger(p)) throw new DataError('the period is not a whole number', where(period, pt), 'periods are 0 (the start), 1, 2, ... in order');
      if (p !== out.length) {
        throw new DataError(
          out.length === 0 ? 'the first period must be 0, the cohort\'s start' : `period ${out.length} was expected here (periods run 0, 1, 2, ... in order, one row each)`,
          where(period, pt),
          out.length === 0 ? 'add a row "0,N" with the cohort size N first' : 'sort the rows by period and fill any gap',
        );
      }
      const s = Number(st);
      if (st === '' || !Number.isFinite(s)) throw new DataError('survivors is not a number', where(survivors, st), 'survivors are counts of customers still subscribed, e.g. 1000, 631, 468');
      if (!Number.isInteger(s) || s < 0) throw new DataError('survivors must be a whole number of customers, 0 or more', where(survivors, st), 'for shares (63.1%) multiply by the cohort size, e.g. 631 of 1000');
      if (p === 0 && s === 0) throw new DataError('the cohort has no customers at period 0', where(survivors, st), 'period 0 holds the cohort size, the customers who started');
      if (p > 0 && s > out[p - 1]) {
        throw new DataError(`survivors rise from ${out[p - 1]} at period ${p - 1} to ${s}: a cohort can only lose customers`, where(survivors, st), 'count one cohort (customers who started together) only; new customers belong to a later cohort');
      }
      out.push(s);
    };
  });
  if (out.length === 0) throw new DataError('the survivors file has a header but no rows', { file: path, line: 1 }, 'add one row per period: 0 (the start, the cohort size), 1, 2, ...');
  return out;
}

const RENEWAL_COLUMNS = {
  customer_id: ['customerid', 'customer', 'subscriberid', 'subscriber', 'accountid', 'userid', 'email', 'customeremail'],
  // Stripe: invoices "Period Start (UTC)" or "Date (UTC)", payments "Created date (UTC)"/"Created (UTC)"/"Created"
  period_start: ['periodstart', 'periodstartutc', 'currentperiodstartutc', 'createddateutc', 'createdutc', 'created', 'dateutc', 'date', 'renewaldate', 'paidat', 'invoicedate'],
  status: ['status'],
};

export interface RenewalRows {
  /** Distinct customer ids, in order of first appearance. */
  ids: string[];
  /** Per kept row: index into ids, and the day of period_start. */
  customer: number[];
  day: number[];
  /** Rows left out by their status (e.g. failed, refunded), by status text. */
  skipped: Map<string, number>;
  /** The columns used, for the context lines. */
  columns: { customer_id: string; period_start: string; status?: string };
}

/**
 * Renewal rows: one per customer and paid period, with its customer and the day the period
 * starts (or the payment date). A Status column, when there is one, keeps the counted
 * statuses (paid, succeeded, ...) only: a failed or refunded charge is not a renewal.
 */
export async function readRenewalsFile(path: string, opts: RetentionReadOptions & { dateOrder?: DayOrder; timezone?: string }): Promise<RenewalRows> {
  const parser = new DateParser(opts.dateOrder, opts.timezone);
  const out: RenewalRows = { ids: [], customer: [], day: [], skipped: new Map(), columns: { customer_id: '', period_start: '' } };
  const index = new Map<string, number>();
  const noOverrides = new Map();
  await scanTable({ path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'renewals' }, (h) => {
    const norm = h.headers.map(normalizeHeader);
    // the first synonym the header has wins (Customer ID before Customer Email)
    const find = (names: string[]): number => {
      for (const n of names) {
        const i = norm.indexOf(n);
        if (i >= 0) return i;
      }
      return -1;
    };
    const ci = find(RENEWAL_COLUMNS.customer_id);
    const di = find(RENEWAL_COLUMNS.period_start);
    const ti = find(RENEWAL_COLUMNS.status);
    if (ci < 0 || di < 0) {
      throw new DataError(
        `the renewals file needs a customer_id and a period_start column (missing: ${[ci < 0 ? 'customer_id' : '', di < 0 ? 'period_start' : ''].filter(Boolean).join(', ')})`,
        { file: path, line: 1 },
        `${columnsFound(h.headers)}; one row per customer and paid period: customer_id,period_start (a Stripe payments or invoices export works as it is)`,
      );
    }
    out.columns = { customer_id: h.headers[ci], period_start: h.headers[di], ...(ti >= 0 ? { status: h.headers[ti] } : {}) };
    return (r) => {
      const id = r.field(ci).trim();
      const dt = r.field(di).trim();
      if (r.count <= 1 && id === '' && dt === '') return; // a blank line
      if (ti >= 0) {
        const st = r.field(ti).trim();
        if (classifyStatus(st, noOverrides) !== 'counted') {
          out.skipped.set(st, (out.skipped.get(st) ?? 0) + 1);
          return;
        }
      }
      if (id === '') throw new DataError('the customer id is blank', { file: path, line: r.line, column: h.headers[ci], value: id }, 'every renewal row names its customer');
      const day = parser.parseText(dt);
      if (day === AMBIGUOUS) throw new DataError('the date could be day-first or month-first', { file: path, line: r.line, column: h.headers[di], value: dt }, 'pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY');
      if (Number.isNaN(day)) throw new DataError('period_start is not a date', { file: path, line: r.line, column: h.headers[di], value: dt }, 'write dates as YYYY-MM-DD (a time after the date is fine)');
      let c = index.get(id);
      if (c === undefined) {
        c = out.ids.length;
        index.set(id, c);
        out.ids.push(id);
      }
      out.customer.push(c);
      out.day.push(day);
    };
  });
  if (out.day.length === 0) {
    throw new DataError('the renewals file has no renewal rows', { file: path }, out.skipped.size > 0 ? `every row has a status that is not a payment: ${[...out.skipped.keys()].slice(0, 5).join(', ')}` : 'one row per customer and paid period: customer_id,period_start');
  }
  return out;
}
