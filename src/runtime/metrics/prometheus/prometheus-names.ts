// Flink's Prometheus naming: `flink_` + the logical scope with `_` for `.`,
// then the metric name, with every character Prometheus does not allow
// replaced by `_`; the scope's variables become labels. Mirrors
// AbstractPrometheusReporter.getScopedName and its CHARACTER_FILTER, e.g.
// `flink_taskmanager_Status_Node_Memory_Heap_Used{host="…",tm_id="…"}`.

const kScopePrefix = 'flink';

function filter(text: string): string {
  return text.replace(/[^a-zA-Z0-9:_]/g, '_');
}

export function prometheusNameOf(logicalScope: string, metricName: string): string {
  return filter(`${kScopePrefix}_${logicalScope.split('.').join('_')}_${metricName}`);
}

export function labelNameOf(variable: string): string {
  const name = filter(variable);
  // A label may not start with a digit, nor with `__` (reserved).
  return /^[0-9]/.test(name) || name.startsWith('__') ? `_${name.replace(/^_+/, '')}` : name;
}
