// The clients that follow one job, and the events on their way to them: the
// events of one turn leave as one jobEvents tell per client, in order. A
// client is connected once (the Dispatcher keeps the connection for its next
// jobs, see rpc/connection-cache.ts); until then its events wait, also past
// close(): a short job can end before its client's connection is made. A client
// whose thread, process or connection is gone is dropped (death watch), and so
// is one that cannot be reached at all. threadlink's own: Flink's clients poll.

import { getLogger } from '../../actor/logger.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import { messageOf } from '../flink-error.js';
import { JobListenerGateway } from '../gateways/job-listener-gateway.js';
import type { JobID } from '../types/ids.js';
import type { JobEvent } from '../types/job-events.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import { JobResultTooLargeError } from './dispatcher-errors.js';
import type { ConnectionCache } from '../../rpc/connection-cache.js';

const log = getLogger('Dispatcher');

interface Follower {
  gateway: JobListenerGateway | undefined;
  queued: JobEvent[];
  readonly unwatch: () => void;
}

export class JobFollowers {
  private readonly followers = new Map<string, Follower>();
  private flushQueued = false;
  private closed = false;
  private readonly flush = () => this.flushAll();

  constructor(
    private readonly jobId: JobID,
    private readonly rpcService: RpcService,
    /** The Dispatcher's connections, shared between its jobs; by default each follower connects anew. */
    private readonly connections?: ConnectionCache<JobListenerGateway>,
  ) {}

  get size(): number {
    return this.followers.size;
  }

  /** The listener at `address` hears every event from now on; `runAsync` brings its connect back to the mailbox. */
  add(address: string, runAsync: (task: () => void) => void): void {
    if (this.followers.has(address)) return;
    const unwatch = this.rpcService.watch(address, () => runAsync(() => this.remove(address)));
    const follower: Follower = { gateway: undefined, queued: [], unwatch };
    this.followers.set(address, follower);
    const connecting = this.connections
      ? this.connections.connect(address)
      : this.rpcService.connect(address, JobListenerGateway);
    connecting.then(
      (gateway) =>
        runAsync(() => {
          if (this.followers.get(address) !== follower) return;
          follower.gateway = gateway;
          if (!this.closed) {
            this.schedule();
            return;
          }
          this.flushAll();
          this.remove(address);
        }),
      (error: unknown) =>
        runAsync(() => {
          log.info(`Could not reach the listener of job ${this.jobId} at ${address}: ${messageOf(error)}`);
          if (this.followers.get(address) === follower) this.remove(address);
        }),
    );
  }

  remove(address: string): void {
    const follower = this.followers.get(address);
    if (!follower) return;
    this.followers.delete(address);
    follower.unwatch();
  }

  /** Queues `event` for every follower; it leaves at the end of this turn. */
  publish(event: JobEvent): void {
    if (this.followers.size === 0) return;
    for (const follower of this.followers.values()) follower.queued.push(event);
    this.schedule();
  }

  /** Sends what is queued now, and forgets every follower: one still connecting once it has its events. */
  close(): void {
    this.closed = true;
    this.flushAll();
    for (const [address, follower] of [...this.followers]) {
      if (follower.gateway) this.remove(address);
    }
  }

  private schedule(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(this.flush);
  }

  private flushAll(): void {
    this.flushQueued = false;
    for (const [address, follower] of this.followers) {
      if (!follower.gateway || follower.queued.length === 0) continue;
      const events = follower.queued;
      follower.queued = [];
      try {
        follower.gateway.jobEvents(this.jobId, events);
      } catch (error) {
        // The events do not fit into one message (huge results): send them one by one.
        log.debug(`Events of job ${this.jobId} for ${address} went one by one: ${messageOf(error)}`);
        for (const event of events) this.sendAlone(follower.gateway, event, address);
      }
    }
  }

  private sendAlone(gateway: JobListenerGateway, event: JobEvent, address: string): void {
    try {
      gateway.jobEvents(this.jobId, [event]);
    } catch (error) {
      log.warn(`Could not send an event of job ${this.jobId} to ${address}: ${messageOf(error)}`);
      if (event.kind !== 'result') return;
      // The client must still learn that the job ended, and why it gets no results.
      const tooLarge = new JobResultTooLargeError(
        `Job ${this.jobId} ended ${event.result.status}, but its results do not fit into one message ` +
          `to the client: ${messageOf(error)}`,
      );
      const result = {
        jobId: this.jobId,
        status: event.result.status,
        error: SerializedThrowable.of(tooLarge),
      };
      gateway.jobEvents(this.jobId, [{ ...event, result }]);
    }
  }
}
