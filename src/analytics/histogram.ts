/**
 * Counts of small non-negative integers (day gaps, purchase-day counts) in a growable typed
 * array: a Map would cost a hash per value, and these loops run over millions of ledger
 * entries. Values outside [0, 2^24) (never in practice) are kept in a Map.
 */
export class CountHistogram {
  private bins = new Int32Array(1024);
  private readonly odd = new Map<number, number>();
  total = 0;

  add(v: number): void {
    this.total++;
    if (v >= 0 && v < this.bins.length && Number.isInteger(v)) {
      this.bins[v]++;
      return;
    }
    if (v >= 0 && v < 1 << 24 && Number.isInteger(v)) {
      let n = this.bins.length;
      while (n <= v) n *= 2;
      const grown = new Int32Array(n);
      grown.set(this.bins);
      this.bins = grown;
      this.bins[v]++;
      return;
    }
    this.odd.set(v, (this.odd.get(v) ?? 0) + 1);
  }

  /** The non-zero counts as value → count. */
  counts(): Map<number, number> {
    const out = new Map(this.odd);
    for (let v = 0; v < this.bins.length; v++) if (this.bins[v] !== 0) out.set(v, this.bins[v]);
    return out;
  }
}
