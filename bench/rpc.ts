// bench:rpc: threadlink asks and tells against a raw MessagePort echo and
// comlink, main thread to worker, in one process, in interleaved rounds (each
// round rotates the order within each group of measures, see below); then
// threadlink with metrics on and off, side by side (metrics-cost.ts).
// Graded against the project's goals (issue 11): ask_rtt_ratio ≤ 1.15,
// ask_pipelined_ratio ≥ 1.5, tells_ratio ≥ 2.0 (against raw one-way
// postMessage of the same payload), w2w_ratio ≤ 1.1.
// Prints tables and one JSON line of medians, spreads, the goal keys and
// metrics_cost_rpc_pct.

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { RpcService } from '../src/index.js';
import { BenchGateway } from './fixtures/rpc-bench-endpoint.js';
import { ThreadMetrics } from './fixtures/thread-metrics.js';
import { alternatingModes, metricsCost, type MetricsCost } from './metrics-cost.js';
import { median, medianAndSpread, minMax, printTable, round } from './stats.js';

const kRounds = Number(process.env.BENCH_ROUNDS ?? 7);
const kSequential = Number(process.env.BENCH_SEQUENTIAL ?? 5000);
const kPipelined = Number(process.env.BENCH_PIPELINED ?? 50_000);
const kInFlight = 256;
const kTells = Number(process.env.BENCH_TELLS ?? 200_000);
/** How often the "metrics on" phases dump every thread's metrics, as a Prometheus scrape does (its default is 15 s). */
const kScrapeMs = Number(process.env.BENCH_SCRAPE_MS ?? 1000);

type Echo = (value: number) => Promise<number>;

function rawEcho(port: MessagePort): Echo {
  const waiting = new Map<number, (value: number) => void>();
  let nextId = 0;
  port.on('message', (message: { id: number; value: number }) => {
    const resolve = waiting.get(message.id)!;
    waiting.delete(message.id);
    resolve(message.value);
  });
  return (value) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      port.postMessage({ id, value });
    });
}

/** One-way messages per second through a raw port, counted by the worker (the baseline of tells). */
async function rawTells(port: MessagePort, n: number): Promise<number> {
  const started = performance.now();
  const synced = new Promise<number>((resolve) => port.once('message', resolve));
  for (let i = 0; i < n; i++) port.postMessage(1);
  port.postMessage('sync');
  const total = await synced;
  if (total < n) throw new Error(`lost raw messages: ${total} of ${n}`);
  return n / ((performance.now() - started) / 1000);
}

/** Mean µs per sequential round trip. */
async function sequential(echo: Echo, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await echo(i);
  return ((performance.now() - started) * 1000) / n;
}

/** Round trips per second with `inFlight` calls outstanding at all times. */
async function pipelined(echo: Echo, n: number, inFlight: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  const lane = async () => {
    while (sent < n) {
      sent++;
      await echo(sent);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return n / ((performance.now() - started) / 1000);
}

/**
 * threadlink's asks and tells with metrics on and off, alternating in the same
 * run: "on" gives main and both workers a metric registry with the status
 * metrics (event-loop delay sampler included) and dumps all three every
 * kScrapeMs; "off" has none. The actor system's integer counters are always on.
 */
async function metricsOnOff(
  rpc: RpcService,
  gateways: readonly BenchGateway[],
  peerAddress: string,
): Promise<Record<string, MetricsCost>> {
  const local = new ThreadMetrics(rpc, 'main');
  const gatewayA = gateways[0]!;
  const samples: Record<string, { on: number[]; off: number[] }> = {};
  const add = (key: string, on: boolean, value: number) => {
    samples[key] ??= { on: [], off: [] };
    samples[key][on ? 'on' : 'off'].push(value);
  };
  let scrape: NodeJS.Timeout | undefined;
  const setMetrics = async (on: boolean) => {
    clearInterval(scrape);
    scrape = undefined;
    local.set(on);
    await Promise.all(gateways.map((gateway) => gateway.setMetrics(on)));
    if (on) {
      scrape = setInterval(() => {
        local.dump();
        for (const gateway of gateways) gateway.dumpMetrics().catch(() => {});
      }, kScrapeMs);
    }
  };
  const kOperations = { rtt: kSequential, pipelined: kPipelined, tells: kTells, workerToWorker: kSequential };
  const measures: Record<string, () => Promise<number>> = {
    rtt: () => sequential((v) => gatewayA.echo(v), kSequential),
    pipelined: () => pipelined((v) => gatewayA.echo(v), kPipelined, kInFlight),
    tells: async () => {
      const before = await gatewayA.counted();
      const started = performance.now();
      for (let i = 0; i < kTells; i++) gatewayA.count(1);
      const after = await gatewayA.counted();
      if (after - before !== kTells) throw new Error(`lost tells: ${after - before} of ${kTells}`);
      return kTells / ((performance.now() - started) / 1000);
    },
    workerToWorker: () => gatewayA.askPeer(peerAddress, kSequential),
  };
  try {
    // Pairs back to back, per measure, the mode that goes first alternating.
    for (let r = 0; r < kRounds; r++) {
      for (const [index, [key, measure]] of Object.entries(measures).entries()) {
        for (const on of alternatingModes(r + index)) {
          await setMetrics(on);
          const before = process.cpuUsage();
          add(key, on, await measure());
          const used = process.cpuUsage(before);
          // CPU time of the process (all three threads) per call: less at the mercy of other processes.
          add(`${key}Cpu`, on, (used.user + used.system) / kOperations[key as keyof typeof kOperations]);
        }
      }
    }
  } finally {
    clearInterval(scrape);
  }
  local.set(false);
  await Promise.all(gateways.map((gateway) => gateway.setMetrics(false)));
  return {
    rtt: metricsCost(samples.rtt!.on, samples.rtt!.off, false),
    pipelined: metricsCost(samples.pipelined!.on, samples.pipelined!.off, true),
    tells: metricsCost(samples.tells!.on, samples.tells!.off, true),
    workerToWorker: metricsCost(samples.workerToWorker!.on, samples.workerToWorker!.off, false),
    rttCpu: metricsCost(samples.rttCpu!.on, samples.rttCpu!.off, false),
    pipelinedCpu: metricsCost(samples.pipelinedCpu!.on, samples.pipelinedCpu!.off, false),
    tellsCpu: metricsCost(samples.tellsCpu!.on, samples.tellsCpu!.off, false),
    workerToWorkerCpu: metricsCost(samples.workerToWorkerCpu!.on, samples.workerToWorkerCpu!.off, false),
  };
}

async function main(): Promise<void> {
  const rpc = RpcService.create({ askTimeoutMs: 60_000 });
  const module = new URL('./fixtures/rpc-bench-endpoint.js', import.meta.url);
  const [a, b] = await Promise.all([rpc.spawnWorker(module), rpc.spawnWorker(module)]);
  const gatewayA = await rpc.connect(a!.result as string, BenchGateway);

  const raw = new MessageChannel();
  const rawTellsChannel = new MessageChannel();
  const comlinkChannel = new MessageChannel();
  const baseline = new Worker(new URL('./fixtures/raw-worker.js', import.meta.url), {
    workerData: { raw: raw.port2, rawTells: rawTellsChannel.port2, comlink: comlinkChannel.port2 },
    transferList: [raw.port2, rawTellsChannel.port2, comlinkChannel.port2],
  });
  const comlinkRemote = Comlink.wrap<{ echo: Echo }>(
    comlinkChannel.port1 as unknown as Parameters<typeof Comlink.wrap>[0],
  );

  const echoes: Record<string, Echo> = {
    raw: rawEcho(raw.port1),
    threadlink: (v) => gatewayA.echo(v),
    comlink: (v) => comlinkRemote.echo(v),
  };
  // Warm up every path.
  for (const echo of Object.values(echoes)) await sequential(echo, 2000);
  await gatewayA.askPeer(b!.result as string, 500);

  const samples: Record<string, number[]> = {};
  const add = (key: string, value: number) => (samples[key] ??= []).push(value);
  const threadlinkTells = async (): Promise<number> => {
    const before = await gatewayA.counted();
    const started = performance.now();
    for (let i = 0; i < kTells; i++) gatewayA.count(1);
    const after = await gatewayA.counted();
    if (after - before !== kTells) throw new Error(`lost tells: ${after - before} of ${kTells}`);
    return kTells / ((performance.now() - started) / 1000);
  };
  const roundTrips: [string, () => Promise<number>][] = [
    ...Object.entries(echoes).map(([name, echo]): [string, () => Promise<number>] => [
      `rtt.${name}`,
      () => sequential(echo, kSequential),
    ]),
    ['rtt.workerToWorker', () => gatewayA.askPeer(b!.result as string, kSequential)],
  ];
  const pipelines = Object.entries(echoes).map(([name, echo]): [string, () => Promise<number>] => [
    `pipelined.${name}`,
    () => pipelined(echo, name === 'comlink' ? kPipelined / 5 : kPipelined, kInFlight),
  ]);
  const tells: [string, () => Promise<number>][] = [
    ['tells.threadlink', threadlinkTells],
    ['tells.raw', () => rawTells(rawTellsChannel.port1, kTells)],
  ];
  for (let r = 0; r < kRounds; r++) {
    // Each round starts each group at the next measure: a measure that follows the
    // tells runs among their garbage, and one that always came first or last was
    // 5-20% off the others in this order.
    for (const group of [roundTrips, pipelines, tells]) {
      for (let i = 0; i < group.length; i++) {
        const [key, measure] = group[(r + i) % group.length]!;
        add(key, await measure());
      }
    }
  }

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const spread = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, minMax(v)]));
  const ratios = {
    ask_rtt_ratio: m['rtt.threadlink']! / m['rtt.raw']!,
    ask_pipelined_ratio: m['pipelined.threadlink']! / m['pipelined.raw']!,
    tells_ratio: m['tells.threadlink']! / m['tells.raw']!,
    w2w_ratio: m['rtt.workerToWorker']! / m['rtt.threadlink']!,
    pipelined_vs_comlink: m['pipelined.threadlink']! / m['pipelined.comlink']!,
  };
  const goalText = {
    ask_rtt_ratio: '<= 1.15',
    ask_pipelined_ratio: '>= 1.5',
    tells_ratio: '>= 2.0',
    w2w_ratio: '<= 1.1',
    pipelined_vs_comlink: '>= 5',
  };
  const goals = {
    ask_rtt_ratio: ratios.ask_rtt_ratio <= 1.15,
    ask_pipelined_ratio: ratios.ask_pipelined_ratio >= 1.5,
    tells_ratio: ratios.tells_ratio >= 2,
    w2w_ratio: ratios.w2w_ratio <= 1.1,
    pipelined_vs_comlink: ratios.pipelined_vs_comlink >= 5,
  };
  const withSpread = (key: string, digits = 2) => medianAndSpread(samples[key]!, digits);

  console.log(`Medians of ${kRounds} interleaved rounds (min–max over the rounds)`);
  printTable([
    {
      measure: 'round trip, µs (main → worker)',
      raw: withSpread('rtt.raw'),
      threadlink: withSpread('rtt.threadlink'),
      comlink: withSpread('rtt.comlink'),
    },
    {
      measure: `pipelined, ${kInFlight} in flight, calls/s`,
      raw: withSpread('pipelined.raw', 0),
      threadlink: withSpread('pipelined.threadlink', 0),
      comlink: withSpread('pipelined.comlink', 0),
    },
    {
      measure: 'one-way messages/s (raw postMessage; threadlink tells)',
      raw: withSpread('tells.raw', 0),
      threadlink: withSpread('tells.threadlink', 0),
      comlink: '-',
    },
    {
      measure: 'round trip, µs (worker → worker)',
      raw: '-',
      threadlink: withSpread('rtt.workerToWorker'),
      comlink: '-',
    },
  ]);
  console.log();
  printTable(
    Object.entries(ratios).map(([ratio, value]) => ({
      ratio,
      value: round(value),
      goal: goalText[ratio as keyof typeof goalText],
      met: goals[ratio as keyof typeof goals] ? 'yes' : 'NO',
    })),
  );
  const gatewayB = await rpc.connect(b!.result as string, BenchGateway);
  const costs = await metricsOnOff(rpc, [gatewayA, gatewayB], b!.result as string);
  const units = {
    rtt: 'µs',
    pipelined: 'calls/s',
    tells: 'tells/s',
    workerToWorker: 'µs',
    rttCpu: 'CPU µs/call',
    pipelinedCpu: 'CPU µs/call',
    tellsCpu: 'CPU µs/tell',
    workerToWorkerCpu: 'CPU µs/call',
  } as const;
  console.log(
    `\nMetrics on vs off (same run, ${kRounds} alternating rounds each, medians; "on" dumps every thread every ${kScrapeMs} ms)`,
  );
  printTable(
    Object.entries(costs).map(([measure, cost]) => ({
      measure: `${measure} (${units[measure as keyof typeof units]})`,
      on: round(cost.on, measure === 'pipelined' || measure === 'tells' ? 0 : 2),
      off: round(cost.off, measure === 'pipelined' || measure === 'tells' ? 0 : 2),
      'spread on %': cost.spreadOnPct,
      'spread off %': cost.spreadOffPct,
      'cost %': cost.costPct,
    })),
  );
  // One figure for the hot path: the median of the four wall-clock measures' costs (each is noisy on
  // its own), and the same over the CPU-time measures.
  const wallCosts = ['rtt', 'pipelined', 'tells', 'workerToWorker'].map((key) => costs[key]!.costPct);
  const cpuCosts = ['rttCpu', 'pipelinedCpu', 'tellsCpu', 'workerToWorkerCpu'].map(
    (key) => costs[key]!.costPct,
  );
  const metricsCostPct = round(median(wallCosts), 2);
  const metricsCpuCostPct = round(median(cpuCosts), 2);
  console.log(
    `  metrics cost: ${metricsCostPct}% wall clock, ${metricsCpuCostPct}% CPU time ` +
      `(goal < 5%: ${metricsCostPct < 5 ? 'met' : 'NOT met'} / ${metricsCpuCostPct < 5 ? 'met' : 'NOT met'})`,
  );
  console.log(
    JSON.stringify({
      bench: 'rpc',
      rounds: kRounds,
      node: process.version,
      medians: m,
      spread,
      ...Object.fromEntries(Object.entries(ratios).map(([key, value]) => [key, round(value, 3)])),
      goals,
      metrics_cost_rpc_pct: metricsCostPct,
      metrics_cost_rpc_cpu_pct: metricsCpuCostPct,
      metrics_cost_rpc: costs,
    }),
  );

  comlinkChannel.port1.close();
  rawTellsChannel.port1.close();
  raw.port1.close();
  await baseline.terminate();
  await rpc.closeAsync();
}

await main();
