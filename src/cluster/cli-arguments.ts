// The command line of `threadlink`, parsed into a CliCommand: pure functions (the
// only I/O is reading the task module's and the --config file's existence and
// text), so they are tested without starting anything. Mirrors Flink's
// CliFrontendParser: first the action, then its options; a bad command line or
// config file is a usage error (exit code 2), never a failed job.

import type { ConfigValue } from '../runtime/configuration/config-option.js';
import { Configuration } from '../runtime/configuration/configuration.js';
import { HighAvailabilityMode } from '../runtime/highavailability/high-availability-mode.js';
import { TaskManagerOptions } from '../runtime/configuration/task-manager-options.js';
import type { JobID } from '../runtime/types/ids.js';
import {
  argsOf,
  exportNameOf,
  helpAsked,
  hostFlag,
  hostPortFlag,
  jobIdOf,
  parseOrThrow,
  portFlag,
  resolveTaskModule,
  wholeNumber,
  withValuesJoined,
} from './cli-flags.js';
import { kCommandUsage, type CliCommandName } from './cli-usage.js';
import { CliUsageError } from './config/cli-usage-error.js';
import {
  loadClusterConfiguration,
  withOverrides,
  type ClusterConfiguration,
  type LoadConfigurationOptions,
} from './config/cluster-configuration.js';
import { JobManagerOptions, RestOptions, StandaloneTaskManagerOptions } from './config/entrypoint-options.js';
import type { HostPort } from './config/network-address.js';

export { CliUsageError, ConfigFileError } from './config/cli-usage-error.js';
export type { ConfigFileProblem } from './config/cli-usage-error.js';
export type { ClusterConfiguration } from './config/cluster-configuration.js';
export type { ConfigWarning } from './config/config-warning.js';
export type { HostPort } from './config/network-address.js';
export { kUsage, usageOf, type CliCommandName } from './cli-usage.js';
export { resolveTaskModule } from './cli-flags.js';

export interface CliHelpCommand {
  readonly kind: 'help';
  /** The command whose options to print (`threadlink run --help`); absent for the list of commands. */
  readonly command?: CliCommandName;
}

/** `threadlink run <module>`: a job on an embedded cluster, or on the one at `jobManager`. */
export interface CliRunCommand {
  readonly kind: 'run';
  /** The task module as a `file:` or `data:` URL. */
  readonly module: string;
  readonly exportName: string;
  readonly tasks: number;
  /** The embedded cluster's TaskExecutors; unused with `jobManager`. */
  readonly taskExecutors: number;
  /** The embedded cluster's slots per TaskExecutor; unused with `jobManager`. */
  readonly slotsPerTaskExecutor: number;
  /** From `--args`: the arguments of every task. Without it, task i is called with `(i, tasks)`. */
  readonly args: readonly unknown[] | undefined;
  readonly restartAttempts: number;
  readonly restartDelayMs: number;
  /** From `--jobmanager`: submit to that cluster instead of starting an embedded one. */
  readonly jobManager: HostPort | undefined;
  /** From `--dashboard`: the embedded cluster serves the REST API and dashboard while the job runs. */
  readonly dashboard: boolean;
  readonly configuration: ClusterConfiguration;
}

/** `threadlink jobmanager`: a JobManager process listening on `host:port`. */
export interface CliJobManagerCommand {
  readonly kind: 'jobmanager';
  readonly host: string;
  /** The RPC port; 0 lets the system pick one. */
  readonly port: number;
  /** The port of the REST API and dashboard; 0 lets the system pick one. */
  readonly restPort: number;
  readonly configuration: ClusterConfiguration;
}

/** `threadlink taskmanager`: a TaskManager process of `taskExecutors` TaskExecutors that joins `jobManager`. */
export interface CliTaskManagerCommand {
  readonly kind: 'taskmanager';
  readonly jobManager: HostPort;
  readonly taskExecutors: number;
  /** Slots per TaskExecutor. */
  readonly slots: number;
  /** This process's bind and advertised host. */
  readonly host: string;
  readonly configuration: ClusterConfiguration;
}

/** Where list and cancel go: the JobManager's RPC port, or its REST API (`--rest HOST:PORT`). */
export type CliClusterTarget =
  | { readonly jobManager: HostPort; readonly rest?: undefined; readonly configuration: ClusterConfiguration }
  | {
      readonly rest: HostPort;
      readonly jobManager?: undefined;
      readonly configuration: ClusterConfiguration;
    };

/** `threadlink list`: the jobs of the cluster at `jobManager` or `rest`. */
export type CliListCommand = { readonly kind: 'list' } & CliClusterTarget;

/** `threadlink cancel <JOBID>`: cancels a job of the cluster at `jobManager` or `rest`. */
export type CliCancelCommand = { readonly kind: 'cancel'; readonly jobId: JobID } & CliClusterTarget;

export type CliCommand =
  | CliHelpCommand
  | CliRunCommand
  | CliJobManagerCommand
  | CliTaskManagerCommand
  | CliListCommand
  | CliCancelCommand;

export interface CliParseOptions extends LoadConfigurationOptions {
  /** Where relative module and config paths start. Default: process.cwd(). */
  readonly cwd?: string;
}

const kHelp = { help: { type: 'boolean', short: 'h' } } as const;
const kConfig = { config: { type: 'string' } } as const;
const kJobManager = { jobmanager: { type: 'string' } } as const;
const kRest = { rest: { type: 'string' } } as const;

const kOptions = {
  run: {
    export: { type: 'string' },
    tasks: { type: 'string' },
    'task-executors': { type: 'string' },
    slots: { type: 'string' },
    args: { type: 'string' },
    'restart-attempts': { type: 'string' },
    'restart-delay': { type: 'string' },
    dashboard: { type: 'boolean' },
    ...kJobManager,
    ...kConfig,
    ...kHelp,
  },
  jobmanager: {
    host: { type: 'string' },
    port: { type: 'string' },
    'rest-port': { type: 'string' },
    ...kConfig,
    ...kHelp,
  },
  taskmanager: {
    ...kJobManager,
    'task-executors': { type: 'string' },
    slots: { type: 'string' },
    host: { type: 'string' },
    ...kConfig,
    ...kHelp,
  },
  list: { ...kJobManager, ...kRest, ...kConfig, ...kHelp },
  cancel: { ...kJobManager, ...kRest, ...kConfig, ...kHelp },
} as const;

function isCommandName(name: string): name is CliCommandName {
  return Object.hasOwn(kCommandUsage, name);
}

/** Parses the arguments after `threadlink` (process.argv.slice(2)) into any command; throws CliUsageError. */
export function parseCommandLine(argv: readonly string[], options: CliParseOptions = {}): CliCommand {
  const [name, ...rest] = argv;
  if (name === undefined) {
    throw new CliUsageError('Missing command: expected run, jobmanager, taskmanager, list or cancel.');
  }
  if (name === 'help') {
    const [topic] = rest;
    if (topic === undefined) return { kind: 'help' };
    if (!isCommandName(topic)) throw unknownCommand(topic);
    return { kind: 'help', command: topic };
  }
  if (name.startsWith('-')) {
    if (helpAsked(argv)) return { kind: 'help' };
    throw new CliUsageError(`Missing command before '${name}': expected \`threadlink <command> [options]\`.`);
  }
  if (!isCommandName(name)) throw unknownCommand(name);
  const args = withValuesJoined(rest, kOptions[name]);
  if (helpAsked(args)) return { kind: 'help', command: name };
  const cwd = options.cwd ?? process.cwd();
  const load = (file: string | undefined) => loadClusterConfiguration(file, { ...options, cwd });
  switch (name) {
    case 'run':
      return parseRun(args, cwd, load);
    case 'jobmanager':
      return parseJobManager(args, load);
    case 'taskmanager':
      return parseTaskManager(args, load);
    case 'list': {
      const { values } = parseOrThrow(args, kOptions.list, 0);
      return { kind: 'list', ...clusterTarget('list', values, load) };
    }
    case 'cancel': {
      const { values, positionals } = parseOrThrow(args, kOptions.cancel, 1);
      const jobId = jobIdOf(positionals[0]);
      return { kind: 'cancel', jobId, ...clusterTarget('cancel', values, load) };
    }
  }
}

type LoadConfiguration = (file: string | undefined) => ClusterConfiguration;

function parseRun(args: string[], cwd: string, load: LoadConfiguration): CliRunCommand {
  const { values, positionals } = parseOrThrow(args, kOptions.run, 1, '<module>');
  const module = positionals[0];
  if (module === undefined) throw new CliUsageError('Missing <module>: `threadlink run <module>`.');
  const tasks = wholeNumber(values.tasks, '--tasks', 1) ?? 1;
  const taskExecutors = wholeNumber(values['task-executors'], '--task-executors', 1);
  const slots = wholeNumber(values.slots, '--slots', 1);
  const jobManager = hostPortFlag(values.jobmanager);
  if (jobManager !== undefined && (taskExecutors !== undefined || slots !== undefined)) {
    const flag = taskExecutors !== undefined ? '--task-executors' : '--slots';
    throw new CliUsageError(`${flag} sizes the embedded cluster; the cluster at --jobmanager has its own.`);
  }
  const dashboard = values.dashboard ?? false;
  if (jobManager !== undefined && dashboard) {
    throw new CliUsageError(
      '--dashboard serves the embedded cluster; the cluster at --jobmanager serves its own.',
    );
  }
  const resolvedModule = resolveTaskModule(module, cwd);
  const exportName = exportNameOf(values.export);
  const taskArgs = values.args === undefined ? undefined : argsOf(values.args);
  const restartAttempts = wholeNumber(values['restart-attempts'], '--restart-attempts', 0) ?? 0;
  const restartDelayMs = wholeNumber(values['restart-delay'], '--restart-delay', 0) ?? 0;
  const configuration = withOverrides(load(values.config), {
    ...jobManagerKeys(jobManager),
    [StandaloneTaskManagerOptions.TASK_EXECUTORS.key]: taskExecutors,
    [TaskManagerOptions.NUM_TASK_SLOTS.key]: slots,
  });
  const conf = new Configuration(configuration.values);
  // A config file with ZooKeeper HA names a running cluster: run submits to its leader.
  const haCluster = HighAvailabilityMode.isHighAvailabilityModeActivated(conf)
    ? { host: conf.get(JobManagerOptions.ADDRESS), port: conf.get(JobManagerOptions.PORT) }
    : undefined;
  return {
    kind: 'run',
    module: resolvedModule,
    exportName,
    tasks,
    taskExecutors: conf.get(StandaloneTaskManagerOptions.TASK_EXECUTORS),
    slotsPerTaskExecutor: slotsOf(conf),
    args: taskArgs,
    restartAttempts,
    restartDelayMs,
    jobManager: jobManager ?? haCluster,
    dashboard,
    configuration,
  };
}

function parseJobManager(args: string[], load: LoadConfiguration): CliJobManagerCommand {
  const { values } = parseOrThrow(args, kOptions.jobmanager, 0);
  const host = hostFlag(values.host, '--host');
  const port = portFlag(values.port, '--port');
  const restPort = portFlag(values['rest-port'], '--rest-port');
  const configuration = withOverrides(load(values.config), {
    [JobManagerOptions.ADDRESS.key]: host,
    [JobManagerOptions.PORT.key]: port,
    [RestOptions.PORT.key]: restPort,
  });
  const conf = new Configuration(configuration.values);
  return {
    kind: 'jobmanager',
    host: dialable(
      conf.get(JobManagerOptions.ADDRESS),
      host === undefined ? JobManagerOptions.ADDRESS.key : '--host',
    ),
    port: conf.get(JobManagerOptions.PORT),
    restPort: conf.get(RestOptions.PORT),
    configuration,
  };
}

function parseTaskManager(args: string[], load: LoadConfiguration): CliTaskManagerCommand {
  const { values } = parseOrThrow(args, kOptions.taskmanager, 0);
  const jobManager = hostPortFlag(values.jobmanager);
  const taskExecutors = wholeNumber(values['task-executors'], '--task-executors', 1);
  const slots = wholeNumber(values.slots, '--slots', 1);
  const host = hostFlag(values.host, '--host');
  const configuration = withOverrides(load(values.config), {
    [StandaloneTaskManagerOptions.TASK_EXECUTORS.key]: taskExecutors,
    [TaskManagerOptions.NUM_TASK_SLOTS.key]: slots,
    [StandaloneTaskManagerOptions.HOST.key]: host,
  });
  const remote = remoteCluster('taskmanager', jobManager, configuration);
  const conf = new Configuration(remote.configuration.values);
  return {
    kind: 'taskmanager',
    jobManager: remote.jobManager,
    taskExecutors: conf.get(StandaloneTaskManagerOptions.TASK_EXECUTORS),
    slots: slotsOf(conf),
    host: dialable(
      conf.get(StandaloneTaskManagerOptions.HOST),
      host === undefined ? StandaloneTaskManagerOptions.HOST.key : '--host',
    ),
    configuration: remote.configuration,
  };
}

/** --rest HOST:PORT (the REST API), or else the JobManager as remoteCluster finds it. */
function clusterTarget(
  command: CliCommandName,
  values: { jobmanager?: string | undefined; rest?: string | undefined; config?: string | undefined },
  load: LoadConfiguration,
): CliClusterTarget {
  if (values.rest === undefined)
    return remoteCluster(command, hostPortFlag(values.jobmanager), load(values.config));
  if (values.jobmanager !== undefined) {
    throw new CliUsageError(`${command} takes --jobmanager or --rest, not both.`);
  }
  return { rest: hostPortFlag(values.rest, '--rest')!, configuration: load(values.config) };
}

/**
 * The JobManager a command talks to: --jobmanager, else the config file's
 * jobmanager.rpc.address (and port), as Flink's clients find it; the flag is
 * written into the configuration so that both say the same.
 */
function remoteCluster(
  command: CliCommandName,
  fromFlag: HostPort | undefined,
  configuration: ClusterConfiguration,
): { jobManager: HostPort; configuration: ClusterConfiguration } {
  if (fromFlag !== undefined) {
    return { jobManager: fromFlag, configuration: withOverrides(configuration, jobManagerKeys(fromFlag)) };
  }
  const conf = new Configuration(configuration.values);
  // With ZooKeeper HA the leader is found through the quorum; the address is only a default.
  if (HighAvailabilityMode.isHighAvailabilityModeActivated(conf)) {
    return {
      jobManager: { host: conf.get(JobManagerOptions.ADDRESS), port: conf.get(JobManagerOptions.PORT) },
      configuration,
    };
  }
  if (!conf.contains(JobManagerOptions.ADDRESS)) {
    throw new CliUsageError(
      `${command} needs --jobmanager HOST:PORT, or jobmanager.rpc.address in a --config file.`,
    );
  }
  const jobManager = { host: conf.get(JobManagerOptions.ADDRESS), port: conf.get(JobManagerOptions.PORT) };
  if (jobManager.port === 0) {
    throw new CliUsageError(
      `${configuration.file}: jobmanager.rpc.port 0 cannot be dialed; give --jobmanager HOST:PORT.`,
    );
  }
  return { jobManager, configuration };
}

function jobManagerKeys(jobManager: HostPort | undefined): Record<string, ConfigValue | undefined> {
  return {
    [JobManagerOptions.ADDRESS.key]: jobManager?.host,
    [JobManagerOptions.PORT.key]: jobManager?.port,
  };
}

/**
 * A process's host is both where it listens and what the others dial, so it
 * cannot be the wildcard address (RemoteOptions would want an advertised host).
 */
function dialable(host: string, source: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  throw new CliUsageError(
    `${source} ${host} is every interface, not an address others can dial; give this host's address.`,
  );
}

/** taskmanager.numberOfTaskSlots, where -1 (common in old Flink configs) means 1, as Flink reads it. */
function slotsOf(conf: Configuration): number {
  const slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
  return slots === -1 ? 1 : slots;
}

function unknownCommand(name: string): CliUsageError {
  return new CliUsageError(
    `Unknown command '${name}': expected run, jobmanager, taskmanager, list or cancel.`,
  );
}
