/**
 * Issue 18: values from a purchase-model fit that is not usable are never written. The fit is
 * made unusable here by wrapping scoreClv (real data that trips the check no longer exists once
 * the likelihoods are exact), so this tests the wiring: cltv, customers --model and backtest
 * refuse with exit 3; the report is written, says so on its page and in its manifest, and has
 * no predicted value anywhere.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runClm } from '../helpers/run-clm.js';

const PROBLEM = 'the log-likelihood at the fitted parameters is 1.090e+48, above 0 (a probability above 1): the model is not usable on this data';

vi.mock('../../src/analytics/clv/score.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/analytics/clv/score.js')>();
  const unusable = <T extends { purchase: object; pAlive: Float64Array }>(s: T): T => {
    const nan = (): Float64Array => new Float64Array(s.pAlive.length).fill(NaN);
    return { ...s, purchase: { ...s.purchase, usable: false, problem: PROBLEM }, pAlive: nan(), expectedPurchases: nan(), expectedAvgValue: nan(), clv: nan(), problem: PROBLEM };
  };
  return {
    ...real,
    scoreClv: (...a: Parameters<typeof real.scoreClv>) => unusable(real.scoreClv(...a)),
    fitPurchaseModel: (...a: Parameters<typeof real.fitPurchaseModel>) => {
      const f = real.fitPurchaseModel(...a);
      return { ...f, fit: { ...f.fit, usable: false, problem: PROBLEM } };
    },
  };
});

const DEMO = ['--orders', 'fixtures/demo/orders.csv', '--customers', 'fixtures/demo/customers.csv', '--as-of', '2024-12-31'];

describe('a purchase model whose fit is not usable', () => {
  it('clm cltv and clm customers --model refuse with exit 3, naming the problem and what to try', async () => {
    for (const args of [['cltv'], ['customers', '--model', 'bgnbd']]) {
      const r = await runClm([...args, ...DEMO, '--format', 'csv']);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/BG\/NBD: the log-likelihood at the fitted parameters is 1\.090e\+48, above 0/);
      expect(r.stderr).toMatch(/--penalizer/);
    }
  });

  it('clm backtest refuses too', async () => {
    const r = await runClm(['backtest', ...DEMO, '--holdout', '13w', '--format', 'csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not usable/);
  });

  it('clm report is written, says so on the page and in the manifest, and writes no predicted value', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'clm-unusable-')), 'report');
    const r = await runClm(['report', ...DEMO, '--out', out]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.model_not_usable).toEqual(expect.objectContaining({ model: 'bgnbd', problem: PROBLEM }));
    expect(manifest.fit.purchase.usable).toBe(false);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/Not usable: the BG\/NBD fit on this data/);
    const header = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')[0];
    expect(header).not.toMatch(/p_alive|clv/);
    expect(() => readFileSync(join(out, 'top_customers.csv'))).toThrow();
  });
});
