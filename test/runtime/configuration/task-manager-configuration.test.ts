// The TaskExecutor's derived settings: slot count rules (ConfigurationParserUtils.getSlot),
// slot timeout fallback, and the registration timeout that an unparsable value lifts.

import { expect } from 'chai';

import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';
import { TaskManagerConfiguration } from '../../../src/runtime/configuration/task-manager-configuration.js';

describe('TaskManagerConfiguration', () => {
  it("uses Flink's defaults", () => {
    expect(TaskManagerConfiguration.fromConfiguration(new Configuration())).to.deep.equal({
      numberSlots: 1,
      slotTimeoutMs: 10_000,
      rpcTimeoutMs: 10_000,
      maxRegistrationDurationMs: 300_000,
      retryingRegistrationConfiguration: {
        initialRegistrationTimeoutMs: 100,
        maxRegistrationTimeoutMs: 30_000,
        errorDelayMs: 10_000,
        refusedDelayMs: 30_000,
      },
    });
  });

  it('reads the number of slots, treating -1 as 1', () => {
    expect(
      TaskManagerConfiguration.getSlot(new Configuration({ 'taskmanager.numberOfTaskSlots': 4 })),
    ).to.equal(4);
    expect(
      TaskManagerConfiguration.getSlot(new Configuration({ 'taskmanager.numberOfTaskSlots': -1 })),
    ).to.equal(1);
  });

  it('refuses zero or negative slots', () => {
    for (const value of [0, -2]) {
      const conf = new Configuration({ 'taskmanager.numberOfTaskSlots': value });
      expect(() => TaskManagerConfiguration.fromConfiguration(conf)).to.throw(
        IllegalConfigurationError,
        `Invalid configuration value for taskmanager.numberOfTaskSlots : ${value} - Number of task slots must be at least one.`,
      );
    }
  });

  it('takes the slot timeout from the ask timeout unless it is set', () => {
    const conf = new Configuration({ 'rpc.ask-timeout': '30 s' });
    expect(TaskManagerConfiguration.fromConfiguration(conf).slotTimeoutMs).to.equal(30_000);
    conf.setString('taskmanager.slot.timeout', '1 min');
    expect(TaskManagerConfiguration.fromConfiguration(conf).slotTimeoutMs).to.equal(60_000);
  });

  it('reads an unparsable registration timeout as no limit, as Flink does', () => {
    const conf = new Configuration({ 'taskmanager.registration.timeout': 'infinite' });
    expect(TaskManagerConfiguration.fromConfiguration(conf).maxRegistrationDurationMs).to.equal(null);
  });

  it('still refuses an unparsable value of other options', () => {
    const conf = new Configuration({ 'taskmanager.slot.timeout': 'soon' });
    expect(() => TaskManagerConfiguration.fromConfiguration(conf)).to.throw(
      IllegalConfigurationError,
      /taskmanager\.slot\.timeout/,
    );
  });

  it('refuses a non-positive ask timeout', () => {
    const conf = new Configuration({ 'rpc.ask-timeout': 0 });
    expect(() => TaskManagerConfiguration.fromConfiguration(conf)).to.throw(
      IllegalConfigurationError,
      /rpc\.ask-timeout : 0/,
    );
  });
});
