// Doubles for registration tests, after Flink's TestRegistrationGateway,
// TestRetryingRegistration and TestingRpcService.registerGateway: a gateway whose
// every call the test answers (or leaves unanswered), and an RpcService whose
// connects the test scripts. Nothing here uses real time.

import type { FencedRpcGateway, GatewayDefinition, RpcGateway } from '../../../src/rpc/gateway.js';
import { defineGateway } from '../../../src/rpc/gateway.js';
import type { ScheduledExecutor } from '../../../src/rpc/scheduled-executor.js';
import { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import {
  RetryingRegistration,
  type RegistrationAttemptResponse,
  type RegistrationRpcService,
} from '../../../src/runtime/registration/retrying-registration.js';
import type {
  RegistrationRejection,
  RegistrationSuccess,
} from '../../../src/runtime/types/registration-response.js';

/** RetryingRegistrationTest's settings: initial 20, max 200, error 200, refused 200 ms. */
export const kInitialTimeout = 20;
export const kMaxTimeout = 200;
export const kDelayOnError = 200;
export const kDelayOnRefused = 200;
export const kTestConfig = RetryingRegistrationConfiguration.of({
  initialRegistrationTimeoutMs: kInitialTimeout,
  maxRegistrationTimeoutMs: kMaxTimeout,
  errorDelayMs: kDelayOnError,
  refusedDelayMs: kDelayOnRefused,
});

export interface TestRegistrationSuccess extends RegistrationSuccess {
  readonly correlationId: string;
}
export type TestRegistrationRejection = RegistrationRejection;
export type TestResponse = RegistrationAttemptResponse<TestRegistrationSuccess, TestRegistrationRejection>;

export function success(correlationId: string): TestRegistrationSuccess {
  return { kind: 'success', correlationId };
}

export interface TestRegistrationGateway extends FencedRpcGateway {
  registrationCall(leaderId: string | undefined, timeoutMs: number): Promise<TestResponse>;
}

export const TestRegistrationGateway = defineGateway<TestRegistrationGateway>('TestRegistrationGateway', {
  registrationCall: { timeoutArg: 1 },
});

/** One registration call the gateway received; the test may settle it by hand. */
export interface Invocation {
  readonly leaderId: string | undefined;
  readonly timeoutMs: number;
  resolve(response: TestResponse): void;
  reject(error: Error): void;
}

/** Leaves a call unanswered, as a target that is down. */
export const kNoAnswer = Symbol('no answer');
/** Throws synchronously from the gateway method, as a broken gateway. */
export class SyncThrow {
  constructor(readonly error: Error) {}
}
export type ScriptedAnswer = TestResponse | Error | SyncThrow | typeof kNoAnswer;

/** Answers calls from a script, in order; once the script runs out, calls stay unanswered. */
export class ScriptedRegistrationGateway implements TestRegistrationGateway {
  readonly invocations: Invocation[] = [];
  private readonly script: ScriptedAnswer[];

  constructor(...script: ScriptedAnswer[]) {
    this.script = script;
  }

  registrationCall(leaderId: string | undefined, timeoutMs: number): Promise<TestResponse> {
    const answer = this.script.length > 0 ? this.script.shift()! : kNoAnswer;
    if (answer instanceof SyncThrow) throw answer.error;
    let resolve!: (response: TestResponse) => void;
    let reject!: (error: Error) => void;
    const reply = new Promise<TestResponse>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.invocations.push({ leaderId, timeoutMs, resolve, reject });
    if (answer instanceof Error) reject(answer);
    else if (answer !== kNoAnswer) resolve(answer);
    return reply;
  }

  get timeouts(): number[] {
    return this.invocations.map((i) => i.timeoutMs);
  }

  getAddress(): string {
    return 'test-gateway';
  }
  getHostname(): string {
    return 'thread-0';
  }
  getFencingToken(): string {
    return 'unused';
  }
}

/** Leaves a connect pending until the test settles it. */
export class PendingConnect {
  resolve!: (gateway: RpcGateway) => void;
  reject!: (error: Error) => void;
  readonly promise = new Promise<RpcGateway>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

export type ScriptedConnect = RpcGateway | Error | SyncThrow | PendingConnect;

export interface ConnectCall {
  readonly address: string;
  readonly fencingToken: string | undefined;
  readonly gateway: string;
}

/**
 * A RegistrationRpcService whose connects follow a script: a gateway resolves,
 * an Error rejects (as an unresolvable address), SyncThrow throws at once.
 * Once the script runs out, every connect resolves with `fallback`.
 */
export class ScriptedRpcService implements RegistrationRpcService {
  readonly connects: ConnectCall[] = [];
  private readonly script: ScriptedConnect[];

  constructor(
    private readonly fallback: RpcGateway,
    ...script: ScriptedConnect[]
  ) {
    this.script = script;
  }

  connect<G extends RpcGateway>(address: string, gateway: GatewayDefinition<G>): Promise<G> {
    return this.answer(address, undefined, gateway.name) as Promise<G>;
  }

  connectFenced<G extends FencedRpcGateway>(
    address: string,
    fencingToken: string,
    gateway: GatewayDefinition<G>,
  ): Promise<G> {
    return this.answer(address, fencingToken, gateway.name) as Promise<G>;
  }

  private answer(address: string, fencingToken: string | undefined, gateway: string): Promise<RpcGateway> {
    this.connects.push({ address, fencingToken, gateway });
    const next = this.script.length > 0 ? this.script.shift()! : this.fallback;
    if (next instanceof SyncThrow) throw next.error;
    if (next instanceof Error) return Promise.reject(next);
    if (next instanceof PendingConnect) return next.promise;
    return Promise.resolve(next);
  }
}

export class TestRetryingRegistration extends RetryingRegistration<
  TestRegistrationGateway,
  TestRegistrationSuccess,
  TestRegistrationRejection
> {
  constructor(
    rpcService: RegistrationRpcService,
    targetAddress: string,
    leaderId: string | undefined,
    executor: ScheduledExecutor,
    config: RetryingRegistrationConfiguration = kTestConfig,
  ) {
    super({
      rpcService,
      targetName: 'TestEndpoint',
      targetGateway: TestRegistrationGateway,
      targetAddress,
      ...(leaderId === undefined ? {} : { fencingToken: leaderId }),
      executor,
      config,
    });
  }

  protected override invokeRegistration(
    gateway: TestRegistrationGateway,
    leaderId: string | undefined,
    timeoutMs: number,
  ): Promise<TestResponse> {
    return gateway.registrationCall(leaderId, timeoutMs);
  }
}

/** Lets every promise callback already queued run. */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** The settled state of a promise, without waiting for it. */
export async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  const marker = Symbol('pending');
  try {
    const value = await Promise.race([promise, Promise.resolve(marker)]);
    return value === marker ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  }
}
