/**
 * A deterministic synthetic marketing-spend file for the generated shop (`clm kpis --spend`):
 * one row per month and acquisition channel, `period,channel,amount`, from the month of
 * `start` to the month of `end`. Amounts follow the generator's acquisition seasonality (more
 * in November and December) and annual growth, times a per-channel base and ±15% noise from a
 * seeded hash, rounded to cents. The same options always give the same text.
 */

/** The generator's acquisition channels (src/gen/generate.ts) and a monthly base spend each. */
export const SPEND_BASE: Readonly<Record<string, number>> = { web: 2200, app: 1800, marketplace: 650, retail: 750 };

const ACQUISITION_MONTH = [0.85, 0.8, 0.9, 0.95, 1, 0.95, 0.9, 0.95, 1, 1.05, 1.5, 1.65];
const ANNUAL_GROWTH = 1.4;

export interface SpendOptions {
  /** First and last day (YYYY-MM-DD) of the shop; every month they touch gets spend. */
  start: string;
  end: string;
  seed: number;
  /** Channel → monthly base spend (default SPEND_BASE). */
  base?: Readonly<Record<string, number>>;
  /** Multiplies every amount (default 1). */
  scale?: number;
}

export const SPEND_HEADER = 'period,channel,amount';

function hash01(seed: number, a: number, b: number): number {
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(a + 1, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return (x >>> 0) / 4294967296;
}

function monthIndex(iso: string): number {
  const m = /^(\d{4})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The spend file's text (header and a trailing newline included). */
export function generateSpend(opts: SpendOptions): string {
  const base = opts.base ?? SPEND_BASE;
  const scale = opts.scale ?? 1;
  const first = monthIndex(opts.start);
  const last = monthIndex(opts.end);
  const channels = Object.keys(base).sort();
  const lines = [SPEND_HEADER];
  for (let m = first; m <= last; m++) {
    const year = Math.floor(m / 12);
    const month = m - year * 12;
    const growth = Math.pow(ANNUAL_GROWTH, (m - first) / 12);
    channels.forEach((c, k) => {
      const noise = 0.85 + 0.3 * hash01(opts.seed, m, k);
      const amount = Math.round(base[c] * ACQUISITION_MONTH[month] * growth * noise * scale * 100) / 100;
      lines.push(`${year}-${String(month + 1).padStart(2, '0')},${c},${amount.toFixed(2)}`);
    });
  }
  return lines.join('\n') + '\n';
}
