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

/** One customer's ledger rows [from, to) sorted by day (insertion sort: a run is short, its days distinct). */
function sortRunByDay(rows: IndexedRows, from: number, to: number): void {
  const { ledgerDay: day, ledgerOrders: orders, ledgerMills: mills } = rows;
  for (let i = from + 1; i < to; i++) {
    const d = day[i];
    if (d >= day[i - 1]) continue;
    const o = orders[i];
    const x = mills[i];
    let j = i - 1;
    while (j >= from && day[j] > d) {
      day[j + 1] = day[j];
      orders[j + 1] = orders[j];
      mills[j + 1] = mills[j];
      j--;
    }
    day[j + 1] = d;
    orders[j + 1] = o;
    mills[j + 1] = x;
  }
}

type Small = 'outcomes' | 'currencies' | 'unknownStatuses' | 'amountDecimals';

export class StagedRun {
  private ready?: Promise<Record<Small, unknown[][]>>;

  constructor(
    private readonly conn: Connection,
    private readonly stages: Stages,
    /** The error for a statement DuckDB failed (`what` it was doing). */
    private readonly fail: (e: unknown, what: string) => ClmError,
    /** DuckDB's memory limit while clm fills its arrays (like 1GB); undefined: as it was. */
    private readonly exportMemory?: string,
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
    const attrs = attributes.length > 0 ? await this.attributes(ids.length) : undefined;
    await this.exec('DROP TABLE clm_classified', 'the query failed');
    await this.exec('DROP TABLE clm_numbers', 'the query failed');
    // the ledger is read into clm's arrays from here: DuckDB gives back what it can (the rest of its ledger waits on disk)
    if (this.exportMemory) await this.conn.run(`SET memory_limit = '${this.exportMemory}'`).catch(() => undefined);
    const rows = await this.ledger(ids);
    rows.attributes = attrs;
    for (const sql of s.cleanup.split('; ')) await this.exec(sql, 'the query failed');
    return rows;
  }

  /** Channel and country per customer number. */
  private async attributes(n: number): Promise<IndexedRows['attributes']> {
    const channel: (string | null)[] = new Array(n).fill(null);
    const country: (string | null)[] = new Array(n).fill(null);
    // a few distinct values, each held once (DuckDB gives a new string per row)
    const seen = new Map<string, string>();
    const once = (v: unknown): string | null => {
      if (typeof v !== 'string') return null;
      const held = seen.get(v);
      if (held !== undefined) return held;
      if (seen.size < 10_000) seen.set(v, v);
      return v;
    };
    await this.chunks(this.stages.attributes, (c, rowCount) => {
      const [idx, ch, co] = [0, 1, 2].map((k) => c.getColumnVector(k));
      for (let i = 0; i < rowCount; i++) {
        const k = idx.getItem(i) as number;
        channel[k] = once(ch.getItem(i));
        country[k] = once(co.getItem(i));
      }
    });
    return [channel, country];
  }

  /** The ledger by customer number: each customer's count of days, then each row placed in its customer's run, the runs sorted by day. */
  private async ledger(ids: string[]): Promise<IndexedRows> {
    const n = ids.length;
    const ledgerStart = new Int32Array(n + 1);
    await this.chunks(this.stages.ledgerCounts, (c, rowCount) => {
      const [idx, count] = [0, 1].map((k) => c.getColumnVector(k));
      for (let i = 0; i < rowCount; i++) ledgerStart[(idx.getItem(i) as number) + 1] = count.getItem(i) as number;
    });
    for (let k = 0; k < n; k++) ledgerStart[k + 1] += ledgerStart[k];
    const m = ledgerStart[n];
    const rows: IndexedRows = { ids, ledgerStart, ledgerDay: new Int32Array(m), ledgerOrders: new Int32Array(m), ledgerMills: new Float64Array(m) };
    const next = ledgerStart.slice(0, n);
    await this.chunks(this.stages.ledger, (c, rowCount) => {
      const [idx, day, orders, mills] = [0, 1, 2, 3].map((k) => c.getColumnVector(k));
      for (let i = 0; i < rowCount; i++) {
        const k = idx.getItem(i) as number;
        const w = next[k]++;
        if (w >= ledgerStart[k + 1]) throw new Error(`the ledger from DuckDB has more rows for customer ${k} than it counted`);
        rows.ledgerDay[w] = day.getItem(i) as number;
        rows.ledgerOrders[w] = orders.getItem(i) as number;
        rows.ledgerMills[w] = mills.getItem(i) as number;
      }
    });
    for (let k = 0; k < n; k++) {
      if (next[k] !== ledgerStart[k + 1]) throw new Error(`the ledger from DuckDB has fewer rows for customer ${k} than it counted`);
      sortRunByDay(rows, ledgerStart[k], ledgerStart[k + 1]);
    }
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
