import { advocacySignals, type AdvocacyResult } from '../analytics/advocacy.js';
import { monetaryValues, RFM_SEGMENTS, scoreRfm, type RfmResult } from '../analytics/rfm.js';
import { compileRule, RuleSyntaxError, type CompiledRule, type RuleField, type RuleValue } from '../analytics/rule-expr.js';
import { rfmSampleWarning, thresholdSampleWarning } from '../analytics/sample-size.js';
import { closedSet } from '../analytics/rule-values.js';
import { assignStages, deriveThresholds, snapshotAt, type PurchaseSnapshot, type ThresholdDerivation } from '../analytics/stages.js';
import { formatDay, parseIsoDay, type Day } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { STAGES, type StageThresholds } from '../domain/stage.js';
import type { LoadedConfig } from '../io/config.js';
import type { LoadedData } from '../engine/spec.js';
import type { Inputs } from './inputs.js';

/** Flags of the commands that assign stages and segments. */
export interface LifecycleFlags {
  activeDays?: string;
  churnDays?: string;
  loyalMinOrders?: string;
  monetary?: string;
  explain?: boolean;
}

/** Everything stage and segment outputs read, computed once per run. */
export interface Lifecycle {
  snapshot: PurchaseSnapshot;
  derivation: ThresholdDerivation;
  /** Stage code per customer (index into STAGES). */
  stages: Uint8Array;
  advocacy: AdvocacyResult;
  /** Days since the last purchase; -1 for prospects. */
  recencyDays: Int32Array;
  /** Customers with a counted order, in table order; RFM arrays are indexed like this. */
  buyers: Int32Array;
  rfm: RfmResult;
  monetary: 'mean' | 'total';
  /** Per customer: RFM scores (0 for prospects) and the RFM segment index (255 for prospects). */
  rScore: Uint8Array;
  fScore: Uint8Array;
  mScore: Uint8Array;
  rfmSegment: Uint8Array;
  custom?: CustomSegments;
  /** Small-sample warnings (analytics/sample-size.ts): thresholds for stage outputs, rfm for RFM outputs. */
  sampleWarnings: { thresholds: string | null; rfm: string | null };
}

export interface CustomSegments {
  names: string[];
  rules: { name: string; rule: string }[];
  defaultName: string;
  /** Index into names per customer. */
  segment: Uint16Array;
}

function intFlag(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a whole number of at least ${min}`, `for example ${flag} ${Math.max(min, 90)}`);
  return v;
}

/** Thresholds given by flag (first) or config; the rest are derived from the data. */
export function fixedThresholds(flags: LifecycleFlags, config: LoadedConfig | undefined): Parameters<typeof deriveThresholds>[2] {
  const out: NonNullable<Parameters<typeof deriveThresholds>[2]> = {};
  const th = config?.config.thresholds;
  const pick = (key: keyof StageThresholds, flagText: string | undefined, flag: string, configValue: number | undefined, min: number): void => {
    const f = intFlag(flagText, flag, min);
    if (f !== undefined) out[key] = { value: f, source: 'flag' };
    else if (configValue !== undefined) out[key] = { value: configValue, source: 'config' };
  };
  pick('activeDays', flags.activeDays, '--active-days', th?.active_days, 1);
  pick('churnDays', flags.churnDays, '--churn-days', th?.churn_days, 1);
  pick('loyalMinOrders', flags.loyalMinOrders, '--loyal-min-orders', th?.loyal_min_orders, 2);
  return out;
}

export function parseFromDate(text: string | undefined, asOf: Day): Day | undefined {
  if (text === undefined) return undefined;
  const d = parseIsoDay(text);
  if (d === undefined) throw new UsageError(`--from ${JSON.stringify(text)} is not a date`, 'use YYYY-MM-DD');
  if (d >= asOf) throw new UsageError(`--from ${text} is not before the as-of date ${formatDay(asOf)}`, 'pick an earlier --from date, or a later --as-of');
  return d;
}

/** Says the small-sample warnings that concern an output of stages, RFM segments or both. */
export function warnSmallSamples(lc: Lifecycle, warn: (m: string) => void, which: { stages?: boolean; rfm?: boolean } = { stages: true, rfm: true }): void {
  if (which.stages && lc.sampleWarnings.thresholds) warn(lc.sampleWarnings.thresholds);
  if (which.rfm && lc.sampleWarnings.rfm) warn(lc.sampleWarnings.rfm);
}

/** Stages at `day` with the given thresholds (transitions use the as-of thresholds for both ends). */
export function stagesAt(inputs: Inputs, day: Day, thresholds: StageThresholds): Uint8Array {
  const t = inputs.data.table;
  const s = snapshotAt(t, day, inputs.listed, inputs.listedSince);
  const adv = advocacySignals(t, day, inputs.reviews);
  return assignStages(s, thresholds, adv.flags);
}

export function computeLifecycle(inputs: Inputs, flags: LifecycleFlags): Lifecycle {
  const { data, config, reviews, listed } = inputs;
  const t = data.table;
  const snapshot = snapshotAt(t, data.asOf, listed, inputs.listedSince);
  const fixed = fixedThresholds(flags, config);
  const derivation = deriveThresholds(snapshot, t, fixed);
  const th = derivation.thresholds;
  if (th.churnDays < th.activeDays) {
    // say where each value came from: a flag, the config (file and key), or the data
    const from = (key: 'activeDays' | 'churnDays', flag: string, configKey: string): string => {
      const src = fixed?.[key]?.source;
      return src === 'flag' ? flag : src === 'config' ? `${config!.path}: thresholds.${configKey}` : `${configKey} (derived from the data)`;
    };
    throw new UsageError(
      `churn_days (${th.churnDays}, from ${from('churnDays', '--churn-days', 'churn_days')}) is less than active_days (${th.activeDays}, from ${from('activeDays', '--active-days', 'active_days')}), so no customer could be at risk`,
      'set churn_days to at least active_days (--churn-days, or thresholds.churn_days in the config)',
    );
  }
  const advocacy = advocacySignals(t, data.asOf, reviews);
  const stages = assignStages(snapshot, th, advocacy.flags);

  const recencyDays = new Int32Array(t.size);
  let nb = 0;
  for (let i = 0; i < t.size; i++) {
    if (snapshot.orders[i] > 0) {
      recencyDays[i] = data.asOf - snapshot.lastDay[i];
      nb++;
    } else recencyDays[i] = -1;
  }
  const buyers = new Int32Array(nb);
  for (let i = 0, k = 0; i < t.size; i++) if (snapshot.orders[i] > 0) buyers[k++] = i;
  const monetaryText = flags.monetary ?? config?.config.rfm?.monetary ?? 'mean';
  if (monetaryText !== 'mean' && monetaryText !== 'total') throw new UsageError(`--monetary must be mean or total, not ${JSON.stringify(monetaryText)}`);
  const monetary = monetaryText;
  const rec = new Float64Array(nb);
  const freq = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    rec[k] = recencyDays[buyers[k]];
    freq[k] = snapshot.purchaseDays[buyers[k]];
  }
  const rfm = scoreRfm({ recencyDays: rec, frequency: freq, monetary: monetaryValues(snapshot.revenue, snapshot.orders, buyers, monetary) });
  const rScore = new Uint8Array(t.size);
  const fScore = new Uint8Array(t.size);
  const mScore = new Uint8Array(t.size);
  const rfmSegment = new Uint8Array(t.size).fill(255);
  for (let k = 0; k < nb; k++) {
    const i = buyers[k];
    rScore[i] = rfm.r[k];
    fScore[i] = rfm.f[k];
    mScore[i] = rfm.m[k];
    rfmSegment[i] = rfm.segment[k];
  }
  const sampleWarnings = { thresholds: thresholdSampleWarning(derivation), rfm: rfmSampleWarning(nb) };
  const lc: Lifecycle = { snapshot, derivation, stages, advocacy, recencyDays, buyers, rfm, monetary, rScore, fScore, mScore, rfmSegment, sampleWarnings };
  const seg = config?.config.segments;
  if (seg) lc.custom = evaluateCustomSegments(data, lc, seg.rules, seg.default ?? 'other', config!.path);
  return lc;
}

/** Field names a custom-segment rule (or a --where filter) can use, besides the attributes. */
export const CUSTOMER_RULE_FIELDS: readonly RuleField[] = [
  { name: 'customer_id', type: 'string' },
  { name: 'stage', type: 'string', values: closedSet('a stage', 'stages', STAGES) },
  { name: 'orders', type: 'number' },
  { name: 'purchase_days', type: 'number' },
  { name: 'revenue', type: 'number' },
  { name: 'average_order_value', type: 'number' },
  { name: 'recency_days', type: 'number' },
  { name: 'days_since_last_order', type: 'number' },
  { name: 'tenure_days', type: 'number' },
  { name: 'first_order_date', type: 'string' },
  { name: 'last_order_date', type: 'string' },
  { name: 'r_score', type: 'number' },
  { name: 'f_score', type: 'number' },
  { name: 'm_score', type: 'number' },
  { name: 'rfm_segment', type: 'string', values: closedSet('an RFM segment', 'RFM segments', RFM_SEGMENTS) },
];

/** More per-customer fields for rules (model values, segment, cohort), after the fixed ones. */
export interface ExtraRuleFields {
  fields: RuleField[];
  /** Value of extra field k for customer i. */
  get(i: number, k: number): RuleValue;
}

/** The rule fields for this data: the fixed ones, the extras, then every attribute not already named. */
export function ruleFieldsFor(data: LoadedData, extra?: ExtraRuleFields): RuleField[] {
  const fields: RuleField[] = [...CUSTOMER_RULE_FIELDS, ...(extra?.fields ?? [])];
  const taken = new Set(fields.map((f) => f.name));
  for (const name of data.table.attributeNames) if (!taken.has(name)) fields.push({ name, type: 'any' });
  return fields;
}

/** A row accessor for customer i over ruleFieldsFor(data, extra). */
export function customerRuleRow(data: LoadedData, lc: Lifecycle, extra?: ExtraRuleFields): (i: number) => (f: number) => RuleValue | undefined {
  const t = data.table;
  const s = lc.snapshot;
  const nFixed = CUSTOMER_RULE_FIELDS.length;
  const nExtra = extra?.fields.length ?? 0;
  const attrIndex: number[] = [];
  const taken = new Set([...CUSTOMER_RULE_FIELDS, ...(extra?.fields ?? [])].map((f) => f.name));
  t.attributeNames.forEach((name, a) => {
    if (!taken.has(name)) attrIndex.push(a);
  });
  return (i) => (f) => {
    const buyer = s.orders[i] > 0;
    switch (f) {
      case 0: return t.ids[i];
      case 1: return STAGES[lc.stages[i]] ?? null;
      case 2: return s.orders[i];
      case 3: return s.purchaseDays[i];
      case 4: return s.revenue[i];
      case 5: return buyer ? s.revenue[i] / s.orders[i] : null;
      case 6:
      case 7: return buyer ? lc.recencyDays[i] : null;
      case 8: return buyer ? s.day - s.firstDay[i] : null;
      case 9: return buyer ? formatDay(s.firstDay[i]) : null;
      case 10: return buyer ? formatDay(s.lastDay[i]) : null;
      case 11: return buyer ? lc.rScore[i] : null;
      case 12: return buyer ? lc.fScore[i] : null;
      case 13: return buyer ? lc.mScore[i] : null;
      case 14: return buyer ? RFM_SEGMENTS[lc.rfmSegment[i]] : null;
      default:
        if (f < nFixed + nExtra) return extra!.get(i, f - nFixed);
        return t.attributes[attrIndex[f - nFixed - nExtra]][i] ?? null;
    }
  };
}

/** Compiles a rule over customers (custom segments, --where); errors become usage errors naming `where`. */
export function compileCustomerRule(rule: string, where: string, fields: RuleField[]): CompiledRule {
  try {
    return compileRule(rule, { fields, constants: [...STAGES] });
  } catch (e: unknown) {
    if (e instanceof RuleSyntaxError) {
      throw new UsageError(`${where}: ${e.message}\n${indent(e.pointer())}`, 'fix the rule; the Configuration section of the README lists the fields and operators');
    }
    throw e;
  }
}

/** Custom segments (spec §4.2): the rules in order, first match wins, then the catch-all. */
function evaluateCustomSegments(data: LoadedData, lc: Lifecycle, rules: { name: string; rule: string }[], defaultName: string, configPath: string): CustomSegments {
  const fields = ruleFieldsFor(data);
  const compiled = rules.map((r, k) => compileCustomerRule(r.rule, `${configPath}: segments.rules[${k}].rule (${JSON.stringify(r.name)})`, fields));
  const names = [...rules.map((r) => r.name)];
  let defaultIndex = names.indexOf(defaultName);
  if (defaultIndex < 0) {
    names.push(defaultName);
    defaultIndex = names.length - 1;
  }
  const ruleIndex = rules.map((r) => names.indexOf(r.name));
  const segment = new Uint16Array(data.table.size);
  const rowOf = customerRuleRow(data, lc);
  for (let i = 0; i < data.table.size; i++) {
    const row = rowOf(i);
    let s = defaultIndex;
    for (let k = 0; k < compiled.length; k++) {
      if (compiled[k].test(row)) {
        s = ruleIndex[k];
        break;
      }
    }
    segment[i] = s;
  }
  return { names, rules, defaultName, segment };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

