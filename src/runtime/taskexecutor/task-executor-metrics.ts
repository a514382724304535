// The TaskExecutor's metrics: its TaskManagerMetricGroup with the thread's
// status metrics, the tasks running, finished, failed and canceled, and the
// duration of ended tasks as a histogram; a TaskMetricGroup per running task.
// Mirrors what Flink's TaskManagerServices and TaskExecutor register in the
// TaskManagerMetricGroup (Flink counts tasks per job and task; here the totals
// are on the TaskManager, where a dashboard shows them). The thread's figures
// also go out in every heartbeat to the ResourceManager (threadStats()).

import { hostname } from 'node:os';
import type { ActorSystemMetrics } from '../../actor/actor-system.js';
import { TaskManagerMetricGroup, type TaskMetricGroup } from '../metrics/component-metric-groups.js';
import { DescriptiveStatisticsHistogram } from '../metrics/descriptive-statistics-histogram.js';
import type { Counter, Histogram } from '../metrics/metric.js';
import { createMetricDump } from '../metrics/metric-query-service.js';
import type { MetricDumpSnapshot } from '../metrics/metric-dump.js';
import { MetricRegistryImpl, type MetricRegistry } from '../metrics/metric-registry.js';
import type { NodeThreadStatus } from '../metrics/node-thread-status.js';
import { instantiateStatusMetrics } from '../metrics/status-metrics.js';
import { ExecutionState } from '../types/execution-state.js';
import type { ExecutionAttemptID } from '../types/ids.js';
import type { ThreadStats } from '../types/thread-stats.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';

/** Durations of the last this many ended tasks make the histogram. */
const kTaskDurationWindow = 1024;

interface RunningTaskMetrics {
  /** None when metrics are off: only the counts are kept then. */
  readonly group: TaskMetricGroup | undefined;
  readonly startedAt: number;
}

export type { MetricRegistry };

/**
 * Flink's TaskExecutor has requestMetricQueryServiceAddress, and the REST
 * side queries that service; here requestMetricDump answers with dump().
 */
export class TaskExecutorMetrics {
  private readonly registry: MetricRegistry;
  readonly group: TaskManagerMetricGroup;
  /** None when metrics are off: no event-loop delay sampler runs then. */
  private readonly status: NodeThreadStatus | undefined;
  private readonly running = new Map<ExecutionAttemptID, RunningTaskMetrics>();
  private readonly finished: Counter;
  private readonly failed: Counter;
  private readonly canceled: Counter;
  private readonly duration: Histogram;

  constructor(
    services: { readonly metricRegistry?: MetricRegistry; readonly resourceId: string },
    rpcMetrics: () => ActorSystemMetrics,
    private readonly now: () => number = () => performance.now(),
  ) {
    const registry = (this.registry = services.metricRegistry ?? new MetricRegistryImpl());
    this.group = new TaskManagerMetricGroup(registry, hostname(), services.resourceId);
    this.status = registry.enabled ? instantiateStatusMetrics(this.group, rpcMetrics) : undefined;
    this.group.gauge('numTasksRunning', () => this.running.size);
    this.finished = this.group.counter('numTasksFinished');
    this.failed = this.group.counter('numTasksFailed');
    this.canceled = this.group.counter('numTasksCanceled');
    this.duration = this.group.histogram(
      'taskDuration',
      new DescriptiveStatisticsHistogram(kTaskDurationWindow),
    );
  }

  taskStarted(tdd: TaskDeploymentDescriptor): void {
    if (!this.registry.enabled) {
      this.running.set(tdd.executionId, { group: undefined, startedAt: this.now() });
      return;
    }
    const startedAt = this.now();
    const group = this.group.addTask(
      tdd.jobId,
      tdd.jobId,
      tdd.executionId,
      tdd.invokable.exportName,
      tdd.taskIndex,
      tdd.attemptNumber,
    );
    group.gauge('uptime', () => this.now() - startedAt);
    this.running.set(tdd.executionId, { group, startedAt });
  }

  /** A task reached a final state; counted once, however often it is reported. */
  taskEnded(executionId: ExecutionAttemptID, state: ExecutionState): void {
    const task = this.running.get(executionId);
    if (!task) return;
    this.running.delete(executionId);
    task.group?.close();
    this.duration.update(this.now() - task.startedAt);
    if (state === ExecutionState.FINISHED) this.finished.inc();
    else if (state === ExecutionState.FAILED) this.failed.inc();
    else this.canceled.inc();
  }

  /** For the heartbeat to the ResourceManager; none when metrics are off. */
  threadStats(): ThreadStats | undefined {
    return this.status?.sample();
  }

  dump(): MetricDumpSnapshot {
    return createMetricDump(this.registry);
  }

  close(): void {
    this.running.clear();
    this.group.close();
    this.status?.close();
  }
}
