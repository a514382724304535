// The metrics every component registers about its thread, under its group's
// `Status` subgroup: Status.Node.Memory.Heap.{Used,Total},
// Status.Node.EventLoop.{Utilization,Delay.*} and Status.Rpc.* (the actor
// system's counters, read as gauges, so the hot path only increments integers).
// Mirrors Flink's MetricUtils.instantiateStatusMetrics (Status.JVM.*), with
// Node's figures in place of the JVM's.

import type { ActorSystemMetrics } from '../../actor/actor-system.js';
import type { AbstractMetricGroup } from './abstract-metric-group.js';
import { NodeThreadStatus } from './node-thread-status.js';

type RpcCounter = keyof Pick<
  ActorSystemMetrics,
  | 'asksOut'
  | 'tellsOut'
  | 'asksIn'
  | 'tellsIn'
  | 'deadLetters'
  | 'malformedFrames'
  | 'askTimeouts'
  | 'pendingAsks'
  | 'connections'
>;

/** Status.Rpc metric names, Flink-style (`num…`), for each counter of the actor system. */
const kRpcMetrics: readonly (readonly [string, RpcCounter])[] = [
  ['numAsksOut', 'asksOut'],
  ['numTellsOut', 'tellsOut'],
  ['numAsksIn', 'asksIn'],
  ['numTellsIn', 'tellsIn'],
  ['numDeadLetters', 'deadLetters'],
  ['numMalformedFrames', 'malformedFrames'],
  ['numAskTimeouts', 'askTimeouts'],
  ['numPendingAsks', 'pendingAsks'],
  ['numConnections', 'connections'],
];

/**
 * Registers the status metrics in `group` and returns the thread's status,
 * which the caller closes when the group goes (it runs a sampling timer).
 */
export function instantiateStatusMetrics(
  group: AbstractMetricGroup,
  rpcMetrics: () => ActorSystemMetrics,
  status: NodeThreadStatus = new NodeThreadStatus(),
): NodeThreadStatus {
  const node = group.addGroup('Status').addGroup('Node');
  const heap = node.addGroup('Memory').addGroup('Heap');
  heap.gauge('Used', () => status.heapUsedBytes());
  heap.gauge('Total', () => status.heapTotalBytes());
  const eventLoop = node.addGroup('EventLoop');
  eventLoop.gauge('Utilization', () => status.eventLoopUtilization());
  const delay = eventLoop.addGroup('Delay');
  delay.gauge('Mean', () => status.eventLoopDelayMs('mean'));
  delay.gauge('Max', () => status.eventLoopDelayMs('max'));
  delay.gauge('P99', () => status.eventLoopDelayMs(99));
  const rpc = group.addGroup('Status').addGroup('Rpc');
  for (const [name, key] of kRpcMetrics) rpc.gauge(name, () => rpcMetrics()[key]);
  return status;
}
