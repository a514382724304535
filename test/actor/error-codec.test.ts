import { expect } from 'chai';
import { decodeError, encodeError, registerErrorClasses } from '../../src/actor/error-codec.js';
import { FencingTokenError, RpcError } from '../../src/rpc/errors.js';

class CustomFailure extends Error {
  constructor(
    message: string,
    readonly detail: { n: number },
  ) {
    super(message);
    this.name = 'CustomFailure';
  }
}
registerErrorClasses(CustomFailure);

describe('the error codec', () => {
  it('rebuilds a registered class with message, code, fields, cause and the remote stack', () => {
    const original = new CustomFailure('bad', { n: 3 });
    (original as unknown as { code: string }).code = 'E_CUSTOM';
    original.cause = new RangeError('why');
    const wire = structuredClone(encodeError(original));
    const decoded = decodeError(wire, 'thread-7') as CustomFailure;
    expect(decoded).to.be.instanceOf(CustomFailure);
    expect(decoded.message).to.equal('bad');
    expect(decoded.detail).to.deep.equal({ n: 3 });
    expect((decoded as unknown as { code: string }).code).to.equal('E_CUSTOM');
    expect(decoded.cause).to.be.instanceOf(RangeError);
    expect(decoded.stack).to.include(original.stack!.split('\n')[1]!.trim()).and.include('<remote thread-7>');
  });

  it('keeps rpc error classes and codes, and instanceof of the base class', () => {
    const decoded = decodeError(structuredClone(encodeError(new FencingTokenError('mismatch'))));
    expect(decoded).to.be.instanceOf(FencingTokenError).and.instanceOf(RpcError);
    expect((decoded as FencingTokenError).code).to.equal('ERR_FENCING_TOKEN');
  });

  it('turns thrown non-errors and unknown classes into errors that keep the name', () => {
    expect(decodeError(encodeError('just a string')).message).to.equal('just a string');
    expect(decodeError(encodeError({ weird: true })).message).to.include('{"weird":true}');
    const unknown = new Error('x');
    unknown.name = 'NeverRegistered';
    const decoded = decodeError(encodeError(unknown));
    expect(decoded.name).to.equal('NeverRegistered');
    expect(decoded).to.be.instanceOf(Error);
  });

  it('recognises an RpcError from another copy of the module by its brand', () => {
    const foreign = Object.create(Error.prototype) as Error;
    Object.defineProperty(foreign, Symbol.for('threadlink.error.RpcError'), { value: true });
    expect(foreign).to.be.instanceOf(RpcError);
    expect(new Error('plain')).to.not.be.instanceOf(RpcError);
  });
});
