// The endpoint the `npm start` demo runs in each worker: a greeter that can
// call its peers, so that the demo shows worker-to-worker calls.

import { defineGateway, type RpcGateway } from '../rpc/gateway.js';
import { RpcEndpoint } from '../rpc/rpc-endpoint.js';
import type { RpcService } from '../rpc/rpc-service.js';

export interface GreeterGateway extends RpcGateway {
  greet(name: string): Promise<string>;
  greetVia(peerAddress: string, name: string): Promise<string>;
  divide(a: number, b: number): Promise<number>;
  stall(timeoutMs: number): Promise<void>;
}

export const GreeterGateway = defineGateway<GreeterGateway>('GreeterGateway', {
  greet: 'ask',
  greetVia: 'ask',
  divide: 'ask',
  stall: { timeoutArg: 0 },
});

export class GreeterEndpoint extends RpcEndpoint {
  static override gateways = [GreeterGateway];

  async greet(name: string): Promise<string> {
    return `hello ${name}, from ${this.getHostname()}`;
  }

  async greetVia(peerAddress: string, name: string): Promise<string> {
    const peer = await this.getRpcService().connect(peerAddress, GreeterGateway);
    return `${this.getHostname()} relays: ${await peer.greet(name)}`;
  }

  async divide(a: number, b: number): Promise<number> {
    if (b === 0) throw new RangeError(`cannot divide ${a} by zero`);
    return a / b;
  }

  stall(): Promise<void> {
    return new Promise(() => {});
  }
}

/** Worker entry for spawnWorker. */
export function start(rpc: RpcService, data: { id: string }): string {
  const endpoint = new GreeterEndpoint(rpc, data.id);
  endpoint.start();
  return endpoint.getAddress();
}
