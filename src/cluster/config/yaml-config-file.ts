// Reads a config file's text into flat `key → value` entries, with the line of
// each key. Flink 1.19+'s config.yaml nests maps (`heartbeat: {timeout: 5 s}`);
// the legacy flink-conf.yaml is flat; nested maps are flattened into dotted keys,
// so both read the same (Flink: YamlParserUtils and GlobalConfiguration.flatten).
//
// The parser is the npm `yaml` package (v2): YAML 1.2 as Flink's snakeyaml-engine
// reads it, no dependencies of its own, runs on Node 20, and gives the line of
// every node and error, so each message can point into the file.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';

import type { ConfigValue } from '../../runtime/configuration/config-option.js';
import { ConfigFileError } from './cli-usage-error.js';
import { configWarning, type ConfigWarning } from './config-warning.js';

export interface ConfigFileEntry {
  readonly key: string;
  readonly value: ConfigValue;
  readonly line: number | undefined;
}

export interface ParsedConfigFile {
  /** One entry per key, in file order; a repeated key keeps its later value. */
  readonly entries: readonly ConfigFileEntry[];
  readonly warnings: readonly ConfigWarning[];
}

/** Parses `text`, the contents of `file` (named in messages); throws ConfigFileError. */
export function parseYamlConfig(text: string, file: string): ParsedConfigFile {
  const lines = new LineCounter();
  // Repeated keys are not an error: a flat file repeats a key to override it, as Flink's legacy parser allowed.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const lineOf = (node: { range?: readonly number[] | null | undefined } | null | undefined) => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  const [error] = doc.errors;
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    throw new ConfigFileError(
      { file, problem: 'syntax', line },
      `not valid YAML: ${firstLine(error.message)}.`,
    );
  }
  const warnings: ConfigWarning[] = doc.warnings.map((warning) =>
    configWarning(
      'yaml',
      { file, line: lines.linePos(warning.pos[0]).line, key: undefined },
      firstLine(warning.message),
    ),
  );
  const entries = new Map<string, ConfigFileEntry>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { entries: [], warnings };
  if (!isMap(root)) {
    throw new ConfigFileError(
      { file, problem: 'not-a-map', line: lineOf(root) },
      `expected a map of keys to values, found ${isSeq(root) ? 'a list' : 'a single value'}.`,
    );
  }

  const visit = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const line = lineOf(keyNode);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        throw new ConfigFileError(
          { file, problem: 'not-a-map', line },
          'expected a key name, found a list, a map or nothing.',
        );
      }
      const key = `${prefix}${String(keyNode.value)}`;
      const valueNode = resolved(doc, pair.value as Node | null);
      if (isMap(valueNode) && valueNode.items.length > 0) {
        visit(valueNode, `${key}.`);
        continue;
      }
      const value = configValueOf(doc, valueNode);
      if (value === undefined) {
        warnings.push(configWarning('no-value', { file, line, key }, `${key} has no value; ignored.`));
        continue;
      }
      const earlier = entries.get(key);
      if (earlier) {
        warnings.push(
          configWarning(
            'duplicate-key',
            { file, line, key },
            `${key} is given again (first on line ${earlier.line ?? '?'}); this later value wins.`,
          ),
        );
        entries.delete(key); // so the entry moves to its later place in file order
      }
      entries.set(key, { key, value, line });
    }
  };
  visit(root, '');
  return { entries: [...entries.values()], warnings };
}

function resolved(doc: Document, node: Node | null): Node | null {
  return isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}

/** A scalar as it is; a list of scalars joined with commas (the quorum's `host:port,host:port`); anything else as JSON. */
function configValueOf(doc: Document, node: Node | null): ConfigValue | undefined {
  if (node === null) return undefined;
  if (isScalar(node)) return scalarValue(node.value, node.source);
  if (isSeq(node)) {
    const items = node.items.map((item) => resolved(doc, item as Node | null));
    if (items.every((item) => isScalar(item) && item.value !== null && typeof item.value !== 'object')) {
      return items
        .map((item) => String(scalarValue((item as { value: unknown }).value, undefined)))
        .join(',');
    }
  }
  if (isMap(node) && node.items.length === 0) return undefined;
  return JSON.stringify(node.toJSON(doc));
}

function scalarValue(value: unknown, source: string | undefined): ConfigValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // `0123`, `1.10` or `0x10` would lose their text as numbers; a string option keeps what was written.
    return source !== undefined && source !== String(value) ? source : value;
  }
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').replace(/[.:]$/, '');
}
