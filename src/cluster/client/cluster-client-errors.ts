// What a ClusterClient call can fail with by itself, with a stable code: it is
// closed, or it found no Dispatcher leader in time.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../../runtime/flink-error.js';

export class ClusterClientError extends FlinkError {
  static override readonly code = 'ERR_CLUSTER_CLIENT';
}

registerErrorClasses(ClusterClientError);
