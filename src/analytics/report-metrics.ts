import type { PurchaseSnapshot } from './stages.js';
import { NOT_YET, STAGE_CODE, STAGES } from '../domain/stage.js';

/**
 * The metrics a report (and `--fail-if`) can test, from the stages now and at the start of
 * the report window:
 * - `customers`: customers with a counted order; `prospects`; `known`: both together;
 * - `share(stage)` / `count(stage)`: of the known customers (the stage table's share);
 * - `window_churn_rate`: of the customers who had bought and were not churned at the window
 *   start, the share churned now (customers lost over the window); null without such
 *   customers. (`churn_rate` is the KPI of the latest complete month, from kpis.ts.)
 * - `at_risk_rate`: of the customers with an order now, the share at risk;
 * - `repeat_rate`: customers with 2+ purchase days / customers;
 * - `net_revenue`: counted orders minus refunds, to the as-of date.
 */
export interface ReportMetrics {
  values: Record<string, number | null>;
  stageCounts: Record<string, number>;
  known: number;
}

export function reportMetrics(s: PurchaseSnapshot, stages: Uint8Array, before: Uint8Array | undefined): ReportMetrics {
  const counts = new Array<number>(STAGES.length).fill(0);
  let known = 0;
  let buyers = 0;
  let repeat = 0;
  let revenue = 0;
  for (let i = 0; i < s.size; i++) {
    const c = stages[i];
    if (c === NOT_YET) continue;
    counts[c]++;
    known++;
    if (s.orders[i] > 0) {
      buyers++;
      revenue += s.revenue[i];
      if (s.purchaseDays[i] >= 2) repeat++;
    }
  }
  let base = 0;
  let lost = 0;
  if (before) {
    for (let i = 0; i < s.size; i++) {
      const b = before[i];
      if (b === NOT_YET || b === STAGE_CODE.prospect || b === STAGE_CODE.churned) continue;
      base++;
      if (stages[i] === STAGE_CODE.churned) lost++;
    }
  }
  const stageCounts = Object.fromEntries(STAGES.map((st, k) => [st, counts[k]]));
  return {
    known,
    stageCounts,
    values: {
      customers: buyers,
      prospects: counts[STAGE_CODE.prospect],
      known,
      net_revenue: revenue,
      repeat_rate: buyers > 0 ? repeat / buyers : null,
      window_churn_rate: before && base > 0 ? lost / base : null,
      at_risk_rate: buyers > 0 ? counts[STAGE_CODE.at_risk] / buyers : null,
    },
  };
}
