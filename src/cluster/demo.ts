// `npm start`: a short tour of threadlink until the cluster exists. It starts
// endpoints in worker threads and shows asks, worker-to-worker calls, error
// propagation, fail-fast death watch and a clean shutdown.

import { RecipientUnreachableError, RpcService } from '../rpc/index.js';
import { GreeterGateway } from './demo-endpoint.js';

const step = (text: string) => console.log(`\n▸ ${text}`);

async function main(): Promise<void> {
  const rpc = RpcService.create({ askTimeoutMs: 10_000 });
  try {
    step('Starting three worker threads, each with a GreeterEndpoint');
    const module = new URL('./demo-endpoint.js', import.meta.url);
    const workers = await Promise.all(
      ['greeter_0', 'greeter_1', 'greeter_2'].map((id) => rpc.spawnWorker(module, { workerData: { id } })),
    );
    for (const w of workers) console.log(`  thread ${w.threadId}: ${String(w.result)}`);

    step('Connecting (resolve, handshake, typed gateway) and asking');
    const gateways = await Promise.all(workers.map((w) => rpc.connect(String(w.result), GreeterGateway)));
    for (const g of gateways) console.log(`  ${await g.greet('main')}`);

    step('A wildcard address finds whichever greeter is alive');
    const any = await rpc.connect(
      'node://flink@thread-' + workers[1]!.threadId + '/user/rpc/greeter_*',
      GreeterGateway,
    );
    console.log(`  resolved to ${any.getAddress()}`);

    step('Worker-to-worker: greeter_0 calls greeter_2 over a direct channel');
    console.log(`  ${await gateways[0]!.greetVia(String(workers[2]!.result), 'main')}`);

    step('A remote error keeps its class and message');
    const error = await gateways[1]!.divide(1, 0).catch((e: unknown) => e as Error);
    console.log(`  ${error instanceof RangeError ? 'RangeError' : 'other'}: ${(error as Error).message}`);

    step('Killing a worker fails its pending calls at once, not after the 10 s timeout');
    const pending = gateways[2]!.stall(10_000).catch((e: unknown) => e);
    const started = performance.now();
    await workers[2]!.kill();
    const lost = await pending;
    console.log(
      `  ${lost instanceof RecipientUnreachableError ? lost.code : 'unexpected'} after ` +
        `${(performance.now() - started).toFixed(1)} ms`,
    );

    step('Metrics');
    console.table(await Promise.all(workers.slice(0, 2).map((w) => w.metrics())));
  } finally {
    step('Closing the RpcService: endpoints stop, workers end');
    await rpc.closeAsync();
    console.log('  done');
  }
}

await main();
