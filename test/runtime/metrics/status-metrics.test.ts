// The status metrics of a thread (Flink's MetricUtils.instantiateStatusMetrics):
// heap, event-loop utilization and delay, and the actor system's counters read
// as gauges, under Status.Node and Status.Rpc.

import { expect } from 'chai';

import type { ActorSystemMetrics } from '../../../src/actor/actor-system.js';
import { TaskManagerMetricGroup } from '../../../src/runtime/metrics/component-metric-groups.js';
import { createMetricDump } from '../../../src/runtime/metrics/metric-query-service.js';
import { MetricRegistryImpl } from '../../../src/runtime/metrics/metric-registry.js';
import { NodeThreadStatus } from '../../../src/runtime/metrics/node-thread-status.js';
import { instantiateStatusMetrics } from '../../../src/runtime/metrics/status-metrics.js';
import { eventually } from '../../support/eventually.js';

const kRpc: ActorSystemMetrics = {
  actors: 3,
  pendingAsks: 2,
  deadLetters: 1,
  asksOut: 10,
  tellsOut: 20,
  asksIn: 30,
  tellsIn: 40,
  askTimeouts: 4,
  malformedFrames: 5,
  connections: 6,
  refusedConnections: 0,
  outboundQueuedBytes: 0,
};

describe('Status metrics', () => {
  it('register the Node figures and the RPC counters, and read the counters when dumped', () => {
    const registry = new MetricRegistryImpl();
    const group = new TaskManagerMetricGroup(registry, 'h', 'tm');
    let rpc = kRpc;
    const status = instantiateStatusMetrics(group, () => rpc);
    try {
      rpc = { ...kRpc, asksIn: 31 };
      const values = new Map(
        createMetricDump(registry).dumps.map((d) => [
          `${d.scope.logicalScope}.${d.name}`,
          d.category === 'gauge' ? d.value : NaN,
        ]),
      );
      expect(values.get('taskmanager.Status.Node.Memory.Heap.Used')).to.be.greaterThan(0);
      expect(values.get('taskmanager.Status.Node.Memory.Heap.Total')).to.be.at.least(
        values.get('taskmanager.Status.Node.Memory.Heap.Used')!,
      );
      expect(values.get('taskmanager.Status.Node.EventLoop.Utilization')).to.be.within(0, 1);
      expect(values.has('taskmanager.Status.Node.EventLoop.Delay.P99')).to.equal(true);
      expect(values.get('taskmanager.Status.Rpc.numAsksIn')).to.equal(31);
      expect(values.get('taskmanager.Status.Rpc.numAsksOut')).to.equal(10);
      expect(values.get('taskmanager.Status.Rpc.numTellsOut')).to.equal(20);
      expect(values.get('taskmanager.Status.Rpc.numTellsIn')).to.equal(40);
      expect(values.get('taskmanager.Status.Rpc.numDeadLetters')).to.equal(1);
      expect(values.get('taskmanager.Status.Rpc.numMalformedFrames')).to.equal(5);
      expect(values.get('taskmanager.Status.Rpc.numAskTimeouts')).to.equal(4);
      const stats = status.sample();
      expect(stats.heapUsedBytes).to.be.greaterThan(0);
      expect(stats.eventLoopUtilization).to.be.within(0, 1);
      expect(stats.eventLoopDelayP99Ms).to.be.at.least(0);
    } finally {
      group.close();
      status.close();
    }
    expect(registry.size()).to.equal(0);
  });

  it('measures how long the event loop was blocked', async () => {
    const status = new NodeThreadStatus();
    try {
      expect(Number.isNaN(status.eventLoopDelayMs('max')), 'no sample yet').to.equal(true);
      const blockedUntil = performance.now() + 60;
      while (performance.now() < blockedUntil) {
        // A task that keeps the thread busy.
      }
      await eventually(() => status.eventLoopDelayMs('max') >= 30, 'the sampler to see the delay');
      expect(status.eventLoopDelayMs('max')).to.be.below(10_000);
    } finally {
      status.close();
    }
  });
});
