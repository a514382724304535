// Mocha hooks for tests that need a real ZooKeeper: one server per describe block,
// stopped (and its data removed) after it, whether the tests passed or not. Without
// ZooKeeper installed the tests are skipped with a message, except in CI (CI set)
// or with THREADLINK_REQUIRE_ZOOKEEPER=1, where they fail: CI must never skip them.

import {
  findZooKeeperInstallation,
  kZooKeeperInstallHint,
  ZooKeeperServer,
  type ZooKeeperInstallation,
} from '../../scripts/zookeeper-server.js';

export interface ZooKeeperServerHolder {
  readonly server: ZooKeeperServer;
  readonly installation: ZooKeeperInstallation;
}

let toldSkipping = false;

export function zooKeeperRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return ci || env.THREADLINK_REQUIRE_ZOOKEEPER === '1';
}

/**
 * Finds ZooKeeper in a `before` hook: fails the block when it is required and
 * missing, skips the block (with one message per run) when it is only missing.
 */
export function requireZooKeeperInstallation(context: Mocha.Context): ZooKeeperInstallation {
  const installation = findZooKeeperInstallation();
  if (installation) return installation;
  if (zooKeeperRequired()) {
    throw new Error(
      `ZooKeeper is required here (CI or THREADLINK_REQUIRE_ZOOKEEPER=1) but was not found: ${kZooKeeperInstallHint}.`,
    );
  }
  if (!toldSkipping) {
    toldSkipping = true;
    console.log(`      (ZooKeeper not found, skipping the tests that need it: ${kZooKeeperInstallHint}.)`);
  }
  context.skip();
}

/** A server started before the block's tests and closed after them. */
export function useZooKeeperServer(): ZooKeeperServerHolder {
  const holder = {} as { server: ZooKeeperServer; installation: ZooKeeperInstallation };
  before(async function () {
    this.timeout(60_000);
    holder.installation = requireZooKeeperInstallation(this);
    holder.server = await ZooKeeperServer.start(holder.installation);
  });
  after(async function () {
    this.timeout(30_000);
    await holder.server?.close();
  });
  // A test that stopped the server must not leave it down for the next one.
  afterEach(async function () {
    this.timeout(30_000);
    if (holder.server && !holder.server.isRunning) await holder.server.restart();
  });
  return holder;
}
