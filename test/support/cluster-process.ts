// The tests' way to start `threadlink <command>` processes: scripts/cluster-process.ts,
// with every process counted by the leak check until it has exited, and killed
// by killAllChildren if a test leaves it behind.

import { ClusterProcess, type ClusterProcessOptions } from '../../scripts/cluster-process.js';
import { trackChild } from './remote-process.js';

export { ClusterProcess };

/** Starts `threadlink ...args` and tracks it for the leak check. */
export function startClusterProcess(
  args: readonly string[],
  options: ClusterProcessOptions = {},
): ClusterProcess {
  const started = ClusterProcess.start(args, options);
  trackChild({ kill: () => started.kill() }, started.exited);
  return started;
}
