// The JobMaster's queue of tasks waiting for a slot: first in, first out, with
// restarts put at the front, also across the compaction that keeps a
// long-running job's queue from growing.

import { expect } from 'chai';

import { WaitingVertices, type ExecutionVertex } from '../../../src/runtime/jobmaster/execution.js';
import {
  FixedDelayRestartBackoffTimeStrategy,
  kNoRestart,
} from '../../../src/runtime/jobmaster/restart-strategy.js';

function vertex(taskIndex: number): ExecutionVertex {
  return {
    taskIndex,
    invokable: { module: 'file:///tasks/task.js', exportName: 'default', args: [] },
    restartStrategy: new FixedDelayRestartBackoffTimeStrategy(kNoRestart),
    deploymentBytes: 0,
    current: undefined,
    nextAttemptNumber: 0,
    restartTimer: undefined,
  };
}

describe('WaitingVertices', () => {
  it('hands the vertices out in the order they came, and nothing once empty', () => {
    const queue = new WaitingVertices();
    for (const i of [2, 0, 1]) queue.push(vertex(i));

    expect([queue.shift(), queue.shift(), queue.shift()].map((v) => v?.taskIndex)).to.deep.equal([2, 0, 1]);
    expect(queue.shift()).to.equal(undefined);
    expect(queue.length).to.equal(0);
  });

  it('keeps the order and the length across compaction of a long queue', () => {
    const queue = new WaitingVertices();
    const shifted: number[] = [];
    for (let i = 0; i < 5000; i++) {
      queue.push(vertex(i));
      if (i % 2 === 1) shifted.push(queue.shift()!.taskIndex);
    }

    expect(queue.length).to.equal(2500);
    while (queue.length > 0) shifted.push(queue.shift()!.taskIndex);
    expect(shifted).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('hands a vertex put at the front out first, before and after others were taken', () => {
    const queue = new WaitingVertices();
    queue.pushFront(vertex(9));
    for (const i of [0, 1, 2]) queue.push(vertex(i));
    expect(queue.shift()?.taskIndex).to.equal(9);
    expect(queue.shift()?.taskIndex).to.equal(0);

    queue.pushFront(vertex(7));
    queue.pushFront(vertex(8));

    expect([1, 2, 3, 4].map(() => queue.shift()?.taskIndex)).to.deep.equal([8, 7, 1, 2]);
    expect(queue.length).to.equal(0);
  });

  it('forgets every vertex when cleared', () => {
    const queue = new WaitingVertices();
    queue.push(vertex(0));
    queue.push(vertex(1));
    queue.shift();

    queue.clear();

    expect(queue.length).to.equal(0);
    expect(queue.shift()).to.equal(undefined);
  });

  it('hands back what still waits, oldest first, when drained, and is empty afterwards', () => {
    const queue = new WaitingVertices();
    const [a, b, c] = [vertex(0), vertex(1), vertex(2)];
    queue.push(a);
    queue.push(b);
    queue.shift();
    queue.pushFront(c);

    expect(queue.drain()).to.deep.equal([c, b]);
    expect(queue.length).to.equal(0);
    expect(queue.drain()).to.deep.equal([]);
  });
});
