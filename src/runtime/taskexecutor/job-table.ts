// The jobs a TaskExecutor serves, and the connection to each one's JobMaster.
// Mirrors Flink's DefaultJobTable: a job enters with its first slot request and
// leaves when it is closed; its connection comes and goes with its leader.
// Connections are found by JobID, and by the JobMaster's ResourceID, which is
// how heartbeats name them (a scan: a TaskExecutor serves a handful of jobs).

import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import type { JobID, JobMasterId, ResourceID } from '../types/ids.js';
import type { TaskManagerActions } from './task/task-manager-actions.js';
import type { TaskExecutionStateBatch } from './task-state-updates.js';

/** A registered JobMaster, as Flink's JobTable.Connection: what was agreed at registration. */
export interface JobManagerConnection {
  readonly jobId: JobID;
  readonly jobMasterId: JobMasterId;
  /** Fenced by `jobMasterId`. */
  readonly gateway: JobMasterGateway;
  readonly resourceId: ResourceID;
  /** The tasks submitted under this connection report through these. */
  readonly taskManagerActions: TaskManagerActions;
  /** Their state changes, on their way to the JobMaster. */
  readonly stateUpdates: TaskExecutionStateBatch;
}

export class JobTable {
  private readonly connections = new Map<JobID, JobManagerConnection | undefined>();

  has(jobId: JobID): boolean {
    return this.connections.has(jobId);
  }

  /** Adds a job without a connection; a job already here is left as it is. */
  add(jobId: JobID): void {
    if (!this.connections.has(jobId)) this.connections.set(jobId, undefined);
  }

  /** Takes the job out; returns its connection, which the caller closes. */
  remove(jobId: JobID): JobManagerConnection | undefined {
    const connection = this.connections.get(jobId);
    this.connections.delete(jobId);
    return connection;
  }

  jobIds(): JobID[] {
    return [...this.connections.keys()];
  }

  /** Makes `connection` its job's connection. The job must be here and have none. */
  connect(connection: JobManagerConnection): void {
    if (!this.connections.has(connection.jobId) || this.connections.get(connection.jobId)) {
      throw new Error(`Job ${connection.jobId} is not in the job table, or is connected already.`);
    }
    this.connections.set(connection.jobId, connection);
  }

  /** Drops `connection` if it is still its job's connection; false if it was not. */
  disconnect(connection: JobManagerConnection): boolean {
    if (this.connections.get(connection.jobId) !== connection) return false;
    this.connections.set(connection.jobId, undefined);
    return true;
  }

  getConnection(jobId: JobID): JobManagerConnection | undefined {
    return this.connections.get(jobId);
  }

  getConnectionByResourceId(resourceId: string): JobManagerConnection | undefined {
    for (const connection of this.connections.values()) {
      if (connection?.resourceId === resourceId) return connection;
    }
    return undefined;
  }

  /** Whether the job is connected to its JobMaster of session `jobMasterId`. */
  isConnected(jobId: JobID, jobMasterId: JobMasterId): boolean {
    return this.connections.get(jobId)?.jobMasterId === jobMasterId;
  }
}
