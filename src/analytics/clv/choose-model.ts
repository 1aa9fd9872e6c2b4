/**
 * `--model auto`: which purchase model (BG/NBD, MBG/NBD or Pareto/NBD) to fit, by one rule.
 *
 * The rule, in order:
 * 1. Holdout, when there is one with at least MIN_HOLDOUT_PURCHASES actual repeat purchases:
 *    each model is fitted on the calibration summary (the orders to the calibration end, the
 *    split of `clm backtest`) and predicts every customer's repeat purchases over the holdout;
 *    the model with the smallest absolute error of the total, |predicted / actual − 1|, wins
 *    (ties within 0.1 point of error: the smaller per-customer RMSE). The total is what the
 *    backtest reports and what a plan uses; a model that keeps customers who left "alive"
 *    (BG/NBD's one-time buyers) over-predicts it.
 * 2. Otherwise (no holdout, or too few purchases in it to tell the models apart): each model
 *    is fitted on all the data and the lowest AIC = 2k − 2 ln L wins (k = 4 for all three, so
 *    this is the highest log-likelihood).
 * A fit that is not usable (ModelFit.usable) ranks below every usable one, and an unconverged
 * one below every converged one, whatever its score. The winner is then fitted on all the data;
 * if that fit is not usable (or not converged while another model's is), the next in the
 * ranking is taken. The choice says which model won and each candidate's numbers.
 */
import type { PurchasePredictor } from './model.js';
import { fitPurchaseModel, purchaseModelLabel, type PurchaseFit, type PurchaseModelName } from './score.js';
import type { ClvSummary } from './summary.js';

/** The candidates, in the order ties fall (the simplest first). */
export const AUTO_CANDIDATES: readonly PurchaseModelName[] = ['bgnbd', 'mbgnbd', 'pnbd'];

/** Fewer actual holdout repeat purchases than this: the holdout cannot tell the models apart; AIC instead. */
export const MIN_HOLDOUT_PURCHASES = 30;

/** Errors of the total closer than this are a tie, decided by the per-customer RMSE. */
const ERROR_TIE = 0.001;

/** The calibration part of a holdout split: its summary and each of its customers' holdout purchases. */
export interface HoldoutSplit {
  readonly summary: ClvSummary;
  /** Actual repeat purchases in the holdout, per calibration customer (same order). */
  readonly frequency: ArrayLike<number>;
  /** Holdout length in the summary's unit. */
  readonly duration: number;
  /** Days, for the words: calibration end and holdout end. */
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
}

export interface CandidateScore {
  readonly model: PurchaseModelName;
  readonly usable: boolean;
  readonly converged: boolean;
  /** Holdout rule: predicted and actual total holdout repeat purchases, |pred/act − 1|, RMSE per customer. */
  readonly predicted?: number;
  readonly actual?: number;
  readonly error?: number;
  readonly rmse?: number;
  /** AIC rule: log-likelihood on all the data and AIC. */
  readonly logLik?: number;
  readonly aic?: number;
}

export interface ModelChoice {
  readonly model: PurchaseModelName;
  readonly rule: 'holdout' | 'aic';
  /** One sentence: the rule, the winner and each candidate's numbers. */
  readonly reason: string;
  readonly candidates: readonly CandidateScore[];
}

/** Ranks candidates: usable before not, converged before not, then by the rule's score (best first). */
export function rankCandidates(cands: readonly CandidateScore[], rule: 'holdout' | 'aic'): CandidateScore[] {
  const tier = (c: CandidateScore): number => (c.usable ? 0 : 2) + (c.converged ? 0 : 1);
  const score = (c: CandidateScore): number => {
    const v = rule === 'holdout' ? c.error : c.aic;
    return v === undefined || !Number.isFinite(v) ? Infinity : v;
  };
  return [...cands].sort((x, y) => {
    if (tier(x) !== tier(y)) return tier(x) - tier(y);
    const d = score(x) - score(y);
    if (rule === 'holdout' && Math.abs(d) < ERROR_TIE) return (x.rmse ?? Infinity) - (y.rmse ?? Infinity) || AUTO_CANDIDATES.indexOf(x.model) - AUTO_CANDIDATES.indexOf(y.model);
    return d || AUTO_CANDIDATES.indexOf(x.model) - AUTO_CANDIDATES.indexOf(y.model);
  });
}

function holdoutScore(model: PurchaseModelName, split: HoldoutSplit, penalizer: number): CandidateScore {
  const { fit, predictor } = fitPurchaseModel(split.summary, model, penalizer);
  if (!fit.usable) return { model, usable: false, converged: false };
  const pred = predictor.expected(split.duration);
  let p = 0;
  let a = 0;
  let sq = 0;
  for (let i = 0; i < pred.length; i++) {
    p += pred[i];
    a += split.frequency[i];
    sq += (pred[i] - split.frequency[i]) ** 2;
  }
  return { model, usable: true, converged: fit.converged, predicted: p, actual: a, error: a > 0 ? Math.abs(p / a - 1) : Infinity, rmse: pred.length > 0 ? Math.sqrt(sq / pred.length) : 0 };
}

function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

const flag = (c: CandidateScore): string => (!c.usable ? ', not usable' : !c.converged ? ', not converged' : '');

/** The sentence for a choice. */
function reasonOf(model: PurchaseModelName, rule: 'holdout' | 'aic', cands: readonly CandidateScore[], split?: HoldoutSplit, why?: string): string {
  if (rule === 'holdout') {
    const each = cands.map((c) => (c.usable ? `${purchaseModelLabel(c.model)} ${c.predicted!.toFixed(1)} (${(100 * c.error!).toFixed(1)}% off, RMSE ${c.rmse!.toFixed(3)}${flag(c)})` : `${purchaseModelLabel(c.model)} not usable`));
    const actual = cands.find((c) => c.actual !== undefined)?.actual ?? 0;
    return `--model auto chose ${purchaseModelLabel(model)}: fitted on the orders to ${split!.calibrationEnd}, it came closest to the ${actual.toFixed(0)} repeat purchases to ${split!.holdoutEnd} (predicted: ${each.join('; ')}); then refitted on all orders`;
  }
  const each = cands.map((c) => (c.usable ? `${purchaseModelLabel(c.model)} ${c.aic!.toFixed(1)}${flag(c)}` : `${purchaseModelLabel(c.model)} not usable`));
  return `--model auto chose ${purchaseModelLabel(model)}: the lowest AIC on all the data (${each.join('; ')})${why ? `, as ${why}` : ''}`;
}

/**
 * Chooses and fits the purchase model by the rule above: `full` is the summary at the as-of
 * date, `split` the calibration part of a holdout before it (absent: no holdout).
 */
export function autoFitPurchaseModel(full: ClvSummary, split: HoldoutSplit | undefined, penalizer = 0): { fit: PurchaseFit; predictor: PurchasePredictor; choice: ModelChoice } {
  const fulls = new Map<PurchaseModelName, { fit: PurchaseFit; predictor: PurchasePredictor }>();
  const fitFull = (m: PurchaseModelName) => {
    if (!fulls.has(m)) fulls.set(m, fitPurchaseModel(full, m, penalizer));
    return fulls.get(m)!;
  };
  const actual = split ? sumOf(split.frequency) : 0;
  let rule: 'holdout' | 'aic';
  let cands: CandidateScore[];
  let why: string | undefined;
  if (split && actual >= MIN_HOLDOUT_PURCHASES) {
    rule = 'holdout';
    cands = AUTO_CANDIDATES.map((m) => holdoutScore(m, split, penalizer));
    if (!cands.some((c) => c.usable)) {
      rule = 'aic';
      why = 'no model could be fitted on the orders before the holdout';
    }
  } else {
    rule = 'aic';
    why = split ? `the holdout to ${split.holdoutEnd} has ${actual} repeat purchase${actual === 1 ? '' : 's'}, under ${MIN_HOLDOUT_PURCHASES}` : 'there is no holdout to compare predictions with';
  }
  if (rule === 'aic') {
    cands = AUTO_CANDIDATES.map((m) => {
      const { fit } = fitFull(m);
      return { model: m, usable: fit.usable, converged: fit.converged, logLik: fit.logLik, aic: fit.usable ? 2 * Object.keys(fit.params).length - 2 * fit.logLik : Infinity };
    });
  }
  const ranked = rankCandidates(cands!, rule);
  // the winner's fit on all the data; the next in the ranking when it is worse off than another's
  const tier = (f: PurchaseFit): number => (f.usable ? 0 : 2) + (f.converged ? 0 : 1);
  let best = ranked[0].model;
  for (const c of ranked) {
    if (tier(fitFull(c.model).fit) < tier(fitFull(best).fit)) best = c.model;
    if (tier(fitFull(best).fit) === 0) break;
  }
  const picked = fitFull(best);
  return { ...picked, choice: Object.freeze({ model: best, rule, reason: reasonOf(best, rule, cands!, split, why), candidates: Object.freeze(cands!) }) };
}
