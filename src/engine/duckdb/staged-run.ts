/**
 * Running the DuckDB engine's stages (stages.ts) and reading back what they give: the small
 * queries whole, the customers and their ledger chunk by chunk into typed arrays (a number per
 * ledger row, no string), the temporary tables dropped as soon as nothing reads them.
 */
import type { ClmError } from '../../domain/errors.js';
import type { CompiledSql } from '../sql/compile.js';
import type { IndexedRows } from '../sql/table.js';
import type { Stages } from './stages.js';

interface Vector {
  getItem(i: number): unknown;
}
interface Chunk {
  rowCount: number;
  getColumnVector(i: number): Vector;
}

/** What the engine uses of a @duckdb/node-api connection. */
export interface Connection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ columnCount: number; getColumnsJS(): unknown[][]; getRowsJS(): unknown[][] }>;
  stream(sql: string): Promise<{ fetchChunk(): Promise<Chunk | null> }>;
  closeSync(): void;
}

type Small = 'outcomes' | 'currencies' | 'unknownStatuses' | 'amountDecimals';

export class StagedRun {
  private ready?: Promise<Record<Small, unknown[][]>>;

  constructor(
    private readonly conn: Connection,
    private readonly stages: Stages,
    /** The error for a statement DuckDB failed (`what` it was doing). */
    private readonly fail: (e: unknown, what: string) => ClmError,
  ) {}

  /** One of the small parts (the stages run on the first call); the customers, ledger and attributes come from rows(). */
  async part(name: keyof CompiledSql): Promise<unknown[][]> {
    if (name === 'customers' || name === 'ledger' || name === 'attributes') throw new Error(`the DuckDB engine reads ${name} through rows()`);
    this.ready ??= this.prepare();
    return (await this.ready)[name];
  }

  private async prepare(): Promise<Record<Small, unknown[][]>> {
    const s = this.stages;
    for (const step of s.steps) {
      await this.exec(step.sql, step.readsFile ? 'DuckDB could not read the file' : 'the query failed');
      if (step.drop) await this.exec(step.drop, 'the query failed');
    }
    return {
      outcomes: await this.all(s.outcomes),
      currencies: await this.all(s.currencies),
      unknownStatuses: await this.all(s.unknownStatuses),
      amountDecimals: await this.all(s.amountDecimals),
    };
  }

  /** The customers numbered, their attributes and their ledger, read chunk by chunk. */
  async rows(attributes: readonly string[]): Promise<IndexedRows> {
    const s = this.stages;
    this.ready ??= this.prepare();
    await this.ready;
    const ids: string[] = [];
    await this.chunks(s.ids, (c, n) => {
      const v = c.getColumnVector(0);
      for (let i = 0; i < n; i++) ids.push(v.getItem(i) as string);
    });
    let attrs: IndexedRows['attributes'];
    if (attributes.length > 0) {
      const channel: (string | null)[] = new Array(ids.length).fill(null);
      const country: (string | null)[] = new Array(ids.length).fill(null);
      await this.chunks(s.attributes, (c, n) => {
        const [idx, ch, co] = [0, 1, 2].map((k) => c.getColumnVector(k));
        for (let i = 0; i < n; i++) {
          const k = idx.getItem(i) as number;
          channel[k] = ch.getItem(i) as string | null;
          country[k] = co.getItem(i) as string | null;
        }
      });
      attrs = [channel, country];
    }
    await this.exec('DROP TABLE clm_classified', 'the query failed');
    const [[m]] = (await this.all(s.ledgerCount)) as [[number]];
    const rows: IndexedRows = { ids, ledgerStart: new Int32Array(ids.length + 1), ledgerDay: new Int32Array(m), ledgerOrders: new Int32Array(m), ledgerMills: new Float64Array(m), attributes: attrs };
    // the rows come sorted by customer number: each number's first row starts its run
    let w = 0;
    let last = -1;
    await this.chunks(s.ledger, (c, n) => {
      if (w + n > m) throw new Error(`the ledger from DuckDB has more than its ${m} rows`);
      const [idx, day, orders, mills] = [0, 1, 2, 3].map((k) => c.getColumnVector(k));
      for (let i = 0; i < n; i++, w++) {
        const k = idx.getItem(i) as number;
        if (k !== last) {
          if (k < last || k >= ids.length) throw new Error(`the ledger from DuckDB is not sorted by customer number (${k} after ${last})`);
          for (let j = last + 1; j <= k; j++) rows.ledgerStart[j] = w;
          last = k;
        }
        rows.ledgerDay[w] = day.getItem(i) as number;
        rows.ledgerOrders[w] = orders.getItem(i) as number;
        rows.ledgerMills[w] = mills.getItem(i) as number;
      }
    });
    for (let j = last + 1; j <= ids.length; j++) rows.ledgerStart[j] = w;
    if (w !== m) throw new Error(`the ledger from DuckDB has ${w} rows, not ${m}`);
    for (const sql of s.cleanup.split('; ')) await this.exec(sql, 'the query failed');
    return rows;
  }

  private async exec(sql: string, what: string): Promise<void> {
    try {
      await this.conn.run(sql);
    } catch (e) {
      throw this.fail(e, what);
    }
  }

  /** A small result as one array per column (none when it has no rows: empty arrays). */
  private async all(sql: string): Promise<unknown[][]> {
    try {
      const r = await this.conn.runAndReadAll(sql);
      const cols = r.getColumnsJS();
      return cols.length === r.columnCount ? cols : Array.from({ length: r.columnCount }, () => []);
    } catch (e) {
      throw this.fail(e, 'the query failed');
    }
  }

  /** A result read one chunk at a time. */
  private async chunks(sql: string, each: (chunk: Chunk, rows: number) => void): Promise<void> {
    let result;
    try {
      result = await this.conn.stream(sql);
    } catch (e) {
      throw this.fail(e, 'the query failed');
    }
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      each(chunk, chunk.rowCount);
    }
  }
}
