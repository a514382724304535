// Flink's jobmaster package, as far as the TaskExecutor uses it: the gateway.

export { JobMasterGateway } from './job-master-gateway.js';
