// Ports Flink's RegisteredRpcConnectionTest: success, failure, rejection, close
// and reconnect, plus the start/reconnect preconditions. Outcomes are handled on
// the connection's executor, a ManualExecutor here, so each test also shows that
// nothing is delivered before the executor runs.

import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ScheduledExecutor } from '../../../src/rpc/scheduled-executor.js';
import { IllegalRegistrationStateError } from '../../../src/runtime/registration/errors.js';
import { RegisteredRpcConnection } from '../../../src/runtime/registration/registered-rpc-connection.js';
import type { RetryingRegistration } from '../../../src/runtime/registration/retrying-registration.js';
import { RegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import {
  ScriptedRegistrationGateway,
  ScriptedRpcService,
  settle,
  success,
  SyncThrow,
  TestRetryingRegistration,
  type TestRegistrationGateway,
  type TestRegistrationRejection,
  type TestRegistrationSuccess,
} from './testing-registration.js';

const kAddress = '<TestRpcConnectionEndpointAddress>';

type Outcome =
  ['success', TestRegistrationSuccess] | ['failure', Error] | ['rejection', TestRegistrationRejection];

class TestRpcConnection extends RegisteredRpcConnection<
  TestRegistrationGateway,
  TestRegistrationSuccess,
  TestRegistrationRejection
> {
  readonly outcomes: Outcome[] = [];
  readonly registrations: TestRetryingRegistration[] = [];

  constructor(
    leaderId: string,
    private readonly rpc: ScriptedRpcService,
    private readonly registrationExecutor: ScheduledExecutor,
  ) {
    super(kAddress, leaderId, registrationExecutor);
  }

  protected override generateRegistration(): RetryingRegistration<
    TestRegistrationGateway,
    TestRegistrationSuccess,
    TestRegistrationRejection
  > {
    const registration = new TestRetryingRegistration(
      this.rpc,
      this.getTargetAddress(),
      this.getTargetLeaderId(),
      this.registrationExecutor,
    );
    this.registrations.push(registration);
    return registration;
  }

  protected override onRegistrationSuccess(s: TestRegistrationSuccess): void {
    this.outcomes.push(['success', s]);
  }
  protected override onRegistrationFailure(failure: Error): void {
    this.outcomes.push(['failure', failure]);
  }
  protected override onRegistrationRejection(rejection: TestRegistrationRejection): void {
    this.outcomes.push(['rejection', rejection]);
  }
}

describe('RegisteredRpcConnection', () => {
  let executor: ManualExecutor;
  let leaderId: string;

  beforeEach(() => {
    executor = new ManualExecutor();
    leaderId = randomUUID();
  });

  function connectionTo(gateway: ScriptedRegistrationGateway): TestRpcConnection {
    return new TestRpcConnection(leaderId, new ScriptedRpcService(gateway), executor);
  }

  /** Lets the registration's promises settle, then runs what it queued on the executor. */
  async function deliver(): Promise<void> {
    await settle();
    executor.triggerAll();
  }

  // testSuccessfulRpcConnection
  it('is connected after a successful registration and exposes the gateway, address and leader id', async () => {
    const gateway = new ScriptedRegistrationGateway(success('Test RPC Connection ID'));
    const connection = connectionTo(gateway);
    connection.start();
    await settle();
    expect(connection.outcomes, 'before the executor runs').to.deep.equal([]);
    expect(connection.isConnected()).to.equal(false);

    executor.triggerAll();
    expect(connection.outcomes).to.deep.equal([['success', success('Test RPC Connection ID')]]);
    expect(connection.isConnected()).to.equal(true);
    expect(connection.getTargetGateway()).to.equal(gateway);
    expect(connection.getTargetAddress()).to.equal(kAddress);
    expect(connection.getTargetLeaderId()).to.equal(leaderId);
    expect(connection.toString()).to.contain('is established');
  });

  // testRpcConnectionFailures
  it('reports a failure of the registration and stays unconnected without a gateway', async () => {
    const failure = new Error('Test RPC Connection failure');
    const connection = connectionTo(new ScriptedRegistrationGateway(new SyncThrow(failure)));
    connection.start();
    await deliver();

    expect(connection.outcomes).to.deep.equal([['failure', failure]]);
    expect(connection.isConnected()).to.equal(false);
    expect(connection.getTargetGateway()).to.equal(undefined);
    expect(connection.getTargetAddress()).to.equal(kAddress);
    expect(connection.getTargetLeaderId()).to.equal(leaderId);
  });

  // testRpcConnectionRejectionCallsOnRegistrationRejection
  it('reports a rejection through onRegistrationRejection', async () => {
    const rejection = RegistrationResponse.rejection('REJECTED');
    const connection = connectionTo(new ScriptedRegistrationGateway(rejection));
    connection.start();
    await deliver();

    expect(connection.outcomes).to.deep.equal([['rejection', rejection]]);
    expect(connection.isConnected()).to.equal(false);
  });

  // testRpcConnectionClose
  it('is closed after close(), keeps its target, and cancels the pending registration', async () => {
    const gateway = new ScriptedRegistrationGateway();
    const connection = connectionTo(gateway);
    connection.start();
    await settle();

    connection.close();
    expect(connection.isClosed()).to.equal(true);
    expect(connection.getTargetAddress()).to.equal(kAddress);
    expect(connection.getTargetLeaderId()).to.equal(leaderId);
    expect(connection.registrations[0]!.isCanceled()).to.equal(true);
    await deliver();
    expect(connection.outcomes, 'a cancellation is not a failure').to.deep.equal([]);
    expect(executor.pendingCount).to.equal(0);
  });

  it('ignores a success that is delivered after close()', async () => {
    const connection = connectionTo(new ScriptedRegistrationGateway(success('late')));
    connection.start();
    await settle();
    connection.close();

    executor.triggerAll();
    expect(connection.outcomes).to.deep.equal([]);
    expect(connection.isConnected()).to.equal(false);
  });

  // testReconnect
  it('registers again on tryReconnect() and delivers the second response', async () => {
    const gateway = new ScriptedRegistrationGateway(
      success('Test RPC Connection ID 1'),
      success('Test RPC Connection ID 2'),
    );
    const connection = connectionTo(gateway);
    connection.start();
    await deliver();
    expect(connection.outcomes).to.deep.equal([['success', success('Test RPC Connection ID 1')]]);

    expect(connection.tryReconnect()).to.equal(true);
    await deliver();

    expect(connection.outcomes).to.deep.equal([
      ['success', success('Test RPC Connection ID 1')],
      ['success', success('Test RPC Connection ID 2')],
    ]);
    expect(gateway.invocations).to.have.length(2);
  });

  it('drops a success that was queued on the executor when tryReconnect() replaced its registration', async () => {
    const gateway = new ScriptedRegistrationGateway(success('first'), success('second'), success('third'));
    const connection = connectionTo(gateway);
    connection.start();
    await deliver();
    expect(connection.tryReconnect()).to.equal(true);
    await settle();
    // The second success now waits on the executor; a new registration replaces it first.
    expect(connection.tryReconnect()).to.equal(true);
    await deliver();

    const delivered = connection.outcomes.map(([, s]) => (s as TestRegistrationSuccess).correlationId);
    expect(delivered).to.deep.equal(['first', 'third']);
    expect(gateway.invocations).to.have.length(3);
  });

  it('refuses tryReconnect() before the first success', () => {
    const connection = connectionTo(new ScriptedRegistrationGateway());
    connection.start();
    expect(() => connection.tryReconnect()).to.throw(
      IllegalRegistrationStateError,
      'Cannot reconnect to an unknown destination.',
    );
    connection.close();
  });

  it('answers tryReconnect() with false once closed', async () => {
    const connection = connectionTo(new ScriptedRegistrationGateway(success('one')));
    connection.start();
    await deliver();
    connection.close();

    expect(connection.tryReconnect()).to.equal(false);
    expect(connection.registrations).to.have.length(1);
  });

  it('refuses a second start()', () => {
    const connection = connectionTo(new ScriptedRegistrationGateway());
    connection.start();
    expect(() => connection.start()).to.throw(
      IllegalRegistrationStateError,
      'The RPC connection is already started',
    );
    connection.close();
  });

  it('refuses start() after close()', () => {
    const connection = connectionTo(new ScriptedRegistrationGateway());
    connection.close();
    expect(() => connection.start()).to.throw(
      IllegalRegistrationStateError,
      'The RPC connection is already closed',
    );
  });
});
