// The checks of Flink's HeartbeatServices constructor, as configuration errors.

import { expect } from 'chai';

import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { HeartbeatServicesConfiguration } from '../../../src/runtime/configuration/heartbeat-services-configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';

describe('HeartbeatServicesConfiguration', () => {
  it('reads interval, timeout and failure threshold, with Flink defaults', () => {
    expect(HeartbeatServicesConfiguration.fromConfiguration(new Configuration())).to.deep.equal({
      heartbeatIntervalMs: 10_000,
      heartbeatTimeoutMs: 50_000,
      failedRpcRequestsUntilUnreachable: 2,
    });
    const conf = new Configuration({
      'heartbeat.interval': '1 s',
      'heartbeat.timeout': '3 s',
      'heartbeat.rpc-failure-threshold': 5,
    });
    expect(HeartbeatServicesConfiguration.fromConfiguration(conf)).to.deep.equal({
      heartbeatIntervalMs: 1_000,
      heartbeatTimeoutMs: 3_000,
      failedRpcRequestsUntilUnreachable: 5,
    });
  });

  it('refuses a heartbeat timeout smaller than the interval', () => {
    const conf = new Configuration({ 'heartbeat.interval': 1000, 'heartbeat.timeout': 999 });
    expect(() => HeartbeatServicesConfiguration.fromConfiguration(conf)).to.throw(
      IllegalConfigurationError,
      /heartbeat\.timeout : 999 - The heartbeat timeout should be larger or equal than the heartbeat interval/,
    );
  });

  it('accepts a timeout equal to the interval', () => {
    const conf = new Configuration({ 'heartbeat.interval': 1000, 'heartbeat.timeout': 1000 });
    expect(HeartbeatServicesConfiguration.fromConfiguration(conf).heartbeatTimeoutMs).to.equal(1000);
  });

  it('refuses an interval that is not positive', () => {
    const conf = new Configuration({ 'heartbeat.interval': 0 });
    expect(() => HeartbeatServicesConfiguration.fromConfiguration(conf)).to.throw(
      IllegalConfigurationError,
      'Invalid configuration value for heartbeat.interval : 0 - The heartbeat interval must be larger than 0.',
    );
  });

  it('accepts -1 to disable unreachable detection and refuses 0 or other negatives', () => {
    const disabled = new Configuration({ 'heartbeat.rpc-failure-threshold': -1 });
    expect(
      HeartbeatServicesConfiguration.fromConfiguration(disabled).failedRpcRequestsUntilUnreachable,
    ).to.equal(-1);

    for (const value of [0, -2]) {
      const conf = new Configuration({ 'heartbeat.rpc-failure-threshold': value });
      expect(() => HeartbeatServicesConfiguration.fromConfiguration(conf)).to.throw(
        IllegalConfigurationError,
        `heartbeat.rpc-failure-threshold : ${value} - The number of failed heartbeat RPCs`,
      );
    }
  });
});
