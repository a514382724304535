// Key/value configuration read through typed ConfigOptions, mirroring Flink's
// Configuration. A lookup tries the option's key, then its fallback keys, then its
// deprecated keys, then the default. `toMap()` gives plain data for another thread.

import type { ConfigOption, ConfigValue } from './config-option.js';
import { IllegalConfigurationError } from './illegal-configuration-error.js';

export class Configuration {
  private readonly values = new Map<string, ConfigValue>();

  constructor(entries?: Readonly<Record<string, ConfigValue>>) {
    if (entries) for (const [key, value] of Object.entries(entries)) this.setString(key, value);
  }

  static fromMap(entries: Readonly<Record<string, ConfigValue>>): Configuration {
    return new Configuration(entries);
  }

  /** The option's value, or its default. Throws IllegalConfigurationError if the stored value does not parse. */
  get<T>(option: ConfigOption<T>): T {
    const found = this.find(option);
    return found === undefined ? option.defaultValue : this.convert(option, found);
  }

  /** The option's value if one is set under any of its keys; never the default. */
  getOptional<T>(option: ConfigOption<T>): T | undefined {
    const found = this.find(option);
    return found === undefined ? undefined : this.convert(option, found);
  }

  contains(option: ConfigOption<unknown>): boolean {
    return this.find(option) !== undefined;
  }

  set<T extends ConfigValue>(option: ConfigOption<T>, value: T): this {
    this.values.set(option.key, value);
    return this;
  }

  /** Stores a raw value under any key, as a configuration file would. */
  setString(key: string, value: ConfigValue): this {
    this.values.set(key, value);
    return this;
  }

  remove(option: ConfigOption<unknown>): boolean {
    return this.values.delete(option.key);
  }

  toMap(): Record<string, ConfigValue> {
    return Object.fromEntries(this.values);
  }

  private find(option: ConfigOption<unknown>): { key: string; raw: ConfigValue } | undefined {
    for (const key of [option.key, ...option.fallbackKeys, ...option.deprecatedKeys]) {
      const raw = this.values.get(key);
      if (raw !== undefined) return { key, raw };
    }
    return undefined;
  }

  private convert<T>(option: ConfigOption<T>, found: { key: string; raw: ConfigValue }): T {
    try {
      return option.convert(found.raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new IllegalConfigurationError(
        `Could not parse value '${String(found.raw)}' for key '${found.key}': ${reason}.`,
        { cause: error },
      );
    }
  }
}
