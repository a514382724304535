// RemoteHaServices as a whole: what it refuses, how failures reach the retrieval
// listener, and how it lets go of its subscriptions. After Flink's
// DefaultLeaderRetrievalServiceTest (reference §4, 90), EmbeddedHaServicesTest (92) and
// ZooKeeperLeaderRetrievalConnectionHandlingTest (91: losing the store is reported).

import { expect } from 'chai';
import {
  IllegalLeaderServiceStateError,
  LeaderRetrievalError,
  LeaderServiceShutdownError,
} from '../../../../src/runtime/highavailability/errors.js';
import {
  LeaderElectionUnsupportedError,
  LeaderSubscriptionError,
} from '../../../../src/runtime/highavailability/remote-ha-errors.js';
import { RemoteHaServices } from '../../../../src/runtime/highavailability/remote-ha-services.js';
import { RpcConnectionError } from '../../../../src/rpc/errors.js';
import { kPaths, useRpcService } from '../../../support/paths.js';
import { AwaitableLeaderListener, MainSide, startRetrievalWorker } from './testing-remote-ha.js';

describe('RemoteHaServices', () => {
  const service = useRpcService();
  let main: MainSide;
  let remote: RemoteHaServices;

  beforeEach(() => {
    main = new MainSide(service.rpc);
    remote = new RemoteHaServices(service.rpc, main.server.getAddress());
  });
  afterEach(async () => {
    await remote.closeAsync();
    await service.rpc.closeAsync();
    await main.haServices.closeAsync();
  });

  it('refuses leader election with a LeaderElectionUnsupportedError', () => {
    expect(() => remote.getResourceManagerLeaderElectionService())
      .to.throw(LeaderElectionUnsupportedError)
      .with.property('code', 'ERR_LEADER_ELECTION_UNSUPPORTED');
    expect(() => remote.getJobManagerLeaderElectionService('job-1'))
      .to.throw(LeaderElectionUnsupportedError)
      .with.property('message')
      .that.includes(
        'the JobMaster of job job-1 is elected on the thread that runs the embedded HA services',
      );
  });

  it('reports an unreachable server to the retrieval listener, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const nowhere = `${service.rpc.system.addressOf('/user/rpc/')}no_ha_services`;
      const services = new RemoteHaServices(service.rpc, nowhere);
      const listener = new AwaitableLeaderListener();

      services.getResourceManagerLeaderRetriever().start(listener);
      await listener.waitForErrors(1);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await services.closeAsync();

      const error = listener.errors[0]!;
      expect(error).to.be.instanceOf(LeaderRetrievalError);
      expect(error.message).to.include(
        `Could not subscribe to the leader of the ResourceManager at the leader information server ${nowhere}`,
      );
      expect(error.cause).to.be.instanceOf(RpcConnectionError);
      expect(listener.errors).to.have.length(1);
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('unsubscribes every retriever and stops its listener endpoint on closeAsync', async () => {
    const endpointsBefore = service.rpc.metrics().endpoints;
    const listeners = [new AwaitableLeaderListener(), new AwaitableLeaderListener()];
    remote.getResourceManagerLeaderRetriever().start(listeners[0]!);
    remote.getJobManagerLeaderRetriever('job', 'jm').start(listeners[1]!);
    main.electResourceManager('rm');
    main.electJobMaster('job', 'jm');
    await Promise.all(listeners.map((l) => l.waitForLeaders(1)));
    expect(await main.server.numberOfSubscriptions()).to.equal(2);

    await remote.closeAsync();

    expect(await main.server.numberOfSubscriptions()).to.equal(0);
    expect(service.rpc.metrics().endpoints).to.equal(endpointsBefore);
  });

  it('refuses new retrievers once closed', async () => {
    await remote.closeAsync();

    expect(() => remote.getResourceManagerLeaderRetriever()).to.throw(IllegalLeaderServiceStateError);
    expect(() => remote.getJobManagerLeaderRetriever('job', 'jm')).to.throw(IllegalLeaderServiceStateError);
  });

  it('creates its listener endpoint only when the first retriever starts', () => {
    const endpointsBefore = service.rpc.metrics().endpoints;
    const retriever = remote.getResourceManagerLeaderRetriever();
    expect(service.rpc.metrics().endpoints).to.equal(endpointsBefore);

    retriever.start(new AwaitableLeaderListener());

    expect(service.rpc.metrics().endpoints).to.equal(endpointsBefore + 1);
  });
});

for (const path of kPaths) {
  describe(`RemoteHaServices lose and let go of subscriptions (${path})`, () => {
    const service = useRpcService();
    let main: MainSide;

    beforeEach(() => {
      main = new MainSide(service.rpc);
    });
    afterEach(async () => {
      await service.rpc.closeAsync();
      await main.haServices.closeAsync();
    });

    it('never notifies a retriever stopped right after it started, and unsubscribes it', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('gone', { kind: 'resourcemanager' });
      await worker.control.stopRetriever('gone');
      await worker.control.startRetriever('kept', { kind: 'resourcemanager' });

      const contender = main.electResourceManager('rm-address');
      await main.recorder.waitFor('kept', 1);

      expect(main.recorder.leaders('kept')).to.deep.equal([['rm-address', contender.lastSession]]);
      expect(main.recorder.events.filter((e) => e.label === 'gone')).to.deep.equal([]);
      expect(await main.server.numberOfSubscriptions()).to.equal(1);
    });

    it('reports the shutdown of the embedded HA services as a LeaderRetrievalError', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      main.electResourceManager('rm-address');
      await main.recorder.waitFor('rm', 1);

      await main.haServices.closeAsync();
      await main.recorder.waitFor('rm', 2);

      const [error] = main.recorder.errors('rm');
      expect(error).to.be.instanceOf(LeaderRetrievalError);
      expect(error!.cause).to.be.instanceOf(LeaderServiceShutdownError);
      expect((error!.cause as LeaderServiceShutdownError).code).to.equal('ERR_LEADER_SERVICE_SHUTDOWN');
      expect(await main.server.numberOfSubscriptions()).to.equal(0);
    });

    it('reports the stop of the server as a LeaderRetrievalError to every retriever', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      await worker.control.startRetriever('job', { kind: 'jobmanager', jobId: 'job', defaultAddress: '' });
      main.electResourceManager('rm-address');
      main.electJobMaster('job', 'jm-address');
      await Promise.all([main.recorder.waitFor('rm', 1), main.recorder.waitFor('job', 1)]);

      await main.server.closeAsync();
      await Promise.all([main.recorder.waitFor('rm', 2), main.recorder.waitFor('job', 2)]);

      for (const label of ['rm', 'job']) {
        const [error] = main.recorder.errors(label);
        expect(error).to.be.instanceOf(LeaderRetrievalError);
        expect(error!.cause).to.be.instanceOf(LeaderSubscriptionError);
        expect(error!.message).to.equal(
          `The leader information server at ${main.server.getAddress()} stopped.`,
        );
      }
    });
  });
}
