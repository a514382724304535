// Ports Flink's RetryingRegistrationTest: success, propagated failures and the
// backoff rules. Flink measures wall-clock time ("takes at least X ms"); here a
// ManualExecutor shows that the retry is scheduled with delay X and does not run
// before X.

import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { RpcTimeoutError } from '../../../src/rpc/errors.js';
import { RpcService } from '../../../src/rpc/rpc-service.js';
import { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import { RegistrationCancelledError } from '../../../src/runtime/registration/errors.js';
import { RegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import {
  kDelayOnError,
  kDelayOnRefused,
  kInitialTimeout,
  kMaxTimeout,
  kNoAnswer,
  PendingConnect,
  ScriptedRegistrationGateway,
  ScriptedRpcService,
  settle,
  stateOf,
  success,
  SyncThrow,
  TestRetryingRegistration,
} from './testing-registration.js';

const kAddress = '<test-address>';

describe('RetryingRegistration', () => {
  let executor: ManualExecutor;
  let leaderId: string;

  beforeEach(() => {
    executor = new ManualExecutor();
    leaderId = randomUUID();
  });

  function startRegistration(rpc: ScriptedRpcService): TestRetryingRegistration {
    const registration = new TestRetryingRegistration(rpc, kAddress, leaderId, executor);
    registration.startRegistration();
    return registration;
  }

  // testSimpleSuccessfulRegistration
  it('delivers the success and the gateway, passes the leader id on, and returns the same future every time', async () => {
    const gateway = new ScriptedRegistrationGateway(success('laissez les bon temps roulez'));
    const rpc = new ScriptedRpcService(gateway);
    const registration = startRegistration(rpc);

    expect(registration.getFuture()).to.equal(registration.getFuture());
    const result = await registration.getFuture();

    expect(result).to.deep.equal({
      kind: 'success',
      gateway,
      success: success('laissez les bon temps roulez'),
    });
    expect(rpc.connects).to.deep.equal([
      { address: kAddress, fencingToken: leaderId, gateway: 'TestRegistrationGateway' },
    ]);
    expect(gateway.invocations.map((i) => i.leaderId)).to.deep.equal([leaderId]);
    expect(gateway.timeouts).to.deep.equal([kInitialTimeout]);
  });

  it('connects without a fencing token when it has none', async () => {
    const gateway = new ScriptedRegistrationGateway(success('unfenced'));
    const rpc = new ScriptedRpcService(gateway);
    const registration = new TestRetryingRegistration(rpc, kAddress, undefined, executor);
    registration.startRegistration();

    await registration.getFuture();
    expect(rpc.connects).to.deep.equal([
      { address: kAddress, fencingToken: undefined, gateway: 'TestRegistrationGateway' },
    ]);
  });

  // testPropagateFailures
  it('fails the future at once and cancels itself when connect throws synchronously', async () => {
    const failure = new Error('testExceptionMessage');
    const rpc = new ScriptedRpcService(new ScriptedRegistrationGateway(), new SyncThrow(failure));
    const registration = startRegistration(rpc);

    expect(await stateOf(registration.getFuture())).to.equal('rejected');
    const error = await registration.getFuture().catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(registration.isCanceled()).to.equal(true);
    expect(executor.pendingCount).to.equal(0);
  });

  // testRetryConnectOnFailure
  it('connects again after the error delay, not before, when the address cannot be resolved', async () => {
    const gateway = new ScriptedRegistrationGateway(success('second connect'));
    const rpc = new ScriptedRpcService(gateway, new Error('test connect failure'));
    const registration = startRegistration(rpc);
    await settle();

    expect(executor.pendingDelays()).to.deep.equal([kDelayOnError]);
    executor.advance(kDelayOnError - 1);
    expect(rpc.connects).to.have.length(1);
    executor.advance(1);
    expect(rpc.connects).to.have.length(2);

    const result = await registration.getFuture();
    expect(result.kind === 'success' && result.success.correlationId).to.equal('second connect');
    expect(gateway.invocations.map((i) => i.leaderId)).to.deep.equal([leaderId]);
  });

  it('retries an unresolvable address of a real RpcService after the error delay', async () => {
    const rpc = RpcService.create({ askTimeoutMs: 5000 });
    try {
      const missing = rpc.system.addressOf('/user/rpc/nobody-here');
      const registration = new TestRetryingRegistration(rpc, missing, leaderId, executor);
      registration.startRegistration();
      for (let i = 0; i < 100 && executor.pendingCount === 0; i++) await settle();

      expect(executor.pendingDelays()).to.deep.equal([kDelayOnError]);
      registration.cancel();
      expect(executor.pendingCount).to.equal(0);
    } finally {
      await rpc.closeAsync();
    }
  });

  // testRetriesOnTimeouts
  it('retries at once after a timeout, doubling the timeout, until the target answers', async () => {
    const gateway = new ScriptedRegistrationGateway(kNoAnswer, kNoAnswer, success('rien ne va plus'));
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();

    executor.advance(kInitialTimeout - 1);
    expect(gateway.invocations).to.have.length(1);
    executor.advance(1);
    expect(gateway.invocations).to.have.length(2);
    executor.advance(2 * kInitialTimeout);
    expect(gateway.invocations).to.have.length(3);

    const result = await registration.getFuture();
    expect(result.kind === 'success' && result.success.correlationId).to.equal('rien ne va plus');
    // 20 + 40 ms passed before the answer: at least 3 × initial, as Flink checks.
    expect(executor.now()).to.equal(3 * kInitialTimeout);
    expect(gateway.timeouts).to.deep.equal([kInitialTimeout, 2 * kInitialTimeout, 4 * kInitialTimeout]);
  });

  it('treats an RpcTimeoutError reply as a timeout: the next attempt follows at once with twice the timeout', async () => {
    const timeout = new RpcTimeoutError('registrationCall timed out');
    const gateway = new ScriptedRegistrationGateway(timeout, timeout, success('after timeouts'));
    const registration = startRegistration(new ScriptedRpcService(gateway));

    const result = await registration.getFuture();
    expect(result.kind).to.equal('success');
    expect(executor.now()).to.equal(0);
    expect(gateway.timeouts).to.deep.equal([kInitialTimeout, 2 * kInitialTimeout, 4 * kInitialTimeout]);
  });

  it('never lets the timeout grow beyond the maximum', async () => {
    const gateway = new ScriptedRegistrationGateway();
    const config = RetryingRegistrationConfiguration.of({
      initialRegistrationTimeoutMs: 20,
      maxRegistrationTimeoutMs: 50,
      errorDelayMs: 1000,
      refusedDelayMs: 1000,
    });
    const registration = new TestRetryingRegistration(
      new ScriptedRpcService(gateway),
      kAddress,
      leaderId,
      executor,
      config,
    );
    registration.startRegistration();
    await settle();

    executor.advance(20 + 40 + 50);
    expect(gateway.timeouts).to.deep.equal([20, 40, 50, 50]);
    registration.cancel();
  });

  it('ignores the late reply of an attempt that already timed out', async () => {
    const gateway = new ScriptedRegistrationGateway();
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();
    executor.advance(kInitialTimeout);
    expect(gateway.invocations).to.have.length(2);

    gateway.invocations[0]!.resolve(success('too late'));
    await settle();
    expect(await stateOf(registration.getFuture())).to.equal('pending');

    gateway.invocations[1]!.resolve(success('in time'));
    const result = await registration.getFuture();
    expect(result.kind === 'success' && result.success.correlationId).to.equal('in time');
    expect(executor.pendingCount).to.equal(0);
  });

  // testFailure
  it('waits the refused delay after a Failure and starts over from the initial timeout', async () => {
    const gateway = new ScriptedRegistrationGateway(
      kNoAnswer,
      RegistrationResponse.failure('no reason'),
      kNoAnswer,
      success('qui a coupe le fromage'),
    );
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();

    executor.advance(kInitialTimeout);
    await settle();
    expect(gateway.invocations).to.have.length(2);
    expect(executor.pendingDelays()).to.deep.equal([kDelayOnRefused]);
    executor.advance(kDelayOnRefused - 1);
    expect(gateway.invocations).to.have.length(2);
    executor.advance(1);
    expect(gateway.invocations).to.have.length(3);
    executor.advance(kInitialTimeout);

    const result = await registration.getFuture();
    expect(result.kind === 'success' && result.success.correlationId).to.equal('qui a coupe le fromage');
    expect(executor.now()).to.equal(2 * kInitialTimeout + kDelayOnRefused);
    expect(gateway.timeouts).to.deep.equal([20, 40, 20, 40]);
  });

  it('treats an unknown response like a Failure', async () => {
    const unknown = { kind: 'maybe' } as unknown as ReturnType<typeof success>;
    const gateway = new ScriptedRegistrationGateway(unknown, success('then yes'));
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();

    expect(executor.pendingDelays()).to.deep.equal([kDelayOnRefused]);
    executor.advance(kDelayOnRefused);
    expect((await registration.getFuture()).kind).to.equal('success');
  });

  // testRegistrationRejection
  it('ends with the rejection and does not retry', async () => {
    const gateway = new ScriptedRegistrationGateway(
      RegistrationResponse.rejection('go away'),
      success('never asked'),
    );
    const registration = startRegistration(new ScriptedRpcService(gateway));

    const result = await registration.getFuture();
    expect(result).to.deep.equal({ kind: 'rejection', rejection: RegistrationResponse.rejection('go away') });
    executor.advance(10 * kDelayOnRefused);
    expect(gateway.invocations).to.have.length(1);
    expect(executor.pendingCount).to.equal(0);
  });

  // testRetryOnError
  it('waits the error delay after an error reply and starts over from the initial timeout', async () => {
    const gateway = new ScriptedRegistrationGateway(
      new Error('test exception'),
      success("Petit a petit, l'oiseau fait son nid"),
    );
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();

    expect(executor.pendingDelays()).to.deep.equal([kDelayOnError]);
    executor.advance(kDelayOnError - 1);
    expect(gateway.invocations).to.have.length(1);
    executor.advance(1);

    const result = await registration.getFuture();
    expect(result.kind).to.equal('success');
    expect(gateway.timeouts).to.deep.equal([kInitialTimeout, kInitialTimeout]);
  });

  it('waits refused-registration-delay after a Failure and error-delay after an error, never the other', async () => {
    const config = RetryingRegistrationConfiguration.of({
      initialRegistrationTimeoutMs: kInitialTimeout,
      maxRegistrationTimeoutMs: kMaxTimeout,
      errorDelayMs: 700,
      refusedDelayMs: 300,
    });
    const gateway = new ScriptedRegistrationGateway(
      RegistrationResponse.failure('not now'),
      new Error('broken for a while'),
      success('at last'),
    );
    const registration = new TestRetryingRegistration(
      new ScriptedRpcService(gateway),
      kAddress,
      leaderId,
      executor,
      config,
    );
    registration.startRegistration();
    await settle();

    expect(executor.pendingDelays()).to.deep.equal([300]);
    executor.advance(300);
    await settle();
    expect(gateway.invocations).to.have.length(2);
    expect(executor.pendingDelays()).to.deep.equal([700]);
    executor.advance(699);
    expect(gateway.invocations).to.have.length(2);
    executor.advance(1);
    expect((await registration.getFuture()).kind).to.equal('success');
    expect(executor.now()).to.equal(1000);
  });

  it('fails the future and cancels itself when the registration call throws synchronously', async () => {
    const failure = new Error('broken gateway');
    const gateway = new ScriptedRegistrationGateway(new SyncThrow(failure));
    const registration = startRegistration(new ScriptedRpcService(gateway));

    const error = await registration.getFuture().catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(registration.isCanceled()).to.equal(true);
    expect(executor.pendingCount).to.equal(0);
  });

  // testCancellation
  it('makes no further attempt once cancelled, even when the pending attempt then times out', async () => {
    const gateway = new ScriptedRegistrationGateway();
    const registration = startRegistration(new ScriptedRpcService(gateway));
    await settle();

    registration.cancel();
    gateway.invocations[0]!.reject(new RpcTimeoutError('timed out'));
    await settle();
    executor.advance(10 * kDelayOnError);

    expect(gateway.invocations).to.have.length(1);
    expect(executor.pendingCount).to.equal(0);
  });

  it('rejects the future with RegistrationCancelledError when cancelled', async () => {
    const registration = startRegistration(new ScriptedRpcService(new ScriptedRegistrationGateway()));
    registration.cancel();

    const error = (await registration.getFuture().catch((e: unknown) => e)) as RegistrationCancelledError;
    expect(error).to.be.instanceOf(RegistrationCancelledError);
    expect(error.code).to.equal('ERR_REGISTRATION_CANCELLED');
    expect(registration.isCanceled()).to.equal(true);
  });

  it('does nothing at all when cancelled while the connect is pending', async () => {
    const connect = new PendingConnect();
    const gateway = new ScriptedRegistrationGateway(success('unwanted'));
    const rpc = new ScriptedRpcService(gateway, connect);
    const registration = startRegistration(rpc);

    registration.cancel();
    connect.resolve(gateway);
    await settle();
    connect.reject(new Error('too late anyway'));
    await settle();

    expect(gateway.invocations).to.have.length(0);
    expect(executor.pendingCount).to.equal(0);
    expect(rpc.connects).to.have.length(1);
  });

  it('does not retry a failed connect once cancelled', async () => {
    const connect = new PendingConnect();
    const rpc = new ScriptedRpcService(new ScriptedRegistrationGateway(), connect);
    const registration = startRegistration(rpc);

    registration.cancel();
    connect.reject(new Error('unresolvable'));
    await settle();

    expect(executor.pendingCount).to.equal(0);
    expect(rpc.connects).to.have.length(1);
  });

  it('does not start once cancelled', () => {
    const rpc = new ScriptedRpcService(new ScriptedRegistrationGateway());
    const registration = new TestRetryingRegistration(rpc, kAddress, leaderId, executor);
    registration.cancel();
    registration.startRegistration();
    expect(rpc.connects).to.have.length(0);
  });

  it('keeps its success when cancelled afterwards', async () => {
    const registration = startRegistration(
      new ScriptedRpcService(new ScriptedRegistrationGateway(success('kept'))),
    );
    await registration.getFuture();
    registration.cancel();
    expect((await registration.getFuture()).kind).to.equal('success');
  });
});
