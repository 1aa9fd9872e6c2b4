/**
 * Phase marks for performance work: with CLM_TRACE=1 in the environment, each mark prints on
 * stderr the seconds since the process started, its resident memory (every thread of it) and
 * the peak so far, and the JS heap of the thread that marks:
 *
 *   clm trace: 7.52 s  rss 431 MiB  peak 452 MiB  heap 28 MiB  first half read
 *
 * Off by default (a mark is then one test). The engines and the report mark their phases, so
 * where a big run's time and memory go can be read without patching (bench/RESULTS-scale.md).
 * The second reading thread marks on its own stderr (parallel-orders.ts), so its lines may
 * arrive a little after the main thread's of the same moment; the seconds say when.
 */

let sink: ((line: string) => void) | undefined;

/** Marks go to `write` from now on (main.ts, for CLM_TRACE; the reading thread, when told to). */
export function startTrace(write: (line: string) => void): void {
  sink = write;
}

/** No more marks (main.ts, when the command ends: clm runs in-process in tests). */
export function stopTrace(): void {
  sink = undefined;
}

export function tracing(): boolean {
  return sink !== undefined;
}

/** Prints one mark, when tracing. */
export function traceMark(what: string): void {
  if (!sink) return;
  const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  sink(`clm trace: ${process.uptime().toFixed(2)} s  rss ${mib(m.rss)}  peak ${mib(peak)}  heap ${mib(m.heapUsed)}  ${what}`);
}
