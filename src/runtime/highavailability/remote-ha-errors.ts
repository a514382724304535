// Errors of leader retrieval across threads, with stable codes. Also registers
// the leader services' own error classes with the error codec, so that an error
// forwarded from the main thread (say, LeaderServiceShutdownError when the
// embedded services close) arrives in a worker as the same class.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';
import {
  IllegalLeaderServiceStateError,
  LeaderRetrievalError,
  LeaderServiceShutdownError,
} from './errors.js';

/** Leader election was asked of services that can only retrieve leaders (RemoteHaServices). */
export class LeaderElectionUnsupportedError extends FlinkError {
  static override readonly code = 'ERR_LEADER_ELECTION_UNSUPPORTED';
}

/** A subscription to leader information was refused or ended by the LeaderInformationServer. */
export class LeaderSubscriptionError extends FlinkError {
  static override readonly code = 'ERR_LEADER_SUBSCRIPTION';
}

registerErrorClasses(
  LeaderElectionUnsupportedError,
  LeaderSubscriptionError,
  IllegalLeaderServiceStateError,
  LeaderServiceShutdownError,
  LeaderRetrievalError,
);
