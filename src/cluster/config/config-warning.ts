// A warning about a config file: returned as data, so that the CLI prints each on
// one line of stderr and tests can check them. Flink logs the same situations
// (GlobalConfiguration's "Error while trying to split key and value", a deprecated
// key in use) and silently keeps unknown keys.

export type ConfigWarningKind =
  /** A key threadlink does not read, perhaps a typo; kept in the configuration all the same. */
  | 'unknown-key'
  /** An old name of an option; it still works. */
  | 'deprecated-key'
  /** A key without a value (`key:`), ignored as Flink ignores it. */
  | 'no-value'
  /** A key given twice (also flat and nested); the later value wins. */
  | 'duplicate-key'
  /** Something the YAML parser warns about. */
  | 'yaml';

export interface ConfigWarning {
  readonly kind: ConfigWarningKind;
  readonly file: string;
  readonly line: number | undefined;
  readonly key: string | undefined;
  /** One line to print, starting with the file and line: `conf/config.yaml:4: unknown key …`. */
  readonly message: string;
}

export function configWarning(
  kind: ConfigWarningKind,
  where: { readonly file: string; readonly line: number | undefined; readonly key: string | undefined },
  detail: string,
): ConfigWarning {
  const at = where.line === undefined ? where.file : `${where.file}:${where.line}`;
  return { kind, file: where.file, line: where.line, key: where.key, message: `${at}: ${detail}` };
}
