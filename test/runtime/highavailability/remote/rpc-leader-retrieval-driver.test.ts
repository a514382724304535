// The driver on its own, against a hand-driven server gateway: when it subscribes
// and unsubscribes, and what reaches its DefaultLeaderRetrievalService. After
// Flink's DefaultLeaderRetrievalServiceTest (reference §4, 90) and the closing rules
// of ZooKeeperLeaderRetrievalDriver.

import { expect } from 'chai';
import { DefaultLeaderRetrievalService } from '../../../../src/runtime/highavailability/default-leader-retrieval-service.js';
import { LeaderRetrievalError } from '../../../../src/runtime/highavailability/errors.js';
import type {
  LeaderInformationGateway,
  LeaderTarget,
} from '../../../../src/runtime/highavailability/leader-information-protocol.js';
import {
  RpcLeaderRetrievalDriverFactory,
  type LeaderSubscriptions,
  type RpcLeaderRetrievalDriver,
} from '../../../../src/runtime/highavailability/rpc-leader-retrieval-driver.js';
import { LeaderSubscriptionError } from '../../../../src/runtime/highavailability/remote-ha-errors.js';
import { RecordingLeaderListener } from '../testing-leader.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type ServerCall = ['subscribe', string, string, LeaderTarget] | ['unsubscribe', string];

/** A LeaderSubscriptions whose server connection and subscribe replies the test controls. */
class HandDrivenSubscriptions implements LeaderSubscriptions {
  readonly serverAddress = 'node://flink@thread-0/user/rpc/ha_services';
  readonly calls: ServerCall[] = [];
  readonly registered = new Map<string, RpcLeaderRetrievalDriver>();
  readonly connection = deferred<LeaderInformationGateway>();
  readonly subscribeReply = deferred<true>();

  readonly gateway = {
    subscribe: (id: string, listener: string, target: LeaderTarget) => {
      this.calls.push(['subscribe', id, listener, target]);
      return this.subscribeReply.promise;
    },
    unsubscribe: (id: string) => void this.calls.push(['unsubscribe', id]),
  } as unknown as LeaderInformationGateway;

  connectToServer(): Promise<LeaderInformationGateway> {
    return this.connection.promise;
  }

  register(subscriptionId: string, driver: RpcLeaderRetrievalDriver): string {
    this.registered.set(subscriptionId, driver);
    return 'node://flink@thread-7/user/rpc/leader_listener';
  }

  unregister(subscriptionId: string, driver: RpcLeaderRetrievalDriver): void {
    if (this.registered.get(subscriptionId) === driver) this.registered.delete(subscriptionId);
  }

  /** What the listener endpoint does with a notification from the server. */
  push(leaderAddress: string | null, leaderSessionId: string | null): boolean {
    const [driver] = this.registered.values();
    driver?.notifyLeaderAddress({ leaderAddress, leaderSessionId });
    return driver !== undefined;
  }
}

describe('RpcLeaderRetrievalDriver', () => {
  let subscriptions: HandDrivenSubscriptions;
  let service: DefaultLeaderRetrievalService;
  let listener: RecordingLeaderListener;

  beforeEach(() => {
    subscriptions = new HandDrivenSubscriptions();
    service = new DefaultLeaderRetrievalService(
      new RpcLeaderRetrievalDriverFactory(subscriptions, { kind: 'resourcemanager' }),
    );
    listener = new RecordingLeaderListener();
  });

  it('subscribes with its listener address and target once the server is connected', async () => {
    service.start(listener);
    expect(subscriptions.calls).to.deep.equal([]);

    subscriptions.connection.resolve(subscriptions.gateway);
    await settle();

    const [id] = subscriptions.registered.keys();
    expect(subscriptions.calls).to.deep.equal([
      ['subscribe', id, 'node://flink@thread-7/user/rpc/leader_listener', { kind: 'resourcemanager' }],
    ]);
  });

  it('hears notifications that overtake the reply to subscribe', async () => {
    service.start(listener);
    subscriptions.connection.resolve(subscriptions.gateway);
    await settle();

    subscriptions.push('rm', 'session-1');

    expect(listener.leaders).to.deep.equal([['rm', 'session-1']]);
  });

  // DefaultLeaderRetrievalServiceTest.testNotifyLeaderAddressOnlyWhenLeaderTrulyChanged
  it('passes on only real changes when the server repeats itself', async () => {
    service.start(listener);
    subscriptions.connection.resolve(subscriptions.gateway);
    subscriptions.subscribeReply.resolve(true);
    await settle();

    for (const [address, session] of [
      ['rm', 's1'],
      ['rm', 's1'],
      ['rm', 's2'],
      [null, null],
      [null, null],
    ] as const) {
      subscriptions.push(address, session);
    }

    expect(listener.leaders).to.deep.equal([
      ['rm', 's1'],
      ['rm', 's2'],
      [null, null],
    ]);
  });

  it('never subscribes when stopped before the server connection exists', async () => {
    service.start(listener);
    service.stop();

    subscriptions.connection.resolve(subscriptions.gateway);
    await settle();

    expect(subscriptions.calls).to.deep.equal([]);
    expect(subscriptions.registered.size).to.equal(0);
  });

  it('unsubscribes, and hears nothing, when stopped before subscribe has answered', async () => {
    service.start(listener);
    subscriptions.connection.resolve(subscriptions.gateway);
    await settle();
    const [id] = subscriptions.registered.keys();

    service.stop();
    subscriptions.subscribeReply.resolve(true);
    await settle();

    expect(subscriptions.calls.map((c) => c.slice(0, 2))).to.deep.equal([
      ['subscribe', id],
      ['unsubscribe', id],
    ]);
    expect(subscriptions.push('rm', 'session-1')).to.equal(false);
    expect(listener.leaders).to.deep.equal([]);
    expect(listener.errors).to.deep.equal([]);
  });

  it('reports an unreachable server once, as a LeaderRetrievalError naming the server', async () => {
    service.start(listener);

    subscriptions.connection.reject(new Error('no actor there'));
    await settle();

    expect(listener.errors).to.have.length(1);
    const error = listener.errors[0]!;
    expect(error).to.be.instanceOf(LeaderRetrievalError);
    expect(error.message).to.equal(
      'Could not subscribe to the leader of the ResourceManager at the leader information server ' +
        'node://flink@thread-0/user/rpc/ha_services: no actor there',
    );
    expect((error.cause as Error).message).to.equal('no actor there');
    expect(subscriptions.registered.size).to.equal(0);
  });

  it('does not report a failed subscribe after it was stopped', async () => {
    service.start(listener);
    subscriptions.connection.resolve(subscriptions.gateway);
    await settle();

    service.stop();
    subscriptions.subscribeReply.reject(new LeaderSubscriptionError('server stopped'));
    await settle();

    expect(listener.errors).to.deep.equal([]);
  });

  // DefaultLeaderRetrievalServiceTest.testErrorForwarding
  it('reports an error pushed by the server once, and hears nothing afterwards', async () => {
    service.start(listener);
    subscriptions.connection.resolve(subscriptions.gateway);
    subscriptions.subscribeReply.resolve(true);
    await settle();
    const [driver] = subscriptions.registered.values();

    driver!.handleError(new LeaderSubscriptionError('The leader information server stopped.'));
    driver!.handleError(new LeaderSubscriptionError('again'));
    driver!.notifyLeaderAddress({ leaderAddress: 'rm', leaderSessionId: 's1' });

    expect(listener.errors).to.have.length(1);
    expect(listener.errors[0]).to.be.instanceOf(LeaderRetrievalError);
    expect(listener.errors[0]!.message).to.equal('The leader information server stopped.');
    expect(listener.leaders).to.deep.equal([]);
    expect(subscriptions.registered.size).to.equal(0);
  });

  it('reports a listener that throws as an error and unsubscribes', async () => {
    service.start({
      notifyLeaderAddress: () => {
        throw new RangeError('listener broke');
      },
      handleError: (error) => listener.handleError(error),
    });
    subscriptions.connection.resolve(subscriptions.gateway);
    subscriptions.subscribeReply.resolve(true);
    await settle();
    const [id] = subscriptions.registered.keys();

    subscriptions.push('rm', 's1');

    expect(listener.errors.map((e) => e.message)).to.deep.equal(['listener broke']);
    expect(subscriptions.calls.at(-1)).to.deep.equal(['unsubscribe', id]);
  });
});
