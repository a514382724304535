// Ports Flink's DefaultLeaderRetrievalServiceTest: the listener hears only real
// leader changes, errors are forwarded, and nothing is heard after stop().

import { expect } from 'chai';
import { DefaultLeaderRetrievalService } from '../../../src/runtime/highavailability/default-leader-retrieval-service.js';
import {
  IllegalLeaderServiceStateError,
  LeaderRetrievalError,
} from '../../../src/runtime/highavailability/errors.js';
import {
  kEmptyLeaderInformation,
  type LeaderRetrievalDriverFactory,
  type LeaderRetrievalEventHandler,
} from '../../../src/runtime/highavailability/leader-retrieval-driver.js';
import { RecordingLeaderListener } from './testing-leader.js';

/** A driver the test drives by hand, after Flink's TestingLeaderRetrievalDriver. */
class TestingDriverFactory implements LeaderRetrievalDriverFactory {
  handler: LeaderRetrievalEventHandler | null = null;
  fatal: (error: Error) => void = () => undefined;
  closed = 0;

  createLeaderRetrievalDriver(
    handler: LeaderRetrievalEventHandler,
    fatalErrorHandler: (error: Error) => void,
  ) {
    this.handler = handler;
    this.fatal = fatalErrorHandler;
    return { close: () => void this.closed++ };
  }

  leader(leaderAddress: string | null, leaderSessionId: string | null): void {
    this.handler?.notifyLeaderAddress({ leaderAddress, leaderSessionId });
  }
}

describe('DefaultLeaderRetrievalService', () => {
  let driver: TestingDriverFactory;
  let service: DefaultLeaderRetrievalService;
  let listener: RecordingLeaderListener;

  beforeEach(() => {
    driver = new TestingDriverFactory();
    service = new DefaultLeaderRetrievalService(driver);
    listener = new RecordingLeaderListener();
    service.start(listener);
  });

  it('passes a new leader on to the listener', () => {
    driver.leader('akka://flink/user/leader', 'session-1');
    expect(listener.leaders).to.deep.equal([['akka://flink/user/leader', 'session-1']]);
  });

  it('passes the loss of the leader on as (null, null)', () => {
    driver.leader('leader', 'session-1');
    driver.handler?.notifyLeaderAddress(kEmptyLeaderInformation);
    expect(listener.leaders).to.deep.equal([
      ['leader', 'session-1'],
      [null, null],
    ]);
  });

  it('notifies only when the leader truly changed', () => {
    driver.leader('leader', 'session-1');
    driver.leader('leader', 'session-1');
    driver.leader('leader', 'session-2');
    driver.leader('other', 'session-2');
    expect(listener.leaders).to.deep.equal([
      ['leader', 'session-1'],
      ['leader', 'session-2'],
      ['other', 'session-2'],
    ]);
  });

  it('forwards driver errors to the listener as LeaderRetrievalError', () => {
    const cause = new Error('connection lost');
    driver.fatal(cause);
    expect(listener.errors).to.have.length(1);
    expect(listener.errors[0]).to.be.instanceOf(LeaderRetrievalError);
    expect(listener.errors[0]!.cause).to.equal(cause);
  });

  it('ignores leaders and errors reported after stop(), and closes the driver once', () => {
    service.stop();
    service.stop();
    driver.leader('late', 'session');
    driver.fatal(new Error('late'));
    expect(listener.leaders).to.deep.equal([]);
    expect(listener.errors).to.deep.equal([]);
    expect(driver.closed).to.equal(1);
  });

  // threadlink's own: a TaskExecutor starts following a job from the leader its slot request named.
  it('started from a known leader, reports a first "no leader" and a first other leader, not the known one', () => {
    const known = new DefaultLeaderRetrievalService(driver);
    const heard = new RecordingLeaderListener();
    known.start(heard, { address: 'leader', sessionId: 'session-1' });
    driver.leader('leader', 'session-1');
    expect(heard.leaders).to.deep.equal([]);
    driver.leader(null, null);
    expect(heard.leaders).to.deep.equal([[null, null]]);

    const other = new DefaultLeaderRetrievalService(driver);
    const heardOther = new RecordingLeaderListener();
    other.start(heardOther, { address: 'leader', sessionId: 'session-1' });
    driver.leader('leader', 'session-2');
    expect(heardOther.leaders).to.deep.equal([['leader', 'session-2']]);
  });

  it('can be started only once', () => {
    expect(() => service.start(new RecordingLeaderListener())).to.throw(IllegalLeaderServiceStateError);
  });
});
