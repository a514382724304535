// Shared pieces of the ZooKeeper tests: client settings with short timeouts, a log
// that records what the client tells users, and a recorder of connection states.

import { nanoid } from 'nanoid';
import { Configuration } from '../../../../src/runtime/configuration/configuration.js';
import type { LeaderElectionService } from '../../../../src/runtime/highavailability/leader-election.js';
import { ZooKeeperHaServices } from '../../../../src/runtime/highavailability/zookeeper/zookeeper-ha-services.js';
import {
  RecordingLeaderContender,
  type LeaderEvent,
  type RecordingLeaderListener,
} from '../testing-leader.js';
import type { ConnectionState } from '../../../../src/runtime/highavailability/zookeeper/connection-state.js';
import { ZooKeeperClient } from '../../../../src/runtime/highavailability/zookeeper/zookeeper-client.js';
import {
  type ZooKeeperClientLog,
  type ZooKeeperClientOptions,
} from '../../../../src/runtime/highavailability/zookeeper/zookeeper-types.js';

/** Short enough that a lost session is noticed within a test, long enough for a loaded CI machine. */
export const kTestSessionTimeoutMs = 2000;

export function testClientOptions(
  connectString: string,
  overrides: Partial<ZooKeeperClientOptions> = {},
): ZooKeeperClientOptions {
  return {
    connectString,
    sessionTimeoutMs: kTestSessionTimeoutMs,
    connectionTimeoutMs: 2000,
    retryWaitMs: 100,
    maxRetryAttempts: 3,
    tolerateSuspendedConnections: false,
    ...overrides,
  };
}

/** A fresh cluster id per test, so that tests sharing one server never meet. */
export function uniqueClusterId(): string {
  return `/test-${nanoid(10).replace(/[^a-zA-Z0-9]/g, 'x')}`;
}

/** A fresh root path per test, so that tests sharing one server never see each other's nodes. */
export function uniqueRoot(): string {
  return `/threadlink-test/${nanoid(10).replace(/[^a-zA-Z0-9]/g, 'x')}`;
}

export class RecordingLog implements ZooKeeperClientLog {
  readonly lines: Array<['debug' | 'info' | 'warn', string]> = [];
  debug(...args: unknown[]): void {
    this.lines.push(['debug', args.map(String).join(' ')]);
  }
  info(...args: unknown[]): void {
    this.lines.push(['info', args.map(String).join(' ')]);
  }
  warn(...args: unknown[]): void {
    this.lines.push(['warn', args.map(String).join(' ')]);
  }
  at(level: 'debug' | 'info' | 'warn'): string[] {
    return this.lines.filter(([l]) => l === level).map(([, line]) => line);
  }
}

/** Records every connection state a client reports. */
export function recordStates(client: ZooKeeperClient): ConnectionState[] {
  const states: ConnectionState[] = [];
  client.addConnectionStateListener((state) => states.push(state));
  return states;
}

/** Clients made through it are closed after each test, passed or failed. */
export function useClients(): (options: ZooKeeperClientOptions) => ZooKeeperClient {
  const clients: ZooKeeperClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  return (options) => {
    const client = new ZooKeeperClient(options);
    clients.push(client);
    return client;
  };
}

/** HA services for one cluster id on `connectString`, with the test timeouts; closed after each test. */
export function useHaServices(): (
  connectString: string,
  clusterId: string,
  settings?: Record<string, string | number | boolean>,
) => ZooKeeperHaServices {
  const services: ZooKeeperHaServices[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.closeAsync()));
  });
  return (connectString, clusterId, settings = {}) => {
    const conf = new Configuration({
      'high-availability.type': 'zookeeper',
      'high-availability.zookeeper.quorum': connectString,
      'high-availability.cluster-id': clusterId,
      'high-availability.zookeeper.client.session-timeout': kTestSessionTimeoutMs,
      'high-availability.zookeeper.client.connection-timeout': '2 s',
      'high-availability.zookeeper.client.retry-wait': '100 ms',
      ...settings,
    });
    const ha = ZooKeeperHaServices.fromConfiguration(conf, { log: new RecordingLog() });
    services.push(ha);
    return ha;
  };
}

/** A contender that confirms every grant at once with `address`, recording what it hears. */
export function confirmingContender(
  election: LeaderElectionService,
  address: string,
): RecordingLeaderContender {
  const contender = new RecordingLeaderContender();
  contender.onGrant = (sessionId) => election.confirmLeadership(sessionId, address);
  return contender;
}

/** The last leader a listener heard, or undefined. */
export function lastLeader(listener: RecordingLeaderListener): LeaderEvent | undefined {
  return listener.leaders.at(-1);
}
