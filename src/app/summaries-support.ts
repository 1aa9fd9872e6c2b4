/**
 * Which commands run on summary tables (`--summaries DIR`, domain/summaries.ts) and, for the
 * others, the one usage error that says which per-customer rows they need (issue 13 item 5).
 * Every command that takes the input options takes --summaries; main.ts asks here before it
 * loads the command.
 */
import { UsageError } from '../domain/errors.js';
import { SUMMARY_FILES } from '../domain/summaries.js';

/** The commands that read summaries, with the files each reads and what it gives from them. */
export const SUMMARY_COMMANDS: Readonly<Record<string, { files: readonly string[]; gives: string }>> = Object.freeze({
  cltv: { files: [SUMMARY_FILES.rfmCounts, SUMMARY_FILES.spendCounts], gives: 'the model fit and the base totals' },
  cohorts: { files: [SUMMARY_FILES.cohortActivity], gives: 'the cohort triangles and their averages' },
});

/** What each other command needs one row per customer for, in words. */
const NEEDS: Readonly<Record<string, string>> = Object.freeze({
  summary: 'the customer table and the reconciliation of the order rows',
  customers: 'one row per customer',
  stages: "each customer's first and last purchase day and purchase days at the as-of date (a stage per customer)",
  segments: "each customer's recency, frequency and spend (an RFM score per customer)",
  playbook: "each customer's stage and segment",
  report: 'stages, segments, KPIs and values per customer',
  diff: "each customer's stage at two dates",
  kpis: "each customer's orders per period (active, new and returning customers)",
  backtest: "each customer's purchases before and after the calibration end",
  forecast: "each customer's (x, t_x, T) and purchases, to add up per stage, segment and cohort",
  doctor: 'the per-customer checks (one-time buyers, spend, the frequency-spend correlation)',
  pivot: 'one row per customer to group',
});

/** The files and commands that work with summaries, in one sentence. */
export function summariesCommandsText(): string {
  return Object.entries(SUMMARY_COMMANDS)
    .map(([c, s]) => `clm ${c} (${s.files.join(', ')}: ${s.gives})`)
    .join(' and ');
}

/** Undefined when `command` reads summaries; else the usage error saying what it needs and what does read them. */
export function summariesUnsupported(command: string): UsageError | undefined {
  if (command in SUMMARY_COMMANDS) return undefined;
  const needs = NEEDS[command] ?? 'per-customer rows';
  return new UsageError(
    `clm ${command} cannot run on --summaries: it needs ${needs}, from per-customer rows that the summary tables do not hold. With --summaries DIR only ${summariesCommandsText()} run`,
    `pass --orders FILE (or --db URL --orders TABLE) to clm ${command}`,
  );
}
