// security.ssl.internal.* from a config file into RemoteOptions.security: only the
// keys that are set, with booleans read the way the file may write them.

import { expect } from 'chai';

import { internalSecurityConfigOf } from '../../../src/cluster/config/security-options.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';

describe('internalSecurityConfigOf', () => {
  it('carries every internal SSL key that is set, with its boolean read', () => {
    const conf = new Configuration({
      'security.ssl.internal.enabled': 'true',
      'security.ssl.internal.key': 'certs/node.key',
      'security.ssl.internal.cert': 'certs/node.crt',
      'security.ssl.internal.trust-cert': 'certs/ca.crt',
      'security.ssl.verify-hostname': false,
      'security.ssl.rest.enabled': true,
    });
    expect(internalSecurityConfigOf(conf)).to.deep.equal({
      'security.ssl.internal.enabled': true,
      'security.ssl.internal.key': 'certs/node.key',
      'security.ssl.internal.cert': 'certs/node.crt',
      'security.ssl.internal.trust-cert': 'certs/ca.crt',
      'security.ssl.verify-hostname': false,
    });
  });

  it('leaves out the keys that are not set, so that RemoteOptions applies its own defaults', () => {
    expect(internalSecurityConfigOf(new Configuration())).to.deep.equal({});
  });
});
