// The JobMaster's settings from a Configuration: Flink's slot.request.timeout
// (default 5 min) and threadlink's free redeployments after a lost TaskExecutor
// (default 3), each refused with ERR_ILLEGAL_CONFIGURATION when out of range.

import { expect } from 'chai';

import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';
import { JobMasterConfiguration } from '../../../src/runtime/configuration/job-master-configuration.js';

describe('JobMasterConfiguration', () => {
  it('defaults to a 5 min slot request timeout and 3 free redeployments', () => {
    expect(JobMasterConfiguration.defaults()).to.deep.equal({
      slotRequestTimeoutMs: 300_000,
      lostTaskExecutorRedeployments: 3,
    });
  });

  it('reads slot.request.timeout and jobmanager.execution.lost-task-executor-redeployments', () => {
    const conf = Configuration.fromMap({
      'slot.request.timeout': '30 s',
      'jobmanager.execution.lost-task-executor-redeployments': '0',
    });

    expect(JobMasterConfiguration.fromConfiguration(conf)).to.deep.equal({
      slotRequestTimeoutMs: 30_000,
      lostTaskExecutorRedeployments: 0,
    });
  });

  it('refuses a timeout that is not positive and a negative number of redeployments, naming the key', () => {
    const timeout = Configuration.fromMap({ 'slot.request.timeout': 0 });
    expect(() => JobMasterConfiguration.fromConfiguration(timeout)).to.throw(
      IllegalConfigurationError,
      'Invalid configuration value for slot.request.timeout : 0 - The slot request timeout must be larger than 0.',
    );
    const redeployments = Configuration.fromMap({
      'jobmanager.execution.lost-task-executor-redeployments': -1,
    });
    expect(() => JobMasterConfiguration.fromConfiguration(redeployments))
      .to.throw(IllegalConfigurationError, 'jobmanager.execution.lost-task-executor-redeployments : -1')
      .with.property('code', 'ERR_ILLEGAL_CONFIGURATION');
  });
});
