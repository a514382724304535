// Reads Prometheus text exposition format strictly: every line is a HELP, a
// TYPE or a sample `name{label="value",…} value`, or the test fails. Enough of
// the format (version 0.0.4) to check what our reporter writes.

import { get } from 'node:http';

export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const kName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const kLabel = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const kSample = new RegExp(`^(${kName})(?:\\{((?:${kLabel})(?:,${kLabel})*)?,?\\})? (\\S+)(?: -?\\d+)?$`);
const kHelp = new RegExp(`^# HELP (${kName}) .*$`);
const kType = new RegExp(`^# TYPE (${kName}) (counter|gauge|histogram|summary|untyped)$`);

// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case;
// prom-client writes NaN as `Nan`.
function numberOf(text: string, line: string): number {
  if (/^nan$/i.test(text)) return NaN;
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (!/^-?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)$/i.test(text)) throw new Error(`Not a sample value in: ${line}`);
  return Number(text);
}

export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || kHelp.test(line) || kType.test(line)) continue;
    const match = kSample.exec(line);
    if (!match) throw new Error(`Not a line of the Prometheus text format: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const labelPattern = new RegExp(kLabel, 'g');
    for (const [, name, value] of (match[2] ?? '').matchAll(labelPattern)) {
      labels[name!] = value!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({ name: match[1]!, labels, value: numberOf(match[match.length - 1]!, line) });
  }
  return samples;
}

/** GET over a fresh connection (no keep-alive agent left behind); resolves with status, type and body. */
export function httpGet(url: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type']),
          body,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
