/**
 * Clean-ups that must run when clm is stopped by Ctrl-C or SIGTERM while it writes (temporary
 * files and folders). One handler per signal runs every registered clean-up, then ends the
 * process as the signal would have (the handlers are taken away and the signal sent again).
 */
const cleanups = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const c of [...cleanups]) {
    try {
      c();
    } catch {
      /* the next clean-up still runs */
    }
  }
  cleanups.clear();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}

/** Registers `cleanup` until the returned function is called (after a commit or an abort). */
export function cleanUpOnSignal(cleanup: () => void): () => void {
  if (cleanups.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}
