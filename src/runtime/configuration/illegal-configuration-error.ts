// Thrown when a configuration value cannot be parsed or breaks a rule. Mirrors
// Flink's IllegalConfigurationException; the message names the key and the value.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

export class IllegalConfigurationError extends FlinkError {
  static override readonly code = 'ERR_ILLEGAL_CONFIGURATION';

  /** `Invalid configuration value for <key> : <value> - <reason>`, Flink's wording. */
  static invalidValue(key: string, value: unknown, reason: string): IllegalConfigurationError {
    return new IllegalConfigurationError(
      `Invalid configuration value for ${key} : ${String(value)} - ${reason}`,
    );
  }
}
registerErrorClasses(IllegalConfigurationError);
