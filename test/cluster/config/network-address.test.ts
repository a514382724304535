// Hosts and HOST:PORT pairs as the command line and config files give them
// (Flink's NetUtils.getCorrectHostnamePort): what is accepted, normalised or refused.

import { expect } from 'chai';

import {
  formatHostPort,
  parseHost,
  parseHostPort,
  parsePort,
} from '../../../src/cluster/config/network-address.js';

describe('network addresses', () => {
  it('reads host names, IPv4 and IPv6 hosts with their port', () => {
    expect(parseHostPort('jobmanager:6123')).to.deep.equal({ host: 'jobmanager', port: 6123 });
    expect(parseHostPort('flink-jm.example.com:1')).to.deep.equal({ host: 'flink-jm.example.com', port: 1 });
    expect(parseHostPort('10.0.0.5:65535')).to.deep.equal({ host: '10.0.0.5', port: 65535 });
    expect(parseHostPort('[::1]:6123')).to.deep.equal({ host: '::1', port: 6123 });
    expect(parseHostPort('[fe80::1:2]:80')).to.deep.equal({ host: 'fe80::1:2', port: 80 });
  });

  it('refuses a pair without a port, a port out of range, and an IPv6 host without brackets', () => {
    expect(() => parseHostPort('jobmanager')).to.throw(TypeError, "expected HOST:PORT, got 'jobmanager'");
    expect(() => parseHostPort(':6123')).to.throw(TypeError, "expected HOST:PORT, got ':6123'");
    expect(() => parseHostPort('jm:')).to.throw(TypeError, "from 1 to 65535, got ''");
    expect(() => parseHostPort('jm:0')).to.throw(TypeError, "from 1 to 65535, got '0'");
    expect(() => parseHostPort('jm:65536')).to.throw(TypeError, "got '65536'");
    expect(() => parseHostPort('jm:-3')).to.throw(TypeError, "got '-3'");
    expect(() => parseHostPort('jm:61 23')).to.throw(TypeError, "got '61 23'");
    expect(() => parseHostPort('::1:6123')).to.throw(TypeError, "in brackets, as in '[::1]:6123'");
    expect(() => parseHostPort('[jm]:6123')).to.throw(TypeError, "'[jm]' is not an IPv6 address in brackets");
    expect(() => parseHostPort('j m:6123')).to.throw(TypeError, "'j m' is not a host name or IP address");
  });

  it('takes a bare or bracketed IPv6 host, and refuses what cannot be a host', () => {
    expect(parseHost('::1')).to.equal('::1');
    expect(parseHost('[::1]')).to.equal('::1');
    expect(parseHost('my_host.local')).to.equal('my_host.local');
    for (const bad of ['', 'a b', 'host:1', '-leading', 'a..b', 'http://x']) {
      expect(() => parseHost(bad), bad).to.throw(TypeError, 'is not a host name or IP address');
    }
  });

  it('lets a listening port be 0 but not a dialed one', () => {
    expect(parsePort('0', 0)).to.equal(0);
    expect(() => parsePort('0', 1)).to.throw(TypeError, 'from 1 to 65535');
    expect(() => parsePort('1e3', 0)).to.throw(TypeError, "got '1e3'");
  });

  it('writes an IPv6 host back in brackets', () => {
    expect(formatHostPort({ host: '::1', port: 6123 })).to.equal('[::1]:6123');
    expect(formatHostPort({ host: '10.0.0.5', port: 6123 })).to.equal('10.0.0.5:6123');
  });
});
