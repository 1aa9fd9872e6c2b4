import type { Readable } from 'node:stream';
import { DataError } from '../domain/errors.js';
import { sourceInfo, type SourceInfo } from './input.js';
import { columnsFound, mapColumns, type FileMapping } from './mapping.js';
import { scanTable } from './read-table.js';
import type { Delimiter } from './scanner.js';
import { DateParser, type DayOrder } from './values.js';

/** The latest review of one order. */
export interface OrderReview {
  day: number;
  score: number;
}

export interface ReviewsFile {
  source: SourceInfo;
  mapping: FileMapping;
  delimiter: Delimiter;
  rows: number;
  /** Order id → its latest review (a later line wins a same-day tie). */
  byOrder: Map<string, OrderReview>;
  /** Rows not used, by reason (bad score, bad date, no order id, an older review of the same order). */
  skipped: Map<string, number>;
}

export interface ReviewReadOptions {
  path: string;
  stdin?: Readable;
  encoding?: string;
  delimiter?: Delimiter;
  dateOrder?: DayOrder;
  timezone?: string;
  map: Map<string, string>;
  warn: (message: string) => void;
}

/**
 * Reads an order-level reviews file (Olist's olist_order_reviews_dataset.csv: order_id,
 * review_score 1-5, review_creation_date). Each order keeps its latest review; the reader
 * of the orders then gives each review to the customer of its order. Rows that cannot be
 * used are counted by reason, and the first few are named on stderr.
 */
export async function readReviewsFile(opts: ReviewReadOptions): Promise<ReviewsFile> {
  const byOrder = new Map<string, OrderReview>();
  const skipped = new Map<string, number>();
  const dates = new DateParser(opts.dateOrder, opts.timezone);
  let mapping!: FileMapping;
  let delimiter!: Delimiter;
  let shown = 0;
  const skip = (reason: string, line: number, column: string, value: string): void => {
    skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    if (shown < 5 && reason !== 'older_review_of_order') {
      shown++;
      opts.warn(`${opts.path}:${line}: column ${JSON.stringify(column)}: value ${JSON.stringify(value)}: ${reason.replace(/_/g, ' ')} (review not used)`);
    }
  };
  const { rows } = await scanTable(
    { path: opts.path, stdin: opts.stdin, encoding: opts.encoding, delimiter: opts.delimiter, what: 'reviews', warn: opts.warn },
    (h) => {
      delimiter = h.delimiter;
      mapping = mapColumns('reviews', h.headers, undefined, opts.map, opts.path);
      const id = mapping.fields.get('order_id');
      const score = mapping.fields.get('review_score');
      const date = mapping.fields.get('review_date');
      if (!id || !score || !date) {
        const missing = [!id && 'order_id', !score && 'review_score', !date && 'review_date'].filter(Boolean).join(', ');
        throw new DataError(
          `the reviews file needs an order id, a score and a date column (missing: ${missing})`,
          { file: opts.path, line: 1 },
          `${columnsFound(h.headers)}; pass --map reviews.FIELD=COLUMN (fields: order_id, review_score, review_date)`,
        );
      }
      return (r) => {
        const key = r.field(id.index).trim();
        if (key === '') return skip('no_order_id', r.line, id.column, '');
        const scoreText = r.field(score.index).trim();
        const s = Number(scoreText);
        if (scoreText === '' || !Number.isFinite(s) || s < 0 || s > 5) return skip('score_not_0_to_5', r.line, score.column, scoreText);
        const day = dates.parseText(r.field(date.index));
        if (!Number.isFinite(day)) return skip('unparseable_date', r.line, date.column, r.field(date.index));
        const prev = byOrder.get(key);
        if (prev && prev.day > day) return skip('older_review_of_order', r.line, date.column, '');
        if (prev) skipped.set('older_review_of_order', (skipped.get('older_review_of_order') ?? 0) + 1);
        byOrder.set(key, { day, score: s });
      };
    },
  );
  return { source: sourceInfo(opts.path), mapping, delimiter, rows, byOrder, skipped };
}
