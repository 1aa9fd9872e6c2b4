import type { CliIO } from '../io/cli-io.js';
import type { CommandResult } from '../render/result.js';
import { customersResult, type CustomersFlags } from '../app/customer-result.js';

export type { CustomersFlags };

/** `clm customers`: the enriched per-customer file an analyst uploads back into the CRM. */
export function runCustomers(flags: CustomersFlags, io: CliIO, warn: (m: string) => void): Promise<CommandResult> {
  return customersResult(flags, io, warn);
}
