import { expect } from 'chai';
import { AddressParseError, formatAddress, parseAddress, threadIdOf } from '../../src/actor/address.js';

describe('actor addresses', () => {
  it('parse back to what they were made from', () => {
    const text = 'node://flink@thread-3/user/rpc/taskmanager_0';
    const address = parseAddress(text);
    expect(address).to.deep.equal({
      protocol: 'node',
      system: 'flink',
      host: 'thread-3',
      path: '/user/rpc/taskmanager_0',
    });
    expect(formatAddress(address)).to.equal(text);
    expect(threadIdOf(address.host)).to.equal(3);
  });

  it('accept TCP hosts with a port, IPv4 and bracketed IPv6', () => {
    expect(parseAddress('node+tcp://flink@10.0.0.5:6123/user/rpc/x').host).to.equal('10.0.0.5:6123');
    expect(parseAddress('node+tcp://flink@[2001:db8::1]:1234/user/rpc/x').host).to.equal(
      '[2001:db8::1]:1234',
    );
    expect(threadIdOf('10.0.0.5:6123')).to.equal(undefined);
  });

  it('refuse a host-less address, a bad port and plain words with a coded error', () => {
    for (const bad of ['node://flink/user/rpc/x', 'node+tcp://flink@h:0/x', 'foobar', 'node://flink@h//x']) {
      expect(() => parseAddress(bad), bad)
        .to.throw(AddressParseError)
        .with.property('code', 'ERR_ACTOR_ADDRESS');
    }
  });
});
