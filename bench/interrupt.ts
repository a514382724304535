// Ctrl-C (SIGINT) or SIGTERM during a bench: run every registered cleanup (kill
// child processes by pid, remove temp dirs), then exit with 130. Without it,
// Node would die at once, and its 'exit' handlers, which only SIGKILL, would leave
// temporary directories behind.

type Cleanup = () => Promise<void>;

const cleanups = new Set<Cleanup>();
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: stopping the bench's processes...`);
  void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
}

/** Runs `cleanup` if the bench is interrupted; the returned function unregisters it. */
export function cleanUpOnInterrupt(cleanup: Cleanup): () => void {
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
