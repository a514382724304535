// The help texts of `threadlink` and of each of its commands, printed by --help.
// Kept apart from the parser so that each stays short; test/cluster/cli-arguments
// checks that every option a command parses is in its text.

export type CliCommandName = 'run' | 'jobmanager' | 'taskmanager' | 'list' | 'cancel';

const kConfigOption = `  --config <file>           a Flink config file (YAML: config.yaml, nested or
                            flat, or flink-conf.yaml); flags override its keys`;

const kJobManagerOption = (
  fallback: string,
) => `  --jobmanager <HOST:PORT>  the cluster's JobManager${fallback}; an IPv6
                            host goes in brackets: [::1]:6123`;

export const kUsage = `Usage: threadlink run <module> [options]      run a job and print its results
       threadlink jobmanager [options]        start a JobManager process
       threadlink taskmanager [options]       start a TaskManager process
       threadlink list [options]              list a cluster's jobs
       threadlink cancel <JOBID> [options]    cancel a job
       threadlink <command> --help            the options of a command

\`run\` starts an embedded cluster for its job, or with --jobmanager HOST:PORT
submits it to a standalone cluster: one \`threadlink jobmanager\` and any number
of \`threadlink taskmanager --jobmanager HOST:PORT\` processes. The jobmanager
serves the REST API and a web dashboard on rest.port (default 8081);
\`run --dashboard\` serves them for the embedded cluster.

Every command takes --config <file>, a Flink config file. Flags override its
keys, and its keys override the defaults.

Exit codes: 0 success, 1 the job or the command failed, 2 bad command line or
config file.

Example:
  threadlink run ./tasks.js --export square --tasks 8 --task-executors 4
`;

const kRunUsage = `Usage: threadlink run <module> [options]

Runs <module>'s export once per task, each task in a worker thread of a
TaskExecutor's slot, and prints the tasks' results, in task order, as one JSON
array on stdout. Logs and progress go to stderr. The tasks run on an embedded
cluster started for the job, or with --jobmanager on that cluster.

  <module>                  a path (relative to the current directory) or a
                            file: or data: URL of an ES module

Options:
  --export <name>           the function to call (default: default)
  --tasks <N>               how many tasks (default: 1)
  --task-executors <M>      TaskExecutors of the embedded cluster, one worker
                            thread each (default: taskmanager.task-executors,
                            else 1)
  --slots <S>               slots per TaskExecutor of the embedded cluster
                            (default: taskmanager.numberOfTaskSlots, else 1)
  --args <JSON array>       arguments of every task; without it, task i is
                            called with (i, N)
  --restart-attempts <A>    restarts of a failed task before the job fails
                            (default: 0)
  --restart-delay <MS>      milliseconds before a restart (default: 0)
  --dashboard               serve the embedded cluster's REST API and
                            dashboard while the job runs, and print its URL
                            (port: rest.port if set, else a free one)
${kJobManagerOption(' to submit to, instead of\n                            an embedded cluster')}
${kConfigOption}
  -h, --help                print this help

Exit codes: 0 the job finished, 1 the job failed, 2 bad command line.

Example:
  threadlink run ./tasks.js --export square --tasks 8 --task-executors 4
`;

const kJobManagerUsage = `Usage: threadlink jobmanager [options]

Starts a JobManager process, which TaskManagers join and clients submit jobs to,
over TCP (mutual TLS with the security.ssl.internal.* keys).

Options:
  --host <H>                the host it listens on and TaskManagers dial
                            (default: jobmanager.rpc.address, else 127.0.0.1)
  --port <P>                the RPC port (default: jobmanager.rpc.port, else
                            6123); 0 picks a free one
  --rest-port <R>           the port of the REST API and dashboard (default:
                            rest.port, else 8081); 0 picks a free one
${kConfigOption}
  -h, --help                print this help

Example:
  threadlink jobmanager --host 10.0.0.5 --config conf/config.yaml
`;

const kTaskManagerUsage = `Usage: threadlink taskmanager --jobmanager <HOST:PORT> [options]

Starts a TaskManager process: TaskExecutors, one worker thread each, that
register at the JobManager and run the tasks it deploys in their slots.

Options:
${kJobManagerOption(' to join (default:\n                            jobmanager.rpc.address and jobmanager.rpc.port)')}
  --task-executors <N>      TaskExecutors (default: taskmanager.task-executors,
                            else 1)
  --slots <S>               slots per TaskExecutor (default:
                            taskmanager.numberOfTaskSlots, else 1)
  --host <H>                the host its TaskExecutors listen on and the
                            JobManager dials (default: taskmanager.host, else
                            127.0.0.1)
${kConfigOption}
  -h, --help                print this help

Example:
  threadlink taskmanager --jobmanager 10.0.0.5:6123 --task-executors 4 --slots 2
`;

const kListUsage = `Usage: threadlink list --jobmanager <HOST:PORT> | --rest <HOST:PORT> [options]

Lists the cluster's jobs.

Options:
${kJobManagerOption(' (default:\n                            jobmanager.rpc.address and jobmanager.rpc.port)')}
  --rest <HOST:PORT>        the cluster's REST API instead (its rest.port);
                            HTTPS with security.ssl.rest.*
${kConfigOption}
  -h, --help                print this help
`;

const kCancelUsage = `Usage: threadlink cancel <JOBID> --jobmanager <HOST:PORT> | --rest <HOST:PORT> [options]

Cancels a job of the cluster.

  <JOBID>                   the job's id, as \`threadlink list\` prints it

Options:
${kJobManagerOption(' (default:\n                            jobmanager.rpc.address and jobmanager.rpc.port)')}
  --rest <HOST:PORT>        the cluster's REST API instead (its rest.port);
                            HTTPS with security.ssl.rest.*
${kConfigOption}
  -h, --help                print this help
`;

export const kCommandUsage: Readonly<Record<CliCommandName, string>> = {
  run: kRunUsage,
  jobmanager: kJobManagerUsage,
  taskmanager: kTaskManagerUsage,
  list: kListUsage,
  cancel: kCancelUsage,
};

/** The help of `command`, or the list of commands. */
export function usageOf(command?: CliCommandName): string {
  return command === undefined ? kUsage : kCommandUsage[command];
}
