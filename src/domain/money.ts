/**
 * Money as the engines hold it: whole thousandths of the currency's major unit (mills). Every
 * ISO 4217 minor unit (0, 2 or 3 decimals) and the sub-cent unit prices real exports have
 * (UCI's 0.001) are whole numbers of it, so sums of mills are exact integers (below 2^53) and
 * the same in any order of addition, in any engine. The CustomerTable's amounts are such sums
 * divided by MILLS_PER_UNIT once; analytics that add them up again (cohort revenue) go back to
 * mills with toMills, add integers and divide once, so they give the same cents as an engine
 * or a warehouse summing mills (clm sql --summaries).
 */

/** Integer money units per major unit. */
export const MILLS_PER_UNIT = 1000;

/** An amount in major units as whole mills, rounded half away from zero (never -0). */
export function toMills(amount: number): number {
  const m = amount * MILLS_PER_UNIT;
  return (m < 0 ? -Math.round(-m) : Math.round(m)) + 0;
}
