// The TaskExecutor's LogRing keeps the newest lines of its thread's log, at
// info and above whatever the console's level (quiet in tests), and forgets
// the oldest beyond its capacity; once closed it hears nothing more.

import { expect } from 'chai';

import { getLogger } from '../../../src/actor/logger.js';
import { LogRing } from '../../../src/runtime/taskexecutor/log-ring.js';

describe('LogRing', () => {
  it('keeps the last lines, oldest first, and forgets the oldest beyond its capacity', () => {
    const ring = new LogRing(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) ring.add(line);
    expect(ring.tail(10)).to.deep.equal(['c', 'd', 'e']);
    expect(ring.tail(2)).to.deep.equal(['d', 'e']);
    expect(ring.tail(0)).to.deep.equal([]);
    expect(new LogRing(3).tail(5)).to.deep.equal([]);
  });

  it("hears this thread's lines at info and above while attached, even with the console silent", () => {
    const ring = new LogRing(10, () => Date.UTC(2026, 0, 2, 3, 4, 5));
    const log = getLogger('LogRingTest');
    ring.attach();
    try {
      log.debug('not kept');
      log.info('kept', { slots: 2 });
      log.warn(new Error('boom'));
    } finally {
      ring.close();
    }
    log.info('after close');
    expect(ring.tail(10)).to.deep.equal([
      '2026-01-02T03:04:05.000Z INFO  LogRingTest - kept {"slots":2}',
      '2026-01-02T03:04:05.000Z WARN  LogRingTest - Error: boom',
    ]);
  });
});
