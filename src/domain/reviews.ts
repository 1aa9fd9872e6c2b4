/** Reviews mapped to customers of a CustomerTable, in file order (one entry per reviewed order). */
export interface ReviewLog {
  /** Table row of the customer. */
  readonly customer: Int32Array;
  readonly day: Int32Array;
  /** Score out of 5. */
  readonly score: Float64Array;
}
