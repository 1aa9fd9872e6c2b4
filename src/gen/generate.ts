import { civilFromDay, dayFromCivil, formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { buildIdFormat, ID_SHAPES, type IdFormat, type IdShape } from './ids.js';
import { Rng } from './rng.js';

/**
 * Deterministic synthetic shop exports (customers.csv + orders.csv) for tests, demos and
 * benchmarks. The only side effect is the `write` callback; the same options always produce
 * the same bytes.
 *
 * Model: signups follow growth × seasonality; each buyer makes a first order soon after
 * signup, then repeats as a Poisson process with a gamma-distributed rate and leaves with a
 * beta-distributed probability after each purchase (BG/NBD). Order values are Gamma-Gamma:
 * gamma around a per-customer mean that is itself heavy-tailed. Repeat purchases run in
 * "seasonal time" so Nov/Dec and Black Friday weekends are busier.
 *
 * Every customer draws from its own PRNG streams (keyed by seed, customer index, stream), so
 * the counting passes used to calibrate the purchase rate replay exactly the events the final
 * pass emits, and the count is monotone in the calibration knob.
 */

export interface GenerateOptions {
  customers: number;
  /** Target number of orders, refund rows not included. */
  orders: number;
  seed: number;
  /** `YYYY-MM-DD`, default 2021-01-01. */
  start?: string;
  /** `YYYY-MM-DD` inclusive, default 2024-12-31. */
  end?: string;
  /** Line-item grain: several rows per order with sku, quantity, unit_price. */
  lines?: boolean;
  /** A 3-letter code; ~3% of orders are then in this currency. */
  secondCurrency?: string;
  /** Share of customers who never order, default 0.15. */
  prospects?: number;
  /** How ids and order dates are spelled (src/gen/ids.ts), default 'default'. */
  idShape?: IdShape;
}

export type ShopFile = 'customers.csv' | 'orders.csv';

/** Receives each file as successive ASCII chunks of about 2 MB, customers.csv first. */
export type WriteChunk = (file: ShopFile, chunk: string) => void;

export interface GenerateSummary {
  /** Rows in customers.csv. */
  customers: number;
  /** Customers with at least one order. */
  buyers: number;
  /** Distinct orders (any status), refund rows excluded. */
  orders: number;
  refunds: number;
  /** Data rows in orders.csv (orders + refunds, or lines + refunds in line mode). */
  rows: number;
  start: string;
  end: string;
}

export const ORDERS_HEADER = 'order_id,customer_id,order_date,amount,currency,status,channel';
export const ORDER_LINES_HEADER =
  'order_id,customer_id,order_date,sku,quantity,unit_price,currency,status,channel';
export const CUSTOMERS_HEADER = 'customer_id,email,signup_date,country,channel,referrals,review_score,nps';

const DEFAULT_START = '2021-01-01';
const DEFAULT_END = '2024-12-31';
const CHUNK_CHARS = 1 << 21;

const STREAM_GLOBAL = 0;
const STREAM_CUSTOMER = 1;
const STREAM_TIMING = 2;
const STREAM_ORDER = 3;
const STREAM_LINES = 4;
const STREAM_CATALOG = 5;
const STREAM_THINNING = 6;

const SAME_DAY_REPEAT = 0.025;
const CANCELLED = 0.03;
const PENDING = 0.007;
const PENDING_RECENT = 0.3;
const PENDING_RECENT_DAYS = 7;
const ZERO_VALUE = 0.003;
const REFUNDED = 0.021;
const FULL_REFUND = 0.6;
const SECOND_CURRENCY = 0.03;
const SECOND_CURRENCY_RATE = 0.92;
/** Orders per (average) day; keeps the heaviest buyers plausible, like a reseller. */
const MAX_RATE = 0.3;
/** Orders by which a tiny shop that cannot reach its target may fall short of it. */
const SMALL_SHOP_SLACK = 10;

const STATUS_PAID = 0;
const STATUS_CANCELLED = 1;
const STATUS_PENDING = 2;
const STATUS_REFUNDED = 3;
const STATUS_NAMES = ['paid', 'cancelled', 'pending', 'refunded'];
const CURRENCY_FLAG = 4;

const CHANNELS = ['web', 'app', 'marketplace', 'retail'];
const CHANNEL_RATE = [1, 1.4, 0.75, 0.6];
const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 0.42], ['GB', 0.09], ['DE', 0.08], ['CA', 0.07], ['FR', 0.06], ['AU', 0.05], ['NL', 0.03],
  ['ES', 0.03], ['IT', 0.03], ['JP', 0.03], ['BR', 0.03], ['SE', 0.02], ['MX', 0.02], ['IN', 0.02],
  ['PL', 0.02],
];
const ACQUISITION_MONTH = [0.85, 0.8, 0.9, 0.95, 1, 0.95, 0.9, 0.95, 1, 1.05, 1.5, 1.65];
const PURCHASE_MONTH = [0.85, 0.75, 0.9, 0.95, 1, 0.95, 0.9, 0.95, 0.95, 1.05, 1.45, 1.75];
/** Sunday first. */
const ACQUISITION_WEEKDAY = [1.05, 1, 1, 1, 1, 1.05, 1.1];
const PURCHASE_WEEKDAY = [1.1, 0.95, 0.95, 0.95, 1, 1, 1.1];
const ANNUAL_GROWTH = 1.4;
const HOUR_WEIGHTS = [
  0.35, 0.22, 0.15, 0.1, 0.1, 0.15, 0.3, 0.55, 0.8, 1, 1.1, 1.2, 1.3, 1.25, 1.2, 1.2, 1.25, 1.35, 1.5, 1.7,
  1.8, 1.6, 1.15, 0.7,
];
const REVIEW_WEIGHTS = [0.06, 0.06, 0.12, 0.26, 0.5];
const NPS_WEIGHTS = [0.03, 0.02, 0.02, 0.03, 0.03, 0.05, 0.07, 0.13, 0.17, 0.2, 0.25];

const TWO_DIGITS: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

function drawNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng.float())) * Math.cos(2 * Math.PI * rng.float());
}

/** Marsaglia–Tsang, scale 1. */
function drawGamma(rng: Rng, shape: number): number {
  if (shape < 1) return drawGamma(rng, shape + 1) * Math.pow(rng.float(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = drawNormal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.float();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

function drawBeta(rng: Rng, a: number, b: number): number {
  const x = drawGamma(rng, a);
  return x / (x + drawGamma(rng, b));
}

function drawWeighted(rng: Rng, cumulative: ArrayLike<number>): number {
  const u = rng.float() * cumulative[cumulative.length - 1];
  let i = 0;
  while (i < cumulative.length - 1 && cumulative[i] <= u) i++;
  return i;
}

function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) out[i] = sum += weights[i];
  return out;
}

/** Largest d in [lo, hi) with cum[d] <= x, given cum[lo] <= x < cum[hi]. */
function findBucket(cum: Float64Array, x: number, lo: number, hi: number): number {
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface Config {
  customers: number;
  orders: number;
  seed: number;
  startDay: Day;
  days: number;
  lines: boolean;
  secondCurrency: string | undefined;
  prospects: number;
  idShape: IdShape;
}

function resolveOptions(options: GenerateOptions): Config {
  const { customers, orders, seed } = options;
  if (!Number.isInteger(customers) || customers < 1 || customers > 50_000_000) {
    throw new UsageError(`customers must be an integer between 1 and 50000000, got ${customers}`);
  }
  if (!Number.isInteger(orders) || orders < 0 || orders > 500_000_000) {
    throw new UsageError(`orders must be an integer between 0 and 500000000, got ${orders}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`seed must be an integer between 0 and 4294967295, got ${seed}`);
  }
  const startText = options.start ?? DEFAULT_START;
  const endText = options.end ?? DEFAULT_END;
  const startDay = parseIsoDay(startText);
  const endDay = parseIsoDay(endText);
  if (startDay === undefined) throw new UsageError(`start must be YYYY-MM-DD, got '${startText}'`);
  if (endDay === undefined) throw new UsageError(`end must be YYYY-MM-DD, got '${endText}'`);
  if (endDay < startDay) throw new UsageError(`end ${endText} is before start ${startText}`);
  if (endDay - startDay > 36_500) throw new UsageError('the date range may span at most 100 years');
  const secondCurrency = options.secondCurrency;
  if (secondCurrency !== undefined && (!/^[A-Z]{3}$/.test(secondCurrency) || secondCurrency === 'USD')) {
    throw new UsageError(`second currency must be a 3-letter code other than USD, got '${secondCurrency}'`);
  }
  const prospects = options.prospects ?? 0.15;
  if (!(prospects >= 0 && prospects < 1)) {
    throw new UsageError(`prospects must be a share in [0, 1), got ${prospects}`);
  }
  const idShape = options.idShape ?? 'default';
  if (!ID_SHAPES.includes(idShape)) {
    throw new UsageError(`id shape must be one of ${ID_SHAPES.join(', ')}, got '${String(idShape)}'`);
  }
  return {
    customers,
    orders,
    seed: seed | 0,
    startDay,
    days: endDay - startDay + 1,
    lines: options.lines === true,
    secondCurrency,
    prospects,
    idShape,
  };
}

interface Calendar {
  /** `YYYY-MM-DD` per day offset. */
  dayText: string[];
  /** Cumulative signup weight; cum[d] is the weight of days before d. */
  acquisitionCum: Float64Array;
  /** Cumulative purchase intensity, averaging 1 per day; the clock repeat purchases run on. */
  purchaseCum: Float64Array;
  hourCum: Float64Array;
}

function buildCalendar(cfg: Config): Calendar {
  const { startDay, days } = cfg;
  const dayText: string[] = new Array(days);
  const acquisition = new Float64Array(days);
  const purchase = new Float64Array(days);
  let purchaseTotal = 0;
  for (let d = 0; d < days; d++) {
    const day = startDay + d;
    const { year, month, day: dom } = civilFromDay(day);
    const weekday = (((day + 4) % 7) + 7) % 7;
    dayText[d] = formatDay(day);
    acquisition[d] =
      Math.pow(ANNUAL_GROWTH, d / 365.25) * ACQUISITION_MONTH[month - 1] * ACQUISITION_WEEKDAY[weekday];
    purchase[d] = PURCHASE_MONTH[month - 1] * PURCHASE_WEEKDAY[weekday] * measureHolidayBoost(year, month, dom);
    purchaseTotal += purchase[d];
  }
  const acquisitionCum = new Float64Array(days + 1);
  const purchaseCum = new Float64Array(days + 1);
  const norm = days / purchaseTotal;
  for (let d = 0; d < days; d++) {
    acquisitionCum[d + 1] = acquisitionCum[d] + acquisition[d];
    purchaseCum[d + 1] = purchaseCum[d] + purchase[d] * norm;
  }
  return { dayText, acquisitionCum, purchaseCum, hourCum: cumulate(HOUR_WEIGHTS) };
}

/** Black Friday (the day after the 4th Thursday of November) through Cyber Monday. */
function measureHolidayBoost(year: number, month: number, dom: number): number {
  if (month !== 11 || dom < 23) return 1;
  const nov1 = dayFromCivil(year, 11, 1);
  const nov1Weekday = (((nov1 + 4) % 7) + 7) % 7;
  const thanksgiving = 22 + ((4 - nov1Weekday + 7) % 7);
  const offset = dom - thanksgiving;
  if (offset === 1) return 2.2;
  if (offset === 2 || offset === 3) return 1.6;
  if (offset === 4) return 1.8;
  return 1;
}

interface People {
  buyers: number;
  signup: Int32Array;
  /** Day offset of the first order, -1 for prospects. */
  firstOrder: Int32Array;
  /** Seasonal-clock time of the first order. */
  clock0: Float64Array;
  /** Repeat-purchase rate before calibration scaling. */
  baseRate: Float64Array;
  dropout: Float64Array;
  meanValue: Float64Array;
  channel: Uint8Array;
  country: Uint8Array;
  referrals: Uint8Array;
  review: Int8Array;
  nps: Int8Array;
}

function drawPeople(cfg: Config, cal: Calendar): People {
  const n = cfg.customers;
  const days = cfg.days;
  const signup = drawSignupDays(cfg, cal);
  const firstOrder = new Int32Array(n);
  const clock0 = new Float64Array(n);
  const baseRate = new Float64Array(n);
  const dropout = new Float64Array(n);
  const meanValue = new Float64Array(n);
  const channel = new Uint8Array(n);
  const country = new Uint8Array(n);
  const referrals = new Uint8Array(n);
  const review = new Int8Array(n);
  const nps = new Int8Array(n);
  const countryCum = cumulate(COUNTRIES.map((c) => c[1]));
  const reviewCum = cumulate(REVIEW_WEIGHTS);
  const npsCum = cumulate(NPS_WEIGHTS);
  // Each buyer makes at least one order, so with few orders per customer more must stay prospects.
  const prospects = Math.max(cfg.prospects, 1 - cfg.orders / (1.1 * n));
  const rng = new Rng();
  let buyers = 0;
  for (let i = 0; i < n; i++) {
    rng.seed(cfg.seed, i, STREAM_CUSTOMER);
    const t = signup[i] / days;
    // The app's share of new customers grows over the years at the web's expense.
    const web = 0.6 - 0.2 * t;
    const u = rng.float();
    const ch = u < web ? 0 : u < 0.75 ? 1 : u < 0.9 ? 2 : 3;
    channel[i] = ch;
    country[i] = drawWeighted(rng, countryCum);
    const isBuyer = rng.float() >= prospects || (i === n - 1 && buyers === 0 && cfg.orders > 0);
    let delay = rng.float() < 0.55 ? 0 : Math.ceil(-Math.log(rng.float()) * 8);
    delay = Math.min(delay, days - 1 - signup[i]);
    const dayFraction = rng.float();
    baseRate[i] = (drawGamma(rng, 0.8) / 0.8) * CHANNEL_RATE[ch];
    dropout[i] = drawBeta(rng, 0.6, 1.0);
    meanValue[i] = 4 / (drawGamma(rng, 3.5) / 50);
    const referrer = rng.float();
    const refs = referrer < 0.86 ? 0 : 1 + Math.min(Math.floor(-Math.log(rng.float()) * 1.5), 30);
    const reviewDraw = rng.float();
    const npsDraw = rng.float();
    if (isBuyer) {
      buyers++;
      const f = signup[i] + delay;
      firstOrder[i] = f;
      clock0[i] = cal.purchaseCum[f] + dayFraction * (cal.purchaseCum[f + 1] - cal.purchaseCum[f]);
      referrals[i] = refs;
      review[i] = reviewDraw < 0.35 ? 1 + drawWeighted(rng, reviewCum) : -1;
      nps[i] = npsDraw < 0.25 ? drawWeighted(rng, npsCum) : -1;
    } else {
      firstOrder[i] = -1;
      referrals[i] = 0;
      review[i] = -1;
      nps[i] = npsDraw < 0.05 ? drawWeighted(rng, npsCum) : -1;
    }
  }
  return {
    buyers, signup, firstOrder, clock0, baseRate, dropout, meanValue, channel, country, referrals, review, nps,
  };
}

/** Sorted signup days, so customer ids ascend with signup like a real sequence would. */
function drawSignupDays(cfg: Config, cal: Calendar): Int32Array {
  const n = cfg.customers;
  const rng = new Rng().seed(cfg.seed, 0, STREAM_GLOBAL);
  // Sorted uniforms without a sort: normalized partial sums of exponential spacings.
  const sums = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total -= Math.log(rng.float());
    sums[i] = total;
  }
  total -= Math.log(rng.float());
  const cum = cal.acquisitionCum;
  const scale = cum[cfg.days] / total;
  const signup = new Int32Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const x = sums[i] * scale;
    while (d < cfg.days - 1 && cum[d + 1] <= x) d++;
    signup[i] = d;
  }
  return signup;
}

/**
 * One monotone knob for how much buyers buy. Up to SCALE_LIMIT_KNOB it only scales purchase
 * rates. Past it (very many orders per customer, or very few customers) dropout shrinks as
 * rates keep growing; rates alone would soon pile everyone up at MAX_RATE while most still
 * leave after one or two orders.
 */
interface Intensity {
  scale: number;
  loyalty: number;
}

const MIN_KNOB = Math.log(1e-9);
const SCALE_LIMIT_KNOB = Math.log(0.5);
const MAX_KNOB = SCALE_LIMIT_KNOB + Math.log(1e6);

function resolveIntensity(knob: number): Intensity {
  if (knob <= SCALE_LIMIT_KNOB) return { scale: Math.exp(knob), loyalty: 1 };
  return { scale: Math.exp(knob), loyalty: Math.exp(SCALE_LIMIT_KNOB - knob) };
}

/** Mirrors the event loop of simulateOrders draw for draw; only counts. */
function countOrders(cfg: Config, cal: Calendar, people: People, intensity: Intensity): number {
  const rng = new Rng();
  const end = cal.purchaseCum[cfg.days];
  let count = 0;
  for (let i = 0; i < cfg.customers; i++) {
    if (people.firstOrder[i] < 0) continue;
    rng.seed(cfg.seed, i, STREAM_TIMING);
    const rate = Math.min(people.baseRate[i] * intensity.scale, MAX_RATE);
    const p = people.dropout[i] * intensity.loyalty;
    let clock = people.clock0[i];
    for (;;) {
      count++;
      if (rng.float() < SAME_DAY_REPEAT) count++;
      if (rng.float() < p) break;
      clock -= Math.log(rng.float()) / rate;
      if (clock >= end) break;
    }
  }
  return count;
}

/** BG/NBD expectation per buyer: 1 + (1 - e^{-λpT}) / p purchases, each with a same-day extra. */
function estimateOrders(cfg: Config, cal: Calendar, people: People, intensity: Intensity): number {
  const end = cal.purchaseCum[cfg.days];
  let sum = 0;
  for (let i = 0; i < cfg.customers; i++) {
    if (people.firstOrder[i] < 0) continue;
    const rate = Math.min(people.baseRate[i] * intensity.scale, MAX_RATE);
    const p = people.dropout[i] * intensity.loyalty;
    const horizon = Math.max(0, end - people.clock0[i]);
    sum += p > 0 ? 1 - Math.expm1(-rate * p * horizon) / p : 1 + rate * horizon;
  }
  return sum * (1 + SAME_DAY_REPEAT);
}

function solveKnob(cfg: Config, cal: Calendar, people: People, target: number, around: number | undefined): number {
  let lo = around === undefined ? MIN_KNOB : Math.max(around - 2, MIN_KNOB);
  let hi = around === undefined ? MAX_KNOB : Math.min(around + 2, MAX_KNOB);
  for (let i = 0; i < 32; i++) {
    const mid = (lo + hi) / 2;
    if (estimateOrders(cfg, cal, people, resolveIntensity(mid)) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The expectation lands within a few percent; simulated counts then correct the target until
 * the real count is within 0.1% of the request. Small or extreme shops, where single
 * customers move the count in steps, finish with a bisection on simulated counts.
 */
function calibrateIntensity(cfg: Config, cal: Calendar, people: People): { intensity: Intensity; count: number } {
  const want = cfg.orders;
  const tolerance = Math.floor(want * 0.001);
  let best: { knob: number; count: number } | undefined;
  let below: number | undefined;
  let above: number | undefined;
  const tryKnob = (knob: number): boolean => {
    const count = countOrders(cfg, cal, people, resolveIntensity(knob));
    if (best === undefined || Math.abs(count - want) < Math.abs(best.count - want)) best = { knob, count };
    if (count < want && (below === undefined || knob > below)) below = knob;
    if (count > want && (above === undefined || knob < above)) above = knob;
    return Math.abs(count - want) <= tolerance;
  };

  let target = want;
  for (let attempt = 0; attempt < 4; attempt++) {
    const knob = solveKnob(cfg, cal, people, target, best?.knob);
    if (tryKnob(knob)) break;
    target *= want / best!.count;
  }
  for (let step = 0; step < 60 && Math.abs(best!.count - want) > tolerance; step++) {
    let knob: number;
    if (below !== undefined && above !== undefined) knob = (below + above) / 2;
    else if (above === undefined) knob = Math.min(MAX_KNOB, below! + 2);
    else knob = Math.max(MIN_KNOB, above - 2);
    if (knob === below || knob === above) break; // out of reach, or a step of more than one order
    if (tryKnob(knob)) break;
  }
  // Past a step the count overshoots; thinOrders then removes the surplus.
  const knob = Math.abs(best!.count - want) <= tolerance || above === undefined ? best!.knob : above;
  const intensity = resolveIntensity(knob);
  return { intensity, count: knob === best!.knob ? best!.count : countOrders(cfg, cal, people, intensity) };
}

interface Book {
  count: number;
  day: Int32Array;
  sec: Int32Array;
  customer: Int32Array;
  cents: Int32Array;
  /** Status in the low bits, CURRENCY_FLAG when in the second currency. */
  flags: Uint8Array;
  refundOf: number[];
  refundDay: number[];
  refundSec: number[];
  refundShare: number[];
}

function simulateOrders(cfg: Config, cal: Calendar, people: People, intensity: Intensity, count: number): Book {
  const day = new Int32Array(count);
  const sec = new Int32Array(count);
  const customer = new Int32Array(count);
  const cents = new Int32Array(count);
  const flags = new Uint8Array(count);
  const book: Book = {
    count, day, sec, customer, cents, flags, refundOf: [], refundDay: [], refundSec: [], refundShare: [],
  };
  const timing = new Rng();
  const draws = new Rng();
  const days = cfg.days;
  const cum = cal.purchaseCum;
  const end = cum[days];
  const hourCum = cal.hourCum;
  let k = 0;

  const emit = (i: number, d: number, s: number): void => {
    if (k === count) throw new Error('generator invariant broken: more orders than counted');
    const meanValue = people.meanValue[i];
    let value = Math.round(meanValue * drawGamma(draws, 4) * 25);
    if (value < 100) value = 100;
    else if (value > 5_000_000) value = 5_000_000;
    if (draws.float() < ZERO_VALUE) value = 0;
    const u = draws.float();
    const pending = d >= days - PENDING_RECENT_DAYS ? PENDING_RECENT : PENDING;
    const status = u < CANCELLED ? STATUS_CANCELLED : u < CANCELLED + pending ? STATUS_PENDING : STATUS_PAID;
    let flag = status;
    if (draws.float() < SECOND_CURRENCY && cfg.secondCurrency !== undefined) {
      flag |= CURRENCY_FLAG;
      value = Math.round(value * SECOND_CURRENCY_RATE);
    }
    const refund = draws.float();
    const full = draws.float();
    const share = draws.float();
    const delay = 1 + Math.min(Math.floor(-Math.log(draws.float()) * 4), 45);
    const refundSec = drawSecond(draws, hourCum);
    if (refund < REFUNDED && status === STATUS_PAID && value > 0 && d + delay < days) {
      book.refundOf.push(k);
      book.refundDay.push(d + delay);
      book.refundSec.push(refundSec);
      book.refundShare.push(full < FULL_REFUND ? 1 : 0.1 + 0.7 * share);
    }
    day[k] = d;
    sec[k] = s;
    customer[k] = i;
    cents[k] = value;
    flags[k] = flag;
    k++;
  };

  for (let i = 0; i < cfg.customers; i++) {
    const first = people.firstOrder[i];
    if (first < 0) continue;
    timing.seed(cfg.seed, i, STREAM_TIMING);
    draws.seed(cfg.seed, i, STREAM_ORDER);
    const rate = Math.min(people.baseRate[i] * intensity.scale, MAX_RATE);
    const p = people.dropout[i] * intensity.loyalty;
    let clock = people.clock0[i];
    let d = first;
    for (;;) {
      const s = drawSecond(draws, hourCum);
      emit(i, d, s);
      if (timing.float() < SAME_DAY_REPEAT) {
        emit(i, d, Math.min(86_399, s + 60 + Math.floor(draws.float() * 7200)));
      }
      if (timing.float() < p) break;
      clock -= Math.log(timing.float()) / rate;
      if (clock >= end) break;
      d = findBucket(cum, clock, d, days);
    }
  }
  if (k !== count) throw new Error(`generator invariant broken: ${k} orders, counted ${count}`);
  return book;
}

function drawSecond(rng: Rng, hourCum: Float64Array): number {
  return drawWeighted(rng, hourCum) * 3600 + Math.floor(rng.float() * 3600);
}

/**
 * Drops `surplus` randomly chosen orders, repeat orders first, with their refunds. Used when
 * the calibrated count overshoots: a few customers' counts jump in steps in small shops.
 */
function thinOrders(book: Book, surplus: number, seed: number): void {
  const n = book.count;
  const { customer } = book;
  // A customer's orders are contiguous in generation order; the first one starts each run.
  let repeats = 0;
  for (let k = 1; k < n; k++) if (customer[k] === customer[k - 1]) repeats++;
  const pool = new Int32Array(n);
  let r = 0;
  let f = repeats;
  for (let k = 0; k < n; k++) {
    if (k > 0 && customer[k] === customer[k - 1]) pool[r++] = k;
    else pool[f++] = k;
  }
  const rng = new Rng().seed(seed, 0, STREAM_THINNING);
  const removed = new Uint8Array(n);
  // Partial Fisher-Yates inside the repeat orders, then inside first orders if still short.
  for (let j = 0; j < surplus; j++) {
    const end = j < repeats ? repeats : n;
    const pick = j + Math.floor(rng.float() * (end - j));
    const t = pool[pick];
    pool[pick] = pool[j];
    pool[j] = t;
    removed[t] = 1;
  }
  const newIndex = new Int32Array(n);
  let w = 0;
  for (let k = 0; k < n; k++) {
    newIndex[k] = w;
    if (removed[k]) continue;
    book.day[w] = book.day[k];
    book.sec[w] = book.sec[k];
    book.customer[w] = book.customer[k];
    book.cents[w] = book.cents[k];
    book.flags[w] = book.flags[k];
    w++;
  }
  book.count = w;
  let kept = 0;
  for (let j = 0; j < book.refundOf.length; j++) {
    const original = book.refundOf[j];
    if (removed[original]) continue;
    book.refundOf[kept] = newIndex[original];
    book.refundDay[kept] = book.refundDay[j];
    book.refundSec[kept] = book.refundSec[j];
    book.refundShare[kept] = book.refundShare[j];
    kept++;
  }
  book.refundOf.length = kept;
  book.refundDay.length = kept;
  book.refundSec.length = kept;
  book.refundShare.length = kept;
}

/**
 * Row order: day, then second, then refunds before orders (a refund's id, original + "-R",
 * sorts before any id assigned later), then generation order. Two stable counting sorts.
 */
function sortRows(book: Book, days: number): Int32Array {
  const n = book.count;
  const r = book.refundOf.length;
  const total = n + r;
  const bySecond = new Int32Array(total);
  const counts = new Int32Array(Math.max(86_400, days) + 1);
  for (let j = 0; j < r; j++) counts[book.refundSec[j] + 1]++;
  for (let j = 0; j < n; j++) counts[book.sec[j] + 1]++;
  for (let s = 1; s <= 86_400; s++) counts[s] += counts[s - 1];
  for (let j = 0; j < r; j++) bySecond[counts[book.refundSec[j]]++] = n + j;
  for (let j = 0; j < n; j++) bySecond[counts[book.sec[j]]++] = j;

  counts.fill(0);
  const dayOf = (row: number): number => (row < n ? book.day[row] : book.refundDay[row - n]);
  for (let j = 0; j < total; j++) counts[dayOf(j) + 1]++;
  for (let d = 1; d <= days; d++) counts[d] += counts[d - 1];
  const sorted = new Int32Array(total);
  for (let j = 0; j < total; j++) {
    const row = bySecond[j];
    sorted[counts[dayOf(row)]++] = row;
  }
  return sorted;
}

function formatCents(cents: number): string {
  if (cents < 0) return '-' + formatCents(-cents);
  const whole = Math.floor(cents / 100);
  return whole + '.' + TWO_DIGITS[cents - whole * 100];
}

function writeCustomers(cfg: Config, cal: Calendar, people: People, ids: IdFormat, write: WriteChunk): void {
  let chunk = CUSTOMERS_HEADER + '\n';
  for (let i = 0; i < cfg.customers; i++) {
    const review = people.review[i];
    const nps = people.nps[i];
    chunk +=
      ids.customerIds[i] + ',' + ids.email(i) + ',' + cal.dayText[people.signup[i]] + ',' +
      COUNTRIES[people.country[i]][0] + ',' + CHANNELS[people.channel[i]] + ',' + people.referrals[i] + ',' +
      (review < 0 ? '' : review) + ',' + (nps < 0 ? '' : nps) + '\n';
    if (chunk.length >= CHUNK_CHARS) {
      write('customers.csv', chunk);
      chunk = '';
    }
  }
  write('customers.csv', chunk);
}

interface Catalog {
  /** Unit prices in cents, ascending. */
  price: Int32Array;
  sku: string[];
}

function buildCatalog(seed: number): Catalog {
  const size = 2500;
  const rng = new Rng().seed(seed, 0, STREAM_CATALOG);
  const raw = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const dollars = Math.min(4999, Math.max(1, 18 * Math.exp(1.1 * drawNormal(rng))));
    const ending = rng.float() < 0.7 ? 0.99 : rng.float() < 0.5 ? 0.49 : 0;
    raw[i] = Math.max(99, Math.round((Math.floor(dollars) + ending) * 100));
  }
  raw.sort();
  const codes = Array.from({ length: size }, (_, i) => i + 1);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    const t = codes[i];
    codes[i] = codes[j];
    codes[j] = t;
  }
  return { price: Int32Array.from(raw), sku: codes.map((c) => 'SKU-' + String(c).padStart(5, '0')) };
}

function writeOrders(
  cfg: Config,
  cal: Calendar,
  people: People,
  book: Book,
  sorted: Int32Array,
  ids: IdFormat,
  write: WriteChunk,
): number {
  const n = book.count;
  const { customerIds, timeText } = ids;
  const assignedId = new Int32Array(n);
  const dayText = cal.dayText;
  const currencies = ['USD', cfg.secondCurrency ?? 'USD'];
  const catalog = cfg.lines ? buildCatalog(cfg.seed) : undefined;
  const lineRng = new Rng().seed(cfg.seed, 0, STREAM_LINES);
  let nextId = 0;
  let rows = 0;
  let chunk = (cfg.lines ? ORDER_LINES_HEADER : ORDERS_HEADER) + '\n';

  // ",currency,status,channel\n" has few combinations; build each once, indexed by
  // currency flag * 16 + status * 4 + channel.
  const tails: string[] = [];
  for (const currency of currencies) {
    for (const status of STATUS_NAMES) {
      for (const channel of CHANNELS) tails.push(',' + currency + ',' + status + ',' + channel + '\n');
    }
  }

  let j = 0;
  const total = sorted.length;
  while (j < total) {
    let row = sorted[j];
    if (row >= n) {
      // Refunds at the same second are ordered by their original's id.
      let runEnd = j + 1;
      while (
        runEnd < total && sorted[runEnd] >= n &&
        book.refundDay[sorted[runEnd] - n] === book.refundDay[row - n] &&
        book.refundSec[sorted[runEnd] - n] === book.refundSec[row - n]
      ) runEnd++;
      if (runEnd - j > 1) {
        const run = Array.from(sorted.subarray(j, runEnd));
        run.sort((a, b) => assignedId[book.refundOf[a - n]] - assignedId[book.refundOf[b - n]]);
        sorted.set(run, j);
        row = sorted[j];
      }
      const r = row - n;
      const original = book.refundOf[r];
      const c = book.customer[original];
      const flag = book.flags[original];
      const amount = -Math.round(book.cents[original] * book.refundShare[r]);
      const head =
        ids.refundId(assignedId[original]) + ',' + customerIds[c] + ',' +
        dayText[book.refundDay[r]] + timeText[book.refundSec[r]] + ',';
      const tail = tails[(flag & CURRENCY_FLAG ? 16 : 0) + STATUS_REFUNDED * 4 + people.channel[c]];
      chunk += head + (catalog ? 'REFUND,1,' : '') + formatCents(amount) + tail;
      rows++;
    } else {
      const id = ++nextId;
      assignedId[row] = id;
      const c = book.customer[row];
      const flag = book.flags[row];
      const head =
        ids.orderId(id) + ',' + customerIds[c] + ',' + dayText[book.day[row]] +
        timeText[book.sec[row]] + ',';
      const tail = tails[(flag & CURRENCY_FLAG ? 16 : 0) + (flag & 3) * 4 + people.channel[c]];
      if (catalog) {
        const out = formatLines(catalog, lineRng, book.cents[row], flag & CURRENCY_FLAG ? SECOND_CURRENCY_RATE : 1, head, tail);
        chunk += out.text;
        rows += out.rows;
        book.cents[row] = out.cents;
      } else {
        chunk += head + formatCents(book.cents[row]) + tail;
        rows++;
      }
    }
    j++;
    if (chunk.length >= CHUNK_CHARS) {
      write('orders.csv', chunk);
      chunk = '';
    }
  }
  write('orders.csv', chunk);
  return rows;
}

/** Splits an order's value over catalog lines; returns the actual total so refunds match it. */
function formatLines(
  catalog: Catalog,
  rng: Rng,
  cents: number,
  currencyRate: number,
  head: string,
  tail: string,
): { text: string; rows: number; cents: number } {
  if (cents === 0) return { text: head + 'SKU-FREE,1,0.00' + tail, rows: 1, cents: 0 };
  let lines = 1;
  while (lines < 8 && rng.float() < 0.5) lines++;
  const weights = new Float64Array(lines);
  let weightSum = 0;
  for (let l = 0; l < lines; l++) weightSum += weights[l] = -Math.log(rng.float());
  const usdCents = cents / currencyRate;
  const top = catalog.price.length;
  let text = '';
  let sum = 0;
  for (let l = 0; l < lines; l++) {
    const q = rng.float();
    const quantity = q < 0.78 ? 1 : q < 0.93 ? 2 : q < 0.98 ? 3 : 4 + Math.floor(rng.float() * 3);
    const wanted = (usdCents * weights[l]) / weightSum / quantity;
    let lo = 0;
    let hi = top;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (catalog.price[mid] < wanted) lo = mid + 1;
      else hi = mid;
    }
    const pick = Math.min(top - 1, Math.max(0, lo + Math.floor(rng.float() * 5) - 2));
    const unit = currencyRate === 1 ? catalog.price[pick] : Math.round(catalog.price[pick] * currencyRate);
    sum += unit * quantity;
    text += head + catalog.sku[pick] + ',' + quantity + ',' + formatCents(unit) + tail;
  }
  return { text, rows: lines, cents: sum };
}

function countBuyers(book: Book): number {
  let buyers = 0;
  for (let k = 0; k < book.count; k++) if (k === 0 || book.customer[k] !== book.customer[k - 1]) buyers++;
  return buyers;
}

/** Generates a shop; customers.csv is written completely before orders.csv. */
export function generateShop(options: GenerateOptions, write: WriteChunk): GenerateSummary {
  const cfg = resolveOptions(options);
  const cal = buildCalendar(cfg);
  const people = drawPeople(cfg, cal);
  const { intensity, count } =
    people.buyers === 0 ? { intensity: resolveIntensity(MIN_KNOB), count: 0 } : calibrateIntensity(cfg, cal, people);
  if (cfg.orders - count > Math.max(cfg.orders * 0.02, SMALL_SHOP_SLACK)) {
    throw new UsageError(
      `cannot produce about ${cfg.orders} orders from ${cfg.customers} customers over ${cfg.days} days ` +
        `(got ${count}); use more customers or a longer range`,
    );
  }
  const book = simulateOrders(cfg, cal, people, intensity, count);
  if (count > cfg.orders) thinOrders(book, count - cfg.orders, cfg.seed);
  const ids = buildIdFormat(cfg.idShape, cfg.seed, cfg.customers, book.count);
  writeCustomers(cfg, cal, people, ids, write);
  const sorted = sortRows(book, cfg.days);
  const rows = writeOrders(cfg, cal, people, book, sorted, ids, write);
  return {
    customers: cfg.customers,
    buyers: countBuyers(book),
    orders: book.count,
    refunds: book.refundOf.length,
    rows,
    start: cal.dayText[0],
    end: cal.dayText[cfg.days - 1],
  };
}
