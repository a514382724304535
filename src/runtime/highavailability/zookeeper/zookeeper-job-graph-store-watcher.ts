// Watches the job graph pointers for jobs added or removed by another JobManager,
// mirroring Flink's ZooKeeperJobGraphStoreWatcher (a PathChildrenCache there, a child
// watch here): every change or reconnect lists the children again and reports the
// difference; the first listing reports every job present, as Flink's cache does.

import { getLogger } from '../../../actor/logger.js';
import type { JobGraphListener, JobGraphStoreWatcher } from '../job-graph-store.js';
import { ConnectionState } from './connection-state.js';
import type { ZooKeeperClient } from './zookeeper-client.js';
import type { WatchedEvent } from './zookeeper-types.js';
import { ZooKeeperClientClosedError } from './zookeeper-errors.js';

const log = getLogger('zookeeper-job-graph-store-watcher');

export class ZooKeeperJobGraphStoreWatcher implements JobGraphStoreWatcher {
  private listener: JobGraphListener | null = null;
  private known = new Set<string>();
  private running = false;
  private listing = 0;
  private removeConnectionListener: (() => void) | null = null;
  private readonly onWatchedEvent = (_event: WatchedEvent): void => void this.refresh();

  constructor(
    private readonly client: ZooKeeperClient,
    readonly rootPath: string,
  ) {}

  async start(listener: JobGraphListener): Promise<void> {
    if (this.running) return;
    this.listener = listener;
    this.running = true;
    this.removeConnectionListener = this.client.addConnectionStateListener((state) => {
      if (state === ConnectionState.CONNECTED || state === ConnectionState.RECONNECTED) void this.refresh();
    });
    await this.client.ensurePath(this.rootPath);
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.removeConnectionListener?.();
    this.removeConnectionListener = null;
  }

  private async refresh(): Promise<void> {
    if (!this.running) return;
    const listing = ++this.listing;
    let children: string[];
    try {
      children = await this.client.getChildren(this.rootPath, this.onWatchedEvent);
    } catch (error) {
      if (!(error instanceof ZooKeeperClientClosedError)) {
        log.debug(`Could not list ${this.rootPath}; waiting for the connection.`, error);
      }
      return;
    }
    if (!this.running || listing !== this.listing || !this.listener) return;
    const now = new Set(children);
    const before = this.known;
    this.known = now;
    for (const jobId of now) if (!before.has(jobId)) this.listener.onAddedJobGraph(jobId);
    for (const jobId of before) if (!now.has(jobId)) this.listener.onRemovedJobGraph(jobId);
  }
}
