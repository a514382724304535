// The ResourceManager's metrics, in a group of the jobmanager's scope that
// lives as long as this leader session's endpoint: numRegisteredTaskManagers,
// taskSlotsTotal, taskSlotsAvailable and taskSlotsActive (allocated), and per
// registered TaskExecutor, in a `tm_id` subgroup, timeSinceLastHeartbeat (ms).
// Mirrors Flink's ResourceManager.registerMetrics and SlotManagerMetricGroup
// (taskSlotsAvailable, taskSlotsTotal) in its ResourceManagerMetricGroup.

import { hostname } from 'node:os';
import type { AbstractMetricGroup } from '../metrics/abstract-metric-group.js';
import { JobManagerMetricGroup } from '../metrics/component-metric-groups.js';
import type { MetricRegistry } from '../metrics/metric-registry.js';
import type { SlotManager } from './slotmanager/slot-manager.js';
import type { WorkerRegistration } from './worker-registration.js';

export interface ResourceManagerMetricSources {
  readonly slotManager: SlotManager;
  numRegisteredTaskManagers(): number;
  /** Clock time of the TaskExecutor's last heartbeat; 0 (or less) before the first. */
  lastHeartbeatFrom(registration: WorkerRegistration): number;
  now(): number;
}

export class ResourceManagerMetrics {
  private readonly group: JobManagerMetricGroup;
  private readonly taskManagers = new Map<WorkerRegistration, AbstractMetricGroup>();

  constructor(
    registry: MetricRegistry,
    private readonly sources: ResourceManagerMetricSources,
    host: string = hostname(),
  ) {
    this.group = new JobManagerMetricGroup(registry, host);
    const slots = sources.slotManager;
    this.group.gauge('numRegisteredTaskManagers', () => sources.numRegisteredTaskManagers());
    this.group.gauge('taskSlotsTotal', () => slots.getNumberRegisteredSlots());
    this.group.gauge('taskSlotsAvailable', () => slots.getNumberFreeSlots());
    this.group.gauge('taskSlotsActive', () => slots.getNumberRegisteredSlots() - slots.getNumberFreeSlots());
  }

  registrationChanged(registration: WorkerRegistration, registered: boolean): void {
    this.taskManagers.get(registration)?.close();
    this.taskManagers.delete(registration);
    if (!registered) return;
    const group = this.group.addGroup('tm_id', registration.resourceId);
    group.gauge('timeSinceLastHeartbeat', () => {
      const last = this.sources.lastHeartbeatFrom(registration);
      return last <= 0 ? NaN : Math.max(0, this.sources.now() - last);
    });
    this.taskManagers.set(registration, group);
  }

  close(): void {
    this.taskManagers.clear();
    this.group.close();
  }
}
