// A config key no option knows gets one warning naming the nearest known key,
// as in the config file; known keys, old (deprecated) names included, get none.

import { expect } from 'chai';

import { warnUnknownConfigKeys } from '../../src/cluster/unknown-config-keys.js';

function warningsFor(config: Record<string, string | number | boolean>): string[] {
  const warnings: string[] = [];
  warnUnknownConfigKeys(config, (message) => warnings.push(message));
  return warnings;
}

describe('unknown config keys', () => {
  it('warns once per unknown key, naming the nearest known one', () => {
    expect(warningsFor({ 'heartbeat.intervall': '1 s', 'slot.request.timout': '1 min' })).to.deep.equal([
      "Unknown config key 'heartbeat.intervall' (did you mean 'heartbeat.interval'?); it is ignored.",
      "Unknown config key 'slot.request.timout' (did you mean 'slot.request.timeout'?); it is ignored.",
    ]);
  });

  it('names no key when none is close', () => {
    expect(warningsFor({ 'completely.different': 1 })).to.deep.equal([
      "Unknown config key 'completely.different'; it is ignored.",
    ]);
  });

  it('knows every declared option, its old names, and options built by hand', () => {
    expect(
      warningsFor({
        'heartbeat.timeout': '5 s',
        'akka.ask.timeout': '10 s',
        'taskmanager.maxRegistrationDuration': '1 min',
        'slot.request.timeout': '1 min',
        'jobmanager.execution.lost-task-executor-redeployments': 2,
        'high-availability.type': 'NONE',
        'blob.max-size': '64 mb',
        'library-cache-manager.cleanup.interval': 60,
      }),
    ).to.deep.equal([]);
  });
});
