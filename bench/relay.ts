// bench:relay: how a worker thread should be reachable from another process.
// Either its actor system listens on its own port, or its process's main
// thread accepts the connection and relays each frame over a MessagePort. Both
// over loopback with mutual TLS, raw frames (no threadlink), in interleaved
// rounds; the result decided the design in src/actor/system-transport.ts.

import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { decodeDataPayload, encodeDataFrame, FrameDecoder } from '../src/actor/tcp/frame-codec.js';
import { makeClusterCertificates } from '../src/rpc/certs.js';
import { median, printTable, round } from './stats.js';

const kRounds = Number(process.env.BENCH_ROUNDS ?? 7);
const kSequential = Number(process.env.BENCH_SEQUENTIAL ?? 3000);
const kPipelined = Number(process.env.BENCH_PIPELINED ?? 30_000);
const kInFlight = 256;

type Echo = (value: number) => Promise<number>;

async function client(port: number, files: { key: string; cert: string; ca: string }): Promise<{ echo: Echo; socket: TLSSocket }> {
  const socket = connect({ host: '127.0.0.1', port, key: readFileSync(files.key), cert: readFileSync(files.cert), ca: readFileSync(files.ca) });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const waiting = new Map<number, (value: number) => void>();
  const decoder = new FrameDecoder(
    {
      frame: (_type, payload) => {
        const { id, value } = decodeDataPayload(payload) as { id: number; value: number };
        waiting.get(id)!(value);
        waiting.delete(id);
      },
      oversized: () => socket.destroy(),
    },
    1 << 20,
  );
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  let nextId = 0;
  const echo: Echo = (value) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.write(encodeDataFrame({ id, value, to: '/user/rpc/taskmanager_0', m: 'echo' }));
    });
  return { echo, socket };
} // prettier-ignore

async function sequential(echo: Echo, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await echo(i);
  return ((performance.now() - started) * 1000) / n;
}

async function pipelined(echo: Echo, n: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  const lane = async () => {
    while (sent < n) await echo(sent++);
  };
  await Promise.all(Array.from({ length: kInFlight }, lane));
  return n / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'threadlink-relay-'));
const made = await makeClusterCertificates({ outDir: dir, hosts: ['127.0.0.1'] });
const files = { key: made.nodes[0]!.key, cert: made.nodes[0]!.cert, ca: made.caCert };
const child = fork(new URL('./fixtures/relay-host.js', import.meta.url), [JSON.stringify(files)], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
try {
  const ports = await new Promise<{ directPort: number; relayPort: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { directPort: number; relayPort: number })),
  );
  const own = await client(ports.directPort, files);
  const relayed = await client(ports.relayPort, files);
  const echoes: Record<string, Echo> = { ownPort: own.echo, relay: relayed.echo };
  for (const echo of Object.values(echoes)) await sequential(echo, 2000);
  const samples: Record<string, number[]> = {};
  const add = (key: string, value: number) => (samples[key] ??= []).push(value);
  for (let r = 0; r < kRounds; r++) {
    for (const [name, echo] of Object.entries(echoes))
      add(`rtt.${name}`, await sequential(echo, kSequential));
    for (const [name, echo] of Object.entries(echoes))
      add(`pipelined.${name}`, await pipelined(echo, kPipelined));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const range = (k: string, d = 1) =>
    `${round(Math.min(...samples[k]!), d)}–${round(Math.max(...samples[k]!), d)}`;
  printTable([
    { measure: 'round trip, µs', ownPort: round(m['rtt.ownPort']!), relay: round(m['rtt.relay']!), 'own port range': range('rtt.ownPort'), 'relay range': range('rtt.relay') },
    { measure: `pipelined, ${kInFlight} in flight, calls/s`, ownPort: round(m['pipelined.ownPort']!, 0), relay: round(m['pipelined.relay']!, 0), 'own port range': range('pipelined.ownPort', 0), 'relay range': range('pipelined.relay', 0) },
  ]); // prettier-ignore
  own.socket.destroy();
  relayed.socket.destroy();
  console.log(
    JSON.stringify({
      bench: 'relay',
      rounds: kRounds,
      node: process.version,
      relay_rtt_ratio: round(m['rtt.relay']! / m['rtt.ownPort']!, 3),
      relay_pipelined_ratio: round(m['pipelined.relay']! / m['pipelined.ownPort']!, 3),
      medians: m,
    }),
  );
} finally {
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
