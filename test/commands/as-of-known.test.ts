import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runClm } from '../helpers/run-clm.js';

/**
 * Found on the issue 14 walk: at an --as-of in the past, people who signed up later are not
 * customers yet. summary counted them as prospects (1,294 against the stages' 43) and
 * `clm customers` listed them with an empty stage. And a --where that selects nobody said
 * nothing in a pipe.
 */
const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv'];

describe('who is a customer at the as-of date', () => {
  it('summary, stages and customers agree on prospects at a past --as-of', async () => {
    const asOf = ['--as-of', '2023-06-30'];
    const summary = parse((await runClm(['summary', ...DEMO, ...asOf, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const stages = parse((await runClm(['stages', ...DEMO, ...asOf, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const customers = parse((await runClm(['customers', ...DEMO, ...asOf, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    const prospects = Number(summary.find((r) => r.metric === 'prospects')!.value);
    const buyers = Number(summary.find((r) => r.metric === 'customers')!.value);
    expect(prospects).toBe(Number(stages.find((r) => r.stage === 'prospect')!.customers));
    expect(prospects).toBe(43);
    // every row has a stage; the rows are the buyers and the prospects known by then
    expect(customers.filter((r) => r.stage === '')).toEqual([]);
    expect(customers).toHaveLength(buyers + prospects);
    expect(customers.every((r) => r.signup_date === '' || r.signup_date <= '2023-06-30')).toBe(true);
  });

  it('at the data\'s own as-of date every listed customer is there', async () => {
    const summary = parse((await runClm(['summary', ...DEMO, '--as-of', '2024-12-31', '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(Number(summary.find((r) => r.metric === 'prospects')!.value)).toBe(247);
    const customers = (await runClm(['customers', ...DEMO, '--as-of', '2024-12-31', '--format', 'csv'])).stdout.trim().split('\n');
    expect(customers).toHaveLength(1 + 1500);
  });

  it('a --where that selects nobody warns, and the caption counts the customers known then', async () => {
    const r = await runClm(['customers', ...DEMO, '--as-of', '2024-12-31', '--where', 'channel == "Web"', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--where channel == "Web" selects none of the 1,500 customers; text comparisons are exact (case and spaces count)');
    const past = await runClm(['customers', ...DEMO, '--as-of', '2023-06-30', '--where', 'stage == "prospect"', '--format', 'table']);
    expect(past.stdout).toContain('--where stage == "prospect": 43 of 249 customers');
  });
});
