// How a leader's address and session are stored in its connection_info node, and the
// guarded write of ZooKeeperUtils.writeLeaderInformationToZooKeeper. JSON, where Flink
// writes Java serialization: a threadlink cluster and a Flink cluster must not share a
// cluster-id. The write runs in a transaction with a check of the writer's latch node,
// so a former leader whose node is gone is refused by ZooKeeper itself, however late.

import type { LeaderInformation } from '../leader-retrieval-driver.js';
import { kEmptyLeaderInformation } from '../leader-retrieval-driver.js';
import {
  BadVersionError,
  CorruptLeaderInformationError,
  NodeExistsError,
  NoNodeError,
} from './zookeeper-errors.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

export function encodeLeaderInformation(info: LeaderInformation): Buffer | null {
  if (info.leaderAddress === null || info.leaderSessionId === null) return null;
  return Buffer.from(
    JSON.stringify({ address: info.leaderAddress, sessionId: info.leaderSessionId }),
    'utf8',
  );
}

/** Empty data means no leader; anything unreadable throws CorruptLeaderInformationError. */
export function decodeLeaderInformation(data: Buffer | null): LeaderInformation {
  if (!data || data.length === 0) return kEmptyLeaderInformation;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (cause) {
    throw new CorruptLeaderInformationError('The leader information is not JSON.', { cause });
  }
  const { address, sessionId } = (parsed ?? {}) as { address?: unknown; sessionId?: unknown };
  if (typeof address !== 'string' || typeof sessionId !== 'string') {
    throw new CorruptLeaderInformationError('The leader information lacks an address or a session id.');
  }
  return { leaderAddress: address, leaderSessionId: sessionId };
}

export type LeaderInformationWriteResult = 'written' | 'not-leader';

/**
 * Writes `info` to `connectionInfoPath` while `hasLeadership()` holds and the writer's
 * latch node `latchNodePath` exists. A node of another session is deleted first, as in
 * Flink; one of ours is updated. Resolves 'not-leader' when refused.
 */
export async function writeLeaderInformationToZooKeeper(
  client: ZooKeeperClient,
  info: LeaderInformation,
  connectionInfoPath: string,
  latchNodePath: string,
  hasLeadership: () => boolean,
): Promise<LeaderInformationWriteResult> {
  const data = encodeLeaderInformation(info);
  const latchCheck = { op: 'check', path: latchNodePath } as const;
  while (hasLeadership()) {
    const stat = await client.exists(connectionInfoPath);
    try {
      if (stat && stat.ephemeralOwner !== null && stat.ephemeralOwner === client.getSessionId()) {
        await client.transaction([
          latchCheck,
          { op: 'setData', path: connectionInfoPath, data, version: stat.version },
        ]);
        return 'written';
      } else if (stat) {
        await client.transaction([
          latchCheck,
          { op: 'delete', path: connectionInfoPath, version: stat.version },
        ]);
      } else {
        await client.transaction([
          latchCheck,
          { op: 'create', path: connectionInfoPath, data: data ?? undefined, mode: 'EPHEMERAL' },
        ]);
        return 'written';
      }
    } catch (error) {
      if (!(
        error instanceof NoNodeError ||
        error instanceof BadVersionError ||
        error instanceof NodeExistsError
      )) {
        throw error;
      }
      // Raced with another writer, or our latch node is gone: the latter ends the loop.
      if ((await client.exists(latchNodePath)) === null) return 'not-leader';
    }
  }
  return 'not-leader';
}

/** Deletes `connectionInfoPath` if this session wrote it and its latch node still exists. */
export async function deleteLeaderInformationFromZooKeeper(
  client: ZooKeeperClient,
  connectionInfoPath: string,
  latchNodePath: string,
): Promise<void> {
  const stat = await client.exists(connectionInfoPath);
  if (!stat || stat.ephemeralOwner !== client.getSessionId()) return;
  await client
    .transaction([
      { op: 'check', path: latchNodePath },
      { op: 'delete', path: connectionInfoPath, version: stat.version },
    ])
    .catch((error: unknown) => {
      if (!(error instanceof NoNodeError || error instanceof BadVersionError)) throw error;
    });
}
