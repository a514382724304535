// Compile-time checks that a gateway's TypeScript type and its runtime
// description agree: `tsc` fails the build if an @ts-expect-error line compiles.
import { expect } from 'chai';
import { defineGateway, type RpcGateway } from '../../src/rpc/gateway.js';

interface ExampleGateway extends RpcGateway {
  ask(x: string): Promise<number>;
  tell(x: string): void;
  withTimeout(x: string, timeoutMs: number): Promise<void>;
}

describe('gateway definitions', () => {
  it('accept a description that matches the interface', () => {
    const gateway = defineGateway<ExampleGateway>('Example', {
      ask: 'ask',
      tell: 'tell',
      withTimeout: { timeoutArg: 1 },
    });
    expect(gateway.methods).to.deep.equal({ ask: 'ask', tell: 'tell', withTimeout: { timeoutArg: 1 } });
  });

  it('refuse descriptions that disagree with the interface, at compile time', () => {
    // @ts-expect-error a method is missing
    defineGateway<ExampleGateway>('Missing', { ask: 'ask', tell: 'tell' });
    // @ts-expect-error a void method cannot be an ask
    defineGateway<ExampleGateway>('VoidAsk', { ask: 'ask', tell: 'ask', withTimeout: 'ask' });
    // @ts-expect-error a promise method cannot be a tell
    defineGateway<ExampleGateway>('PromiseTell', { ask: 'tell', tell: 'tell', withTimeout: 'ask' });
    // @ts-expect-error the timeout argument must be a number parameter
    defineGateway<ExampleGateway>('BadTimeout', { ask: 'ask', tell: 'tell', withTimeout: { timeoutArg: 0 } });
    // @ts-expect-error an unknown method
    defineGateway<ExampleGateway>('Extra', { ask: 'ask', tell: 'tell', withTimeout: 'ask', other: 'ask' });
  });

  it('refuse invalid kinds at run time too', () => {
    expect(() => defineGateway('Bad', { m: 'sometimes' } as never)).to.throw(TypeError, 'invalid kind');
    expect(() => defineGateway('', {} as never)).to.throw(TypeError);
  });
});
