/**
 * Names and values a rule can be told about: close matches for a misspelt name, and the
 * closed value sets of text fields (stages, RFM segments, custom segment names, period
 * labels), so that `stage == "atrisk"` is an error with "did you mean "at_risk"?" instead
 * of a filter that silently selects nobody.
 */
import { formatPeriod, parsePeriodText, periodOfDay, type PeriodUnit } from '../domain/period.js';

/**
 * The texts a field can hold (null aside). A rule that compares the field with `==`, `!=`
 * or `in` against a literal outside the set is an error: the comparison could never hold
 * (or, with `!=`, always would).
 */
export interface RuleValueSet {
  /** What one value is, with its article, for messages: "a stage", "an RFM segment". */
  readonly what: string;
  has(text: string): boolean;
  /** Values to offer for a text that is not one, closest first (may be empty). */
  suggest(text: string): string[];
  /** The values (or their form) listed after the suggestion, e.g. "stages: prospect, new, …". */
  readonly listing: string;
  /**
   * True when the values sort as text in their own order (period labels): then `<`, `<=`,
   * `>`, `>=` against a text outside the set are errors too (`cohort >= "2024-1"` would
   * silently leave out 2024-05, as "2024-05" < "2024-1").
   */
  readonly ordered?: boolean;
}

/** A closed set of names: suggestions are the close matches (case-insensitive), listed in full. */
export function closedSet(what: string, plural: string, values: readonly string[]): RuleValueSet {
  const set = new Set(values);
  return {
    what,
    has: (text) => set.has(text),
    suggest: (text) => {
      const close = closeMatches(text, values);
      if (close.length > 0 || text.length < 3) return close;
      // a shortened name ("churn") is further from its value than a typo, but as clear
      const lower = text.toLowerCase();
      return values.filter((v) => v.toLowerCase().startsWith(lower)).slice(0, 3);
    },
    listing: values.length > 0 ? `${plural}: ${values.join(', ')}` : `there are no ${plural} here`,
  };
}

const PERIOD_EXAMPLES: Readonly<Record<PeriodUnit, string>> = { month: '2024-01', week: '2024-W03', quarter: '2024-Q1' };

/**
 * Period labels of one unit (`2024-01`, `2024-W03`, `2024-Q1`), e.g. the cohort column: a
 * label of another unit or form (`2024-1`, `2024-q1`, `2024-03-15` for months) never equals
 * one. Which periods the data holds is not checked: a cohort with no customer yet is a
 * valid (empty) selection, not a misspelling.
 */
export function periodLabels(unit: PeriodUnit, flag: string): RuleValueSet {
  const labelOf = (text: string): string | undefined => {
    const padded = text.trim().toUpperCase().replace(/^(\d{4})-(W|Q)?(\d)$/, (_, y: string, k: string | undefined, n: string) => (k === 'Q' ? `${y}-Q${n}` : `${y}-${k ?? ''}0${n}`));
    const range = parsePeriodText(padded);
    return range === undefined ? undefined : formatPeriod(unit, periodOfDay(unit, range.first));
  };
  return {
    what: `a ${unit} label`,
    has: (text) => labelOf(text) === text,
    suggest: (text) => {
      const label = labelOf(text);
      return label === undefined ? [] : [label];
    },
    ordered: true,
    listing: `${unit} labels are written like ${PERIOD_EXAMPLES[unit]} (${flag} sets the unit)`,
  };
}

const MAX_LISTED = 15;

/** Up to three known names within a small edit distance (case-insensitive), closest first. */
export function closeMatches(name: string, known: readonly string[]): string[] {
  if (name.length > 64) return [];
  const target = name.toLowerCase();
  const limit = Math.max(1, Math.floor(target.length / 3));
  return known
    .map((k) => ({ k, d: editDistance(target, k.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
    .slice(0, 3)
    .map(({ k }) => k);
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

/** Sorted names, at most MAX_LISTED of them. */
export function listNames(names: readonly string[]): string {
  const sorted = [...names].sort();
  const shown = sorted.slice(0, MAX_LISTED).join(', ');
  return sorted.length > MAX_LISTED ? `${shown}, … (${sorted.length - MAX_LISTED} more)` : shown;
}
