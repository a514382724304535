// The keys the jobmanager and taskmanager processes and the CLI read, which no
// runtime component declares: Flink's JobManagerOptions (rpc address and port),
// RestOptions, TaskManagerOptions.HOST and MetricOptions, plus threadlink's own
// taskmanager.task-executors. Declared as ConfigOptions so that a config file's
// value is checked by the same convert that reads it.

import { integerOption, stringOption, type ConfigOption } from '../../runtime/configuration/config-option.js';
import { parseHost, parsePort } from './network-address.js';

/** `base` with a further check of its converted value; the check throws a TypeError saying why. */
function checked<T>(base: ConfigOption<T>, check: (value: T) => T): ConfigOption<T> {
  return Object.freeze({ ...base, convert: (raw) => check(base.convert(raw)) });
}

function hostOption(key: string, defaultValue: string, description: string): ConfigOption<string> {
  // '' is the unset default of an address that falls back to another one.
  return checked(stringOption(key, { defaultValue, description }), (host) =>
    host === '' ? host : parseHost(host.trim()),
  );
}

function portOption(key: string, defaultValue: number, description: string): ConfigOption<number> {
  return checked(integerOption(key, { defaultValue, description }), (port) => parsePort(String(port), 0));
}

export const JobManagerOptions = {
  ADDRESS: hostOption(
    'jobmanager.rpc.address',
    '127.0.0.1',
    "The JobManager's host: where it listens and where TaskManagers and clients dial it.",
  ),
  PORT: portOption(
    'jobmanager.rpc.port',
    6123,
    "The JobManager's RPC port (TCP with mutual TLS); 0 lets the system pick a free one.",
  ),
} as const;

export const StandaloneTaskManagerOptions = {
  HOST: hostOption(
    'taskmanager.host',
    '127.0.0.1',
    "A TaskManager's host: where its TaskExecutors listen and what the JobManager dials.",
  ),
  TASK_EXECUTORS: checked(
    integerOption('taskmanager.task-executors', {
      defaultValue: 1,
      description: "threadlink's own: TaskExecutors per TaskManager process, one worker thread each.",
    }),
    (count) => {
      if (count < 1) throw new TypeError(`${count} is not a whole number ≥ 1`);
      return count;
    },
  ),
} as const;

export const RestOptions = {
  PORT: portOption(
    'rest.port',
    8081,
    "The port of the JobManager's REST API and dashboard; 0 lets the system pick a free one.",
  ),
  ADDRESS: hostOption(
    'rest.address',
    '',
    'The host clients use to reach the REST endpoint; unset: the JobManager host.',
  ),
  BIND_ADDRESS: hostOption(
    'rest.bind-address',
    '',
    'The address the REST endpoint listens on; unset: the JobManager host.',
  ),
} as const;

export const MetricOptions = {
  PROMETHEUS_HOST: hostOption(
    'metrics.reporter.prom.host',
    '127.0.0.1',
    'The address the Prometheus reporter listens on; loopback unless set.',
  ),
  PROMETHEUS_PORT: checked(
    stringOption('metrics.reporter.prom.port', {
      defaultValue: '9249',
      description:
        "The Prometheus reporter's port, or a range such as 9250-9260 (one per process); " +
        'the reporter runs only when this key is set.',
    }),
    (text) => {
      const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
      const from = range ? parsePort(range[1]!, 0) : NaN;
      const to = range?.[2] === undefined ? from : parsePort(range[2], 0);
      if (!(from <= to)) throw new TypeError(`'${text}' is not a port or a port range such as 9250-9260`);
      return text.trim();
    },
  ),
} as const;
