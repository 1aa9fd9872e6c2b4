// Types of bench/duckdb-honest.js, for the tests that import it.
export interface HonestResult {
  customers: number | null;
  orders: number | null;
  revenue: number | null;
  first_order_date: string | null;
  last_order_date: string | null;
  repeat_customer_rate: number | null;
  threads: number;
}
export interface Agreement {
  name: string;
  clm: unknown;
  duckdb: unknown;
  equal: boolean;
}
export function honestSql(file: string): string;
export function loadDuckDB(): Promise<typeof import('@duckdb/node-api')>;
export function runHonest(file: string, threads?: number): Promise<HonestResult>;
export function compareWithClm(clmSummary: Record<string, unknown>, duck: HonestResult): Agreement[];
