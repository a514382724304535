// Configuration: Flink's keys and defaults, deprecated and fallback keys, parsing
// of duration strings, and errors that name the key and the value.

import { expect } from 'chai';

import { ClusterOptions } from '../../../src/runtime/configuration/cluster-options.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { HeartbeatManagerOptions } from '../../../src/runtime/configuration/heartbeat-manager-options.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';
import { RpcOptions } from '../../../src/runtime/configuration/rpc-options.js';
import { TaskManagerOptions } from '../../../src/runtime/configuration/task-manager-options.js';

describe('Configuration', () => {
  it("has Flink's keys and defaults", () => {
    const conf = new Configuration();
    const table: [string, number][] = [
      ClusterOptions.INITIAL_REGISTRATION_TIMEOUT,
      ClusterOptions.MAX_REGISTRATION_TIMEOUT,
      ClusterOptions.ERROR_REGISTRATION_DELAY,
      ClusterOptions.REFUSED_REGISTRATION_DELAY,
      TaskManagerOptions.REGISTRATION_TIMEOUT,
      HeartbeatManagerOptions.HEARTBEAT_INTERVAL,
      HeartbeatManagerOptions.HEARTBEAT_TIMEOUT,
      HeartbeatManagerOptions.HEARTBEAT_RPC_FAILURE_THRESHOLD,
      TaskManagerOptions.NUM_TASK_SLOTS,
      TaskManagerOptions.SLOT_TIMEOUT,
      RpcOptions.ASK_TIMEOUT_DURATION,
    ].map((option) => [option.key, conf.get(option)]);

    expect(Object.fromEntries(table)).to.deep.equal({
      'cluster.registration.initial-timeout': 100,
      'cluster.registration.max-timeout': 30_000,
      'cluster.registration.error-delay': 10_000,
      'cluster.registration.refused-registration-delay': 30_000,
      'taskmanager.registration.timeout': 300_000,
      'heartbeat.interval': 10_000,
      'heartbeat.timeout': 50_000,
      'heartbeat.rpc-failure-threshold': 2,
      'taskmanager.numberOfTaskSlots': 1,
      'taskmanager.slot.timeout': 10_000,
      'rpc.ask-timeout': 10_000,
    });
  });

  it('parses duration strings with units, and bare numbers as milliseconds', () => {
    const conf = new Configuration({
      'heartbeat.interval': '10 s',
      'heartbeat.timeout': '5min',
      'cluster.registration.initial-timeout': '100 ms',
      'cluster.registration.max-timeout': '2 h',
      'cluster.registration.error-delay': '250',
      'cluster.registration.refused-registration-delay': 42,
    });

    expect(conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(10_000);
    expect(conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).to.equal(300_000);
    expect(conf.get(ClusterOptions.INITIAL_REGISTRATION_TIMEOUT)).to.equal(100);
    expect(conf.get(ClusterOptions.MAX_REGISTRATION_TIMEOUT)).to.equal(7_200_000);
    expect(conf.get(ClusterOptions.ERROR_REGISTRATION_DELAY)).to.equal(250);
    expect(conf.get(ClusterOptions.REFUSED_REGISTRATION_DELAY)).to.equal(42);
  });

  it('parses integers given as strings', () => {
    const conf = new Configuration({ 'taskmanager.numberOfTaskSlots': ' 4 ' });
    expect(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).to.equal(4);
  });

  it('throws IllegalConfigurationError naming the key and the value for an unparsable value', () => {
    const conf = new Configuration({
      'heartbeat.interval': '10 parsecs',
      'taskmanager.numberOfTaskSlots': 'two',
    });

    const durationError = catchError(() => conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL));
    expect(durationError).to.be.instanceOf(IllegalConfigurationError);
    expect(durationError.code).to.equal('ERR_ILLEGAL_CONFIGURATION');
    expect(durationError.message).to.contain("'heartbeat.interval'").and.contain("'10 parsecs'");

    const integerError = catchError(() => conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
    expect(integerError.message).to.contain("'taskmanager.numberOfTaskSlots'").and.contain("'two'");
  });

  it('reads an option under its deprecated key', () => {
    const conf = new Configuration({
      'taskmanager.maxRegistrationDuration': '1 min',
      'pekko.ask.timeout': '3 s',
    });
    expect(conf.get(TaskManagerOptions.REGISTRATION_TIMEOUT)).to.equal(60_000);
    expect(conf.get(RpcOptions.ASK_TIMEOUT_DURATION)).to.equal(3_000);
  });

  it('prefers the current key over a deprecated one', () => {
    const conf = new Configuration({ 'rpc.ask-timeout': '1 s', 'akka.ask.timeout': '9 s' });
    expect(conf.get(RpcOptions.ASK_TIMEOUT_DURATION)).to.equal(1_000);
  });

  it('lets the slot timeout fall back to the ask timeout, unless it is set itself', () => {
    const conf = new Configuration({ 'rpc.ask-timeout': '20 s' });
    expect(conf.get(TaskManagerOptions.SLOT_TIMEOUT)).to.equal(20_000);
    expect(new Configuration({ 'akka.ask.timeout': '7 s' }).get(TaskManagerOptions.SLOT_TIMEOUT)).to.equal(
      7_000,
    );

    conf.set(TaskManagerOptions.SLOT_TIMEOUT, 5_000);
    expect(conf.get(TaskManagerOptions.SLOT_TIMEOUT)).to.equal(5_000);
  });

  it('tells set options from defaults', () => {
    const conf = new Configuration();
    expect(conf.contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(false);
    expect(conf.getOptional(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(undefined);

    conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, 500);
    expect(conf.contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(true);
    expect(conf.getOptional(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(500);

    expect(conf.remove(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(true);
    expect(conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(10_000);
  });

  it('crosses threads as a plain map and reads the same on the other side', () => {
    const conf = new Configuration()
      .set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, 1234)
      .setString('heartbeat.interval', '1 s');

    const copy = Configuration.fromMap(structuredClone(conf.toMap()));

    expect(copy.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).to.equal(1234);
    expect(copy.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).to.equal(1000);
  });
});

function catchError(fn: () => unknown): IllegalConfigurationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IllegalConfigurationError) return error;
    throw error;
  }
  throw new Error('expected an IllegalConfigurationError');
}
