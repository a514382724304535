// The main thread's LeaderInformationServer against hand-driven HA services and a
// hand-written subscriber: when a subscription starts, what it forwards, and every
// way it ends. The server plays ZooKeeper for worker threads (Flink's
// ZooKeeperLeaderRetrievalDriver reads a node; here the node pushes).

import { expect } from 'chai';
import { decodeError, type SerializedError } from '../../../../src/actor/error-codec.js';
import { RpcEndpoint } from '../../../../src/rpc/rpc-endpoint.js';
import {
  IllegalLeaderServiceStateError,
  LeaderServiceShutdownError,
} from '../../../../src/runtime/highavailability/errors.js';
import type {
  HighAvailabilityServices,
  JobIdLike,
} from '../../../../src/runtime/highavailability/high-availability-services.js';
import type { LeaderElectionService } from '../../../../src/runtime/highavailability/leader-election.js';
import {
  LeaderInformationGateway,
  LeaderListenerGateway,
  type LeaderTarget,
} from '../../../../src/runtime/highavailability/leader-information-protocol.js';
import { LeaderInformationServer } from '../../../../src/runtime/highavailability/leader-information-server.js';
import type {
  LeaderRetrievalListener,
  LeaderRetrievalService,
} from '../../../../src/runtime/highavailability/leader-retrieval.js';
import { LeaderSubscriptionError } from '../../../../src/runtime/highavailability/remote-ha-errors.js';
import { useRpcService } from '../../../support/paths.js';
import { waitUntil } from './testing-remote-ha.js';

/** One retrieval service handed out by HandDrivenHaServices, driven by the test. */
class HandDrivenRetrieval implements LeaderRetrievalService {
  listener: LeaderRetrievalListener | null = null;
  stopped = false;
  constructor(readonly target: LeaderTarget) {}
  start(listener: LeaderRetrievalListener): void {
    this.listener = listener;
  }
  stop(): void {
    this.stopped = true;
  }
}

class HandDrivenHaServices implements HighAvailabilityServices {
  readonly retrievals: HandDrivenRetrieval[] = [];
  shutDown = false;

  getResourceManagerLeaderRetriever(): LeaderRetrievalService {
    return this.retrieval({ kind: 'resourcemanager' });
  }
  getJobManagerLeaderRetriever(jobId: JobIdLike, defaultAddress: string): LeaderRetrievalService {
    return this.retrieval({ kind: 'jobmanager', jobId, defaultAddress });
  }
  getDispatcherLeaderRetriever(): LeaderRetrievalService {
    return this.retrieval({ kind: 'dispatcher' });
  }
  getResourceManagerLeaderElectionService(): LeaderElectionService {
    throw new Error('not used');
  }
  getDispatcherLeaderElectionService(): LeaderElectionService {
    throw new Error('not used');
  }
  getJobManagerLeaderElectionService(): LeaderElectionService {
    throw new Error('not used');
  }
  async closeAsync(): Promise<void> {
    this.shutDown = true;
  }
  private retrieval(target: LeaderTarget): HandDrivenRetrieval {
    if (this.shutDown) throw new IllegalLeaderServiceStateError('high availability services are shut down');
    const retrieval = new HandDrivenRetrieval(target);
    this.retrievals.push(retrieval);
    return retrieval;
  }
}

type Heard = ['leader', string, string | null, string | null] | ['error', string, SerializedError];

/** A subscriber that records what it hears and answers whether it knows the subscription. */
class TestingSubscriber extends RpcEndpoint {
  static override gateways = [LeaderListenerGateway];
  readonly heard: Heard[] = [];
  knows = true;
  private readonly waiters = new Set<() => void>();

  async notifyLeaderAddress(id: string, address: string | null, session: string | null): Promise<boolean> {
    this.hear(['leader', id, address, session]);
    return this.knows;
  }

  handleError(id: string, error: SerializedError): void {
    this.hear(['error', id, error]);
  }

  waitFor(count: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = () => {
        if (this.heard.length < count) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
      waiter();
    });
  }

  private hear(event: Heard): void {
    this.heard.push(event);
    for (const waiter of [...this.waiters]) waiter();
  }
}

const kRm: LeaderTarget = { kind: 'resourcemanager' };

describe('LeaderInformationServer', () => {
  const service = useRpcService();
  let ha: HandDrivenHaServices;
  let server: LeaderInformationServer;
  let gateway: LeaderInformationGateway;
  let subscriber: TestingSubscriber;

  beforeEach(async () => {
    ha = new HandDrivenHaServices();
    server = new LeaderInformationServer(service.rpc, ha);
    server.start();
    subscriber = new TestingSubscriber(service.rpc, 'subscriber');
    subscriber.start();
    gateway = await service.rpc.connect(server.getAddress(), LeaderInformationGateway);
  });

  it('starts one retrieval service per subscription, for its target', async () => {
    const job: LeaderTarget = { kind: 'jobmanager', jobId: 'job-1', defaultAddress: 'jm' };
    await gateway.subscribe('a', subscriber.getAddress(), kRm);
    await gateway.subscribe('b', subscriber.getAddress(), job);

    expect(ha.retrievals.map((r) => r.target)).to.deep.equal([kRm, job]);
    expect(ha.retrievals.every((r) => r.listener !== null)).to.equal(true);
    expect(await server.numberOfSubscriptions()).to.equal(2);
  });

  it('connects back to a listener once for all its subscriptions, and afresh after its last one ended', async () => {
    const connect = service.rpc.connect.bind(service.rpc);
    const connected: string[] = [];
    service.rpc.connect = ((address: string, ...rest: unknown[]) => {
      connected.push(address);
      return (connect as (...args: unknown[]) => unknown)(address, ...rest);
    }) as typeof service.rpc.connect;
    try {
      const job = (jobId: string): LeaderTarget => ({ kind: 'jobmanager', jobId, defaultAddress: 'jm' });
      await gateway.subscribe('a', subscriber.getAddress(), job('job-1'));
      await gateway.subscribe('b', subscriber.getAddress(), job('job-2'));
      expect(connected).to.deep.equal([subscriber.getAddress()]);

      gateway.unsubscribe('a');
      gateway.unsubscribe('b');
      await waitUntil(async () => (await server.numberOfSubscriptions()) === 0, 'both subscriptions to end');
      await gateway.subscribe('c', subscriber.getAddress(), job('job-3'));
      expect(connected).to.deep.equal([subscriber.getAddress(), subscriber.getAddress()]);
      ha.retrievals[2]!.listener!.notifyLeaderAddress('jm', 's3');
      await subscriber.waitFor(1);
      expect(subscriber.heard).to.deep.equal([['leader', 'c', 'jm', 's3']]);
    } finally {
      service.rpc.connect = connect;
    }
  });

  it('forwards every notification to the subscriber in order, repeats included', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);
    const listener = ha.retrievals[0]!.listener!;

    listener.notifyLeaderAddress('rm', 's1');
    listener.notifyLeaderAddress('rm', 's1');
    listener.notifyLeaderAddress(null, null);
    listener.notifyLeaderAddress('rm', 's2');
    await subscriber.waitFor(4);

    expect(subscriber.heard).to.deep.equal([
      ['leader', 'a', 'rm', 's1'],
      ['leader', 'a', 'rm', 's1'],
      ['leader', 'a', null, null],
      ['leader', 'a', 'rm', 's2'],
    ]);
  });

  it('ends a subscription whose unsubscribe arrives while it connects back, before it starts', async () => {
    const subscribed = gateway.subscribe('a', subscriber.getAddress(), kRm);
    gateway.unsubscribe('a');

    expect(await subscribed).to.equal(true);
    expect(ha.retrievals).to.deep.equal([]);
    expect(await server.numberOfSubscriptions()).to.equal(0);
  });

  it('stops the retrieval service on unsubscribe', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);

    gateway.unsubscribe('a');

    expect(await server.numberOfSubscriptions()).to.equal(0);
    expect(ha.retrievals[0]!.stopped).to.equal(true);
  });

  it('drops a subscription that its subscriber no longer holds', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);
    subscriber.knows = false;

    ha.retrievals[0]!.listener!.notifyLeaderAddress('rm', 's1');

    await waitUntil(async () => (await server.numberOfSubscriptions()) === 0, 'the subscription is dropped');
    expect(ha.retrievals[0]!.stopped).to.equal(true);
  });

  it('refuses a second subscription under the same id', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);

    const error = await gateway.subscribe('a', subscriber.getAddress(), kRm).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect((error as LeaderSubscriptionError).code).to.equal('ERR_LEADER_SUBSCRIPTION');
    expect(ha.retrievals).to.have.length(1);
  });

  it('refuses an unknown target', async () => {
    const target = { kind: 'historyserver' } as unknown as LeaderTarget;

    const error = await gateway.subscribe('a', subscriber.getAddress(), target).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect((error as Error).message).to.include('Unknown leader target {"kind":"historyserver"}');
  });

  it('fails a subscribe whose listener cannot be reached, and keeps nothing', async () => {
    const nowhere = `${service.rpc.system.addressOf('/user/rpc/')}nobody`;

    const error = await gateway.subscribe('a', nowhere, kRm).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect((error as Error).message).to.equal(`Could not connect to the leader listener at ${nowhere}.`);
    expect(await server.numberOfSubscriptions()).to.equal(0);
    expect(ha.retrievals).to.deep.equal([]);
  });

  it('fails a subscribe when its HA services are shut down', async () => {
    await ha.closeAsync();

    const error = await gateway.subscribe('a', subscriber.getAddress(), kRm).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect((error as Error).message).to.equal('Could not retrieve the leader of the ResourceManager.');
    expect((error as Error).cause).to.be.instanceOf(IllegalLeaderServiceStateError);
    expect(await server.numberOfSubscriptions()).to.equal(0);
  });

  it('forwards a retrieval failure to the subscriber and drops the subscription', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);

    ha.retrievals[0]!.listener!.handleError(new LeaderServiceShutdownError('shutting down'));
    await subscriber.waitFor(1);

    const [kind, id, wire] = subscriber.heard[0] as ['error', string, SerializedError];
    expect([kind, id]).to.deep.equal(['error', 'a']);
    const error = decodeError(wire);
    expect(error).to.be.instanceOf(LeaderServiceShutdownError);
    expect((error as LeaderServiceShutdownError).code).to.equal('ERR_LEADER_SERVICE_SHUTDOWN');
    expect(await server.numberOfSubscriptions()).to.equal(0);
    expect(ha.retrievals[0]!.stopped).to.equal(true);
  });

  it('tells every subscriber when it stops, and stops every retrieval service', async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);
    await gateway.subscribe('b', subscriber.getAddress(), kRm);

    await server.closeAsync();
    await subscriber.waitFor(2);

    expect(subscriber.heard.map((h) => h.slice(0, 2))).to.deep.equal([
      ['error', 'a'],
      ['error', 'b'],
    ]);
    const error = decodeError((subscriber.heard[0] as ['error', string, SerializedError])[2]);
    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect(error.message).to.equal(`The leader information server at ${server.getAddress()} stopped.`);
    expect(ha.retrievals.every((r) => r.stopped)).to.equal(true);
    expect(await server.numberOfSubscriptions()).to.equal(0);
  });

  it('fails a subscribe that is still connecting back when it stops', async () => {
    const subscribed = gateway.subscribe('a', subscriber.getAddress(), kRm);
    const closed = server.closeAsync();

    const error = await subscribed.catch((e: unknown) => e);
    await closed;

    expect(error).to.be.instanceOf(LeaderSubscriptionError);
    expect((error as Error).message).to.equal(
      `The leader information server at ${server.getAddress()} stopped.`,
    );
    expect(ha.retrievals).to.deep.equal([]);
  });

  it("drops a thread's subscriptions on removeSubscriptionsOf, and only that thread's", async () => {
    await gateway.subscribe('a', subscriber.getAddress(), kRm);
    await gateway.subscribe('b', subscriber.getAddress(), kRm);

    expect(await server.removeSubscriptionsOf('thread-99')).to.equal(0);
    expect(await server.removeSubscriptionsOf(subscriber.getHostname())).to.equal(2);

    expect(await server.numberOfSubscriptions()).to.equal(0);
    expect(ha.retrievals.every((r) => r.stopped)).to.equal(true);
  });

  it('answers removeSubscriptionsOf with 0 once it has stopped', async () => {
    await server.closeAsync();

    expect(await server.removeSubscriptionsOf(subscriber.getHostname())).to.equal(0);
  });
});
