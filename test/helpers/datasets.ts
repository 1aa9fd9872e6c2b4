import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The shared real datasets: $CLM_DATASETS, else ../shared/datasets beside the checkout, else
 * /work/shared/datasets (where CI mounts them). Tests that need them skip when none exists.
 */
export const DATASETS: string =
  process.env.CLM_DATASETS ??
  [resolve(process.cwd(), '../shared/datasets'), '/work/shared/datasets'].find((p) => existsSync(p)) ??
  resolve(process.cwd(), '../shared/datasets');
