// Where the HA services keep their nodes, ZooKeeperUtils' path functions with Flink
// 1.15+'s layout under <path.root>/<cluster-id> (here called the namespace):
//   /leader/<component>/latch/latch-<guid>-<seq>   one leader latch per component
//   /leader/<component>/connection_info            the leader's address and session
//   /jobgraphs/<job-id>                            pointers to stored job graphs
// Flink 1.15+ shares one latch per process; threadlink elects each component on its own.

export const kResourceManagerLeader = 'resource_manager';
export const kDispatcherLeader = 'dispatcher';
export const kRestServerLeader = 'rest_server';
export const kLeaderNode = 'leader';
export const kLeaderLatchNode = 'latch';
export const kConnectionInfoNode = 'connection_info';

/** "/a/b/.../z" from parts with or without slashes; empty parts are dropped (generateZookeeperPath). */
export function generateZookeeperPath(...parts: readonly string[]): string {
  return `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/')}`;
}

/** The component name of a job's JobMaster, as Flink's getLeaderPathForJobManager. */
export function jobManagerComponentId(jobId: string): string {
  return `job-${jobId}`;
}

/** The node under which `componentId`'s latch and connection_info live. */
export function getLeaderPath(namespace: string, componentId: string): string {
  return generateZookeeperPath(namespace, kLeaderNode, componentId);
}

export function getLeaderLatchPath(componentPath: string): string {
  return generateZookeeperPath(componentPath, kLeaderLatchNode);
}

export function getConnectionInformationPath(componentPath: string): string {
  return generateZookeeperPath(componentPath, kConnectionInfoNode);
}
