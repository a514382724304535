// Watches one heartbeat peer, mirroring Flink's DefaultHeartbeatMonitor: a timeout
// armed at construction and re-armed by every heartbeat, plus a count of
// consecutive unreachable RPCs. It leaves RUNNING at most once.

import type { Clock, ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { kFailedRpcDetectionDisabled } from './heartbeat-constants.js';
import type { HeartbeatListener } from './heartbeat-listener.js';
import type { HeartbeatMonitor, HeartbeatMonitorFactory } from './heartbeat-monitor.js';
import type { HeartbeatTarget } from './heartbeat-target.js';

export type HeartbeatMonitorState = 'RUNNING' | 'TIMEOUT' | 'UNREACHABLE' | 'CANCELED';

export class DefaultHeartbeatMonitor<O> implements HeartbeatMonitor<O> {
  private state: HeartbeatMonitorState = 'RUNNING';
  private lastHeartbeat = 0;
  private failedRpcRequestsSinceLastSuccess = 0;
  private futureTimeout: ScheduledTask | undefined;
  // Identifies the armed timeout, so that a timeout which was replaced but had
  // already been dequeued by the executor cannot fire.
  private timeoutTicket = 0;

  constructor(
    readonly heartbeatTargetId: string,
    readonly heartbeatTarget: HeartbeatTarget<O>,
    private readonly scheduledExecutor: ScheduledExecutor,
    private readonly clock: Clock,
    private readonly listener: HeartbeatListener<unknown, O>,
    private readonly heartbeatTimeoutIntervalMs: number,
    private readonly failedRpcRequestsUntilUnreachable: number,
  ) {
    if (!(heartbeatTimeoutIntervalMs > 0)) {
      throw new RangeError('The heartbeat timeout interval has to be larger than 0.');
    }
    if (!(
      failedRpcRequestsUntilUnreachable > 0 ||
      failedRpcRequestsUntilUnreachable === kFailedRpcDetectionDisabled
    )) {
      throw new RangeError(
        'The number of failed heartbeat RPC requests has to be larger than 0 or -1 (deactivated).',
      );
    }
    this.resetHeartbeatTimeout();
  }

  getState(): HeartbeatMonitorState {
    return this.state;
  }

  getLastHeartbeat(): number {
    return this.lastHeartbeat;
  }

  reportHeartbeat(): void {
    this.lastHeartbeat = this.clock.now();
    this.resetHeartbeatTimeout();
  }

  reportHeartbeatRpcFailure(): void {
    const failures = ++this.failedRpcRequestsSinceLastSuccess;
    if (
      this.failedRpcRequestsUntilUnreachable > 0 &&
      failures >= this.failedRpcRequestsUntilUnreachable &&
      this.state === 'RUNNING'
    ) {
      this.state = 'UNREACHABLE';
      this.cancelTimeout();
      this.listener.notifyTargetUnreachable(this.heartbeatTargetId);
    }
  }

  reportHeartbeatRpcSuccess(): void {
    this.failedRpcRequestsSinceLastSuccess = 0;
  }

  cancel(): void {
    if (this.state === 'RUNNING') {
      this.state = 'CANCELED';
      this.cancelTimeout();
    }
  }

  private resetHeartbeatTimeout(): void {
    if (this.state !== 'RUNNING') return;
    this.cancelTimeout();
    const ticket = this.timeoutTicket;
    this.futureTimeout = this.scheduledExecutor.schedule(
      () => this.onTimeout(ticket),
      this.heartbeatTimeoutIntervalMs,
    );
  }

  private onTimeout(ticket: number): void {
    if (ticket !== this.timeoutTicket || this.state !== 'RUNNING') return;
    this.state = 'TIMEOUT';
    this.futureTimeout = undefined;
    this.listener.notifyHeartbeatTimeout(this.heartbeatTargetId);
  }

  private cancelTimeout(): void {
    this.timeoutTicket++;
    this.futureTimeout?.cancel();
    this.futureTimeout = undefined;
  }
}

export function defaultHeartbeatMonitorFactory<O>(): HeartbeatMonitorFactory<O> {
  return (id, target, executor, clock, listener, timeoutMs, failedRpcRequestsUntilUnreachable) =>
    new DefaultHeartbeatMonitor(
      id,
      target,
      executor,
      clock,
      listener,
      timeoutMs,
      failedRpcRequestsUntilUnreachable,
    );
}
