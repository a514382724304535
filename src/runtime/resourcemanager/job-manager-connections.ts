// The ResourceManager's side of its JobMasters: who is registered for which job,
// the heartbeats it sends them, and how a connection closes. Mirrors the
// JobMaster half of Flink's ResourceManager (jobManagerRegistrations,
// jmResourceIdRegistrations, jobManagerHeartbeatManager with its
// JobManagerHeartbeatListener, registerJobMasterInternal and
// closeJobManagerConnection); the endpoint keeps the RPCs and the connect-back.
//
// Unlike Flink, a JobMaster lost to a heartbeat timeout or that disconnects
// takes its job's declared requirements with it: there is no JobLeaderIdService
// here to drop them later, and a JobMaster declares again when it reconnects.
// A new leader for the job keeps them, as in Flink, until it declares its own.

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { HeartbeatListener } from '../heartbeat/heartbeat-listener.js';
import { heartbeatLossListener } from '../heartbeat/heartbeat-loss-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import { ResourceID, type JobID, type ResourceManagerId } from '../types/ids.js';
import { RegistrationResponse, type JobMasterRegistrationResponse } from '../types/registration-response.js';
import { jobMasterHeartbeatSender } from './job-master-heartbeat-sender.js';
import type { JobManagerRegistration } from './job-manager-registration.js';
import {
  JobManagerHeartbeatTimeoutError,
  JobManagerUnreachableError,
  ResourceManagerError,
} from './resource-manager-errors.js';
import type { SlotManager } from './slotmanager/slot-manager.js';

const log = getLogger('resourcemanager');

export interface JobManagerConnectionsContext {
  readonly resourceManagerId: ResourceManagerId;
  /** The ResourceManager's own ResourceID, the origin of its heartbeats. */
  readonly resourceId: ResourceID;
  readonly heartbeatServices: HeartbeatServices;
  /** Runs heartbeat timers in the ResourceManager's main thread. */
  readonly scheduledExecutor: ScheduledExecutor;
  readonly slotManager: SlotManager;
  /** Runs a task in the ResourceManager's main thread. */
  readonly runAsync: (task: () => void) => void;
}

/** How a JobMaster connection closes. */
export interface CloseOptions {
  /** Call the JobMaster's disconnectResourceManager (not when it left by itself). */
  readonly tellJobMaster: boolean;
  /** Forget the job's declared requirements in the slot manager. */
  readonly clearRequirements: boolean;
}

export class JobManagerConnections {
  private readonly byJob = new Map<JobID, JobManagerRegistration>();
  private readonly byResourceId = new Map<ResourceID, JobManagerRegistration>();
  private readonly heartbeatManager: HeartbeatManager<void, void>;

  constructor(private readonly context: JobManagerConnectionsContext) {
    this.heartbeatManager = context.heartbeatServices.createHeartbeatManagerSender(
      context.resourceId,
      this.heartbeatListener(),
      context.scheduledExecutor,
      log,
    );
  }

  get(jobId: JobID): JobManagerRegistration | undefined {
    return this.byJob.get(jobId);
  }

  get size(): number {
    return this.byJob.size;
  }

  /**
   * Registers a JobMaster the ResourceManager has connected back to. The same
   * leader again is a success with nothing changed; a new leader replaces the
   * old one, which is told it is no longer connected.
   */
  register(registration: JobManagerRegistration): JobMasterRegistrationResponse {
    const { jobId, jobMasterId, jobManagerResourceId } = registration;
    const old = this.byJob.get(jobId);
    const current = old?.jobMasterId === jobMasterId ? old : registration;
    if (current === old) {
      log.debug(`Job manager ${jobMasterId}@${registration.address} was already registered.`);
    } else {
      if (old) {
        this.close(jobId, new ResourceManagerError(`New job leader for job ${jobId} found.`), {
          tellJobMaster: true,
          clearRequirements: false,
        });
      }
      const sharing = this.byResourceId.get(jobManagerResourceId);
      if (sharing) {
        // One ResourceID, one heartbeat monitor: the other job would lose its heartbeats.
        log.warn(
          `JobMaster ResourceID ${jobManagerResourceId} of job ${jobId} is also used by job ${sharing.jobId}; ` +
            'heartbeats follow the newer registration.',
        );
        this.heartbeatManager.unmonitorTarget(jobManagerResourceId);
      }
      this.byJob.set(jobId, registration);
      this.byResourceId.set(jobManagerResourceId, registration);
    }
    log.info(`Registered job manager ${jobMasterId}@${registration.address} for job ${jobId}.`);
    // A target that is already monitored is left as it is.
    this.heartbeatManager.monitorTarget(
      current.jobManagerResourceId,
      jobMasterHeartbeatSender(current.gateway),
    );
    return RegistrationResponse.jobMasterSuccess(this.context.resourceManagerId, this.context.resourceId);
  }

  /** Closes the connection to the JobMaster of `jobId`; false if there was none. */
  close(jobId: JobID, cause: Error, options: CloseOptions): boolean {
    const registration = this.byJob.get(jobId);
    if (!registration) {
      log.debug(`There was no registered job manager for job ${jobId}.`);
      return false;
    }
    log.info(
      `Disconnect job manager ${registration.jobMasterId}@${registration.address} for job ${jobId} ` +
        `from the resource manager: ${cause.message}`,
    );
    this.byJob.delete(jobId);
    const resourceId = registration.jobManagerResourceId;
    if (this.byResourceId.get(resourceId) === registration) {
      this.byResourceId.delete(resourceId);
      this.heartbeatManager.unmonitorTarget(resourceId);
    }
    if (options.clearRequirements) this.context.slotManager.clearResourceRequirements(jobId);
    if (options.tellJobMaster) {
      try {
        registration.gateway.disconnectResourceManager(this.context.resourceManagerId, cause);
      } catch (error) {
        log.warn(`Could not tell the JobMaster of job ${jobId} that it is disconnected.`, error);
      }
    }
    return true;
  }

  /** Tells every JobMaster that TaskExecutor `resourceId` is gone, so its tasks there fail at once. */
  notifyTaskManagerLost(resourceId: ResourceID, cause: Error): void {
    for (const registration of this.byJob.values()) {
      try {
        registration.gateway.disconnectTaskManager(resourceId, cause).catch((error: unknown) => {
          log.debug(`The JobMaster of job ${registration.jobId} did not take disconnectTaskManager.`, error);
        });
      } catch (error) {
        log.warn(`Could not tell the JobMaster of job ${registration.jobId} about ${resourceId}.`, error);
      }
    }
  }

  receiveHeartbeat(resourceId: ResourceID): Promise<void> {
    return this.heartbeatManager.receiveHeartbeat(resourceId, undefined);
  }

  getLastHeartbeatFrom(resourceId: ResourceID): number {
    return this.heartbeatManager.getLastHeartbeatFrom(resourceId);
  }

  /**
   * The ResourceManager stops: every JobMaster is told, and the declared
   * requirements are left alone, since they die with the slot manager.
   */
  stop(cause: Error): void {
    this.heartbeatManager.stop();
    for (const jobId of [...this.byJob.keys()]) {
      this.close(jobId, cause, { tellJobMaster: true, clearRequirements: false });
    }
  }

  private heartbeatListener(): HeartbeatListener<void, void> {
    return heartbeatLossListener({
      peer: 'JobManager',
      lost: (resourceId, message, loss) =>
        this.closeLater(
          resourceId,
          loss === 'timeout'
            ? new JobManagerHeartbeatTimeoutError(message)
            : new JobManagerUnreachableError(message),
        ),
    });
  }

  /**
   * Heartbeat verdicts can arrive from an RPC's promise rather than the mailbox.
   * The registration they concern is taken now and checked again in the main
   * thread, so a JobMaster that registered anew meanwhile is left alone.
   */
  private closeLater(id: string, cause: Error): void {
    const registration = this.byResourceId.get(ResourceID.of(id));
    if (!registration) return;
    log.info(cause.message);
    this.context.runAsync(() => {
      if (this.byJob.get(registration.jobId) !== registration) return;
      this.close(registration.jobId, cause, { tellJobMaster: true, clearRequirements: true });
    });
  }
}
