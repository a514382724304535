// Counts the worker threads this thread's RpcServices have started and not yet
// seen exit. Node lists no Worker handles in getActiveResourcesInfo(), so the
// test suite's leak check reads this instead.

let live = 0;

export function trackWorker(exited: Promise<unknown>): void {
  live++;
  const done = () => {
    live--;
  };
  exited.then(done, done);
}

export function liveWorkerCount(): number {
  return live;
}
