// The leader-election service that runs one ResourceManager per leader
// session, after Flink's ResourceManagerServiceImplTest. Every ResourceManager
// here uses the same endpoint id, so creating one before its predecessor has
// terminated would fail: that makes the ordering of leader events observable.

import { expect } from 'chai';
import { FencingTokenError } from '../../../src/rpc/errors.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { EmbeddedLeaderService } from '../../../src/runtime/highavailability/embedded-leader-service.js';
import type { LeaderRetrievalListener } from '../../../src/runtime/highavailability/leader-retrieval.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import type { ResourceManagerOptions } from '../../../src/runtime/resourcemanager/resource-manager-options.js';
import { ResourceManagerServiceImpl } from '../../../src/runtime/resourcemanager/resource-manager-service-impl.js';
import { ResourceManager } from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceID, type ResourceManagerId } from '../../../src/runtime/types/ids.js';
import { useRpcService } from '../../support/paths.js';
import { Recorder } from './testing-resource-manager-builder.js';
import { TestingLeaderElectionService } from './testing-leader-election-service.js';

function options(): ResourceManagerOptions {
  return {
    resourceId: ResourceID.of('resourcemanager'),
    heartbeatServices: new HeartbeatServices(),
    endpointId: 'resourcemanager',
  };
}

/** A ResourceManager whose onStop waits for the test to open a gate. */
class SlowStoppingResourceManager extends ResourceManager {
  constructor(
    rpc: RpcService,
    resourceManagerId: ResourceManagerId,
    private readonly stopping: () => void,
    private readonly gate: Promise<void>,
  ) {
    super(rpc, resourceManagerId, options());
  }

  protected override async onStop(): Promise<void> {
    super.onStop();
    this.stopping();
    await this.gate;
  }
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ResourceManagerServiceImpl', () => {
  const service = useRpcService();
  let election: TestingLeaderElectionService;
  let created: ResourceManager[];
  let rmService: ResourceManagerServiceImpl;
  let fatalErrors: Error[];

  function createService(
    factory: (id: ResourceManagerId) => ResourceManager = (id) =>
      new ResourceManager(service.rpc, id, options()),
  ): ResourceManagerServiceImpl {
    rmService = new ResourceManagerServiceImpl(
      election,
      (id) => {
        const rm = factory(id);
        created.push(rm);
        return rm;
      },
      { onFatalError: (error) => fatalErrors.push(error) },
    );
    return rmService;
  }

  beforeEach(() => {
    election = new TestingLeaderElectionService();
    created = [];
    fatalErrors = [];
  });

  afterEach(async () => {
    await rmService?.closeAsync();
    expect(fatalErrors).to.deep.equal([]);
  });

  it('starts a ResourceManager fenced by the granted session and confirms its address (grantLeadership_startRmAndConfirmLeaderSession)', async () => {
    createService().start();
    election.isLeader('session-1');
    const [confirmation] = await election.confirmations.until(1);
    const rm = rmService.getLeaderResourceManager()!;
    expect(rm.getFencingToken()).to.equal('session-1');
    expect(confirmation).to.deep.equal({ sessionId: 'session-1', address: rm.getAddress() });
    const gateway = await service.rpc.connectFenced(rm.getAddress(), 'session-1', ResourceManagerGateway);
    expect(await gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
  });

  it('gives grant, revoke, grant two fencing tokens and terminates the first ResourceManager (revokeLeadership_stopExistLeader)', async () => {
    createService().start();
    election.isLeader('session-1');
    await election.confirmations.until(1);
    const first = rmService.getLeaderResourceManager()!;

    election.notLeader();
    await first.getTerminationFuture();
    expect(rmService.getLeaderResourceManager()).to.equal(undefined);

    election.isLeader('session-2');
    const [, confirmation] = await election.confirmations.until(2);
    const second = rmService.getLeaderResourceManager()!;
    expect(second).to.not.equal(first);
    expect(first.getFencingToken()).to.equal('session-1');
    expect(second.getFencingToken()).to.equal('session-2');
    expect(confirmation!.sessionId).to.equal('session-2');

    // A caller still holding the first session's token is fenced off.
    const stale = await service.rpc.connectFenced(second.getAddress(), 'session-1', ResourceManagerGateway);
    expect(await stale.getNumberOfRegisteredTaskManagers().catch((e: unknown) => e)).to.be.instanceOf(
      FencingTokenError,
    );
  });

  it('waits for the previous ResourceManager to terminate before starting the next (grantLeadership_withExistingLeader_waitTerminationOfExistingLeader)', async () => {
    const stopGate = gate();
    const stopping = new Recorder<void>();
    createService((id) =>
      created.length === 0
        ? new SlowStoppingResourceManager(service.rpc, id, () => stopping.add(), stopGate.opened)
        : new ResourceManager(service.rpc, id, options()),
    ).start();
    election.isLeader('session-1');
    await election.confirmations.until(1);

    election.isLeader('session-2');
    await stopping.until(1);
    expect(created).to.have.length(1);

    stopGate.open();
    const [, confirmation] = await election.confirmations.until(2);
    expect(confirmation!.sessionId).to.equal('session-2');
    expect(created).to.have.length(2);
  });

  it('handles grant, revoke and grant in order and confirms only the session still held', async () => {
    createService().start();
    election.isLeader('session-1');
    election.notLeader();
    election.isLeader('session-2');
    const [confirmation] = await election.confirmations.until(1);
    expect(confirmation!.sessionId).to.equal('session-2');
    expect(created.map((rm) => rm.getFencingToken())).to.deep.equal(['session-1', 'session-2']);
    await created[0]!.getTerminationFuture();
    expect(rmService.getLeaderResourceManager()).to.equal(created[1]);
    expect(election.confirmations.items).to.have.length(1);
  });

  it('ignores grants before start and after close (grantLeadership_notStarted_doesNotStartNewRm)', async () => {
    createService();
    rmService.grantLeadership('too early');
    await rmService.closeAsync();
    rmService.grantLeadership('too late');
    await rmService.closeAsync();
    await nextMacrotask();
    expect(created).to.deep.equal([]);
    expect(election.confirmations.items).to.deep.equal([]);
  });

  it('stops the ResourceManager and leaves the election on close, resolving once it terminated (closeService_futureCompleteAfterRmTerminated)', async () => {
    const stopGate = gate();
    const stopping = new Recorder<void>();
    createService(
      (id) => new SlowStoppingResourceManager(service.rpc, id, () => stopping.add(), stopGate.opened),
    );
    rmService.start();
    election.isLeader('session-1');
    await election.confirmations.until(1);
    const rm = rmService.getLeaderResourceManager()!;

    let closed = false;
    const closing = rmService.closeAsync().then(() => (closed = true));
    await stopping.until(1);
    expect(election.stopped).to.equal(true);
    await nextMacrotask();
    expect(closed).to.equal(false);

    stopGate.open();
    await closing;
    await rm.getTerminationFuture();
    expect(rmService.getLeaderResourceManager()).to.equal(undefined);
  });

  it('ends the service when the leading ResourceManager terminates on its own (leaderRmTerminated_terminateService)', async () => {
    createService().start();
    election.isLeader('session-1');
    await election.confirmations.until(1);
    await rmService.getLeaderResourceManager()!.closeAsync();
    await rmService.getTerminationFuture();
  });

  it('does not end the service when a revoked ResourceManager terminates (nonLeaderRmTerminated_doseNotTerminateService)', async () => {
    createService().start();
    election.isLeader('session-1');
    await election.confirmations.until(1);
    let ended = false;
    void rmService.getTerminationFuture().then(() => (ended = true));
    const rm = rmService.getLeaderResourceManager()!;
    election.notLeader();
    await rm.getTerminationFuture();
    await nextMacrotask();
    expect(ended).to.equal(false);
  });

  describe('with the embedded leader service', () => {
    it('publishes each new ResourceManager to leader retrieval, with a new session after a revoke', async () => {
      const leaderService = new EmbeddedLeaderService(service.rpc.getScheduledExecutor());
      const leaders = new Recorder<[string | null, string | null]>();
      const listener: LeaderRetrievalListener = {
        notifyLeaderAddress: (address, sessionId) => leaders.add([address, sessionId]),
        handleError: (error) => fatalErrors.push(error),
      };
      const retrieval = leaderService.createLeaderRetrievalService();
      retrieval.start(listener);
      rmService = new ResourceManagerServiceImpl(
        leaderService.createLeaderElectionService(),
        (id) => {
          const rm = new ResourceManager(service.rpc, id, options());
          created.push(rm);
          return rm;
        },
        { onFatalError: (error) => fatalErrors.push(error) },
      );
      try {
        rmService.start();
        const [[firstAddress, firstSession]] = (await leaders.until(1)) as [[string, string]];
        expect(firstAddress).to.equal(created[0]!.getAddress());
        expect(firstSession).to.equal(created[0]!.getFencingToken());

        await leaderService.revokeLeadership();
        const [, revoked, [secondAddress, secondSession]] = (await leaders.until(3)) as [
          unknown,
          [null, null],
          [string, string],
        ];
        expect(revoked).to.deep.equal([null, null]);
        expect(secondSession).to.not.equal(firstSession);
        expect(secondSession).to.equal(created[1]!.getFencingToken());
        expect(secondAddress).to.equal(created[1]!.getAddress());
        await created[0]!.getTerminationFuture();
      } finally {
        await rmService.closeAsync();
        retrieval.stop();
        leaderService.shutdown();
      }
    });
  });
});
