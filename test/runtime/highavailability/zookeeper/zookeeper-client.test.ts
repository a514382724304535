// ZooKeeperClient against a real server: the operations the HA services use, watches,
// transactions, ephemeral nodes, and promises that settle when the client closes.

import { expect } from 'chai';
import {
  BadVersionError,
  NodeExistsError,
  NoNodeError,
  ZooKeeperClientClosedError,
} from '../../../../src/runtime/highavailability/zookeeper/zookeeper-errors.js';
import type { WatchedEvent } from '../../../../src/runtime/highavailability/zookeeper/zookeeper-types.js';
import { eventually } from '../../../support/eventually.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import { testClientOptions, uniqueRoot, useClients } from './testing-zookeeper.js';

describe('ZooKeeperClient', function () {
  this.timeout(20_000);
  const zk = useZooKeeperServer();
  const newClient = useClients();

  it('creates, reads, sets with a version and deletes nodes, with parents made on demand', async () => {
    const client = newClient(testClientOptions(zk.server.connectString));
    const root = uniqueRoot();
    const path = await client.create(`${root}/a/b`, Buffer.from('one'), { createParents: true });
    expect(path).to.equal(`${root}/a/b`);
    const { data, stat } = await client.getData(path);
    expect(data?.toString()).to.equal('one');
    expect(stat.ephemeralOwner).to.equal(null);

    const updated = await client.setData(path, Buffer.from('two'), stat.version);
    expect(updated.version).to.equal(stat.version + 1);
    await client.setData(path, Buffer.from('three'), stat.version).then(
      () => expect.fail('a stale version must be refused'),
      (error: unknown) => expect(error).to.be.instanceOf(BadVersionError),
    );
    await client.create(path).then(
      () => expect.fail('the node exists'),
      (error: unknown) => expect(error).to.be.instanceOf(NodeExistsError),
    );
    expect(await client.getChildren(`${root}/a`)).to.deep.equal(['b']);
    await client.delete(path);
    expect(await client.exists(path)).to.equal(null);
    await client.getData(path).then(
      () => expect.fail('the node is gone'),
      (error: unknown) => {
        expect(error).to.be.instanceOf(NoNodeError);
        expect((error as NoNodeError).code).to.equal('ERR_ZOOKEEPER_NO_NODE');
      },
    );
  });

  it('numbers ephemeral sequential nodes in order and makes the session their owner', async () => {
    const client = newClient(testClientOptions(zk.server.connectString));
    const root = uniqueRoot();
    await client.ensurePath(root);
    const first = await client.create(`${root}/latch-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' });
    const second = await client.create(`${root}/latch-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' });
    expect(first).to.match(/\/latch-\d{10}$/);
    expect(second > first).to.equal(true);
    const stat = await client.exists(first);
    expect(stat?.ephemeralOwner).to.equal(client.getSessionId());
  });

  it("removes a session's ephemeral nodes when its client closes", async () => {
    const owner = newClient(testClientOptions(zk.server.connectString));
    const observer = newClient(testClientOptions(zk.server.connectString));
    const root = uniqueRoot();
    const path = await owner.create(`${root}/ephemeral`, null, { mode: 'EPHEMERAL', createParents: true });
    const events: WatchedEvent[] = [];
    expect(await observer.exists(path, (event) => events.push(event))).to.not.equal(null);
    await owner.close();
    await eventually(() => events.length > 0, 'the ephemeral node to go');
    expect(events).to.deep.equal([{ type: 'NodeDeleted', path }]);
  });

  it('fires a data watch once, and a child watch when a child appears', async () => {
    const client = newClient(testClientOptions(zk.server.connectString));
    const root = uniqueRoot();
    await client.create(root, Buffer.from('x'), { createParents: true });
    const events: WatchedEvent[] = [];
    const watcher = (event: WatchedEvent): void => void events.push(event);
    await client.getData(root, watcher);
    await client.getChildren(root, watcher);
    await client.setData(root, Buffer.from('y'));
    await client.setData(root, Buffer.from('z'));
    await client.create(`${root}/child`);
    await eventually(() => events.length >= 2, 'both watches');
    await client.exists(root); // a round trip after which any third event would have arrived
    expect(events).to.deep.equal([
      { type: 'NodeDataChanged', path: root },
      { type: 'NodeChildrenChanged', path: root },
    ]);
  });

  it('applies a transaction whole or not at all', async () => {
    const client = newClient(testClientOptions(zk.server.connectString));
    const root = uniqueRoot();
    await client.ensurePath(root);
    await client
      .transaction([
        { op: 'create', path: `${root}/a` },
        { op: 'check', path: `${root}/missing` },
      ])
      .then(
        () => expect.fail('the check must fail'),
        (error: unknown) => expect(error).to.be.instanceOf(NoNodeError),
      );
    expect(await client.exists(`${root}/a`)).to.equal(null);
    await client.transaction([
      { op: 'create', path: `${root}/a`, data: Buffer.from('1') },
      { op: 'create', path: `${root}/a/b`, mode: 'EPHEMERAL' },
    ]);
    expect(await client.getChildren(`${root}/a`)).to.deep.equal(['b']);
  });

  it('rejects pending and later operations with ZooKeeperClientClosedError once closed', async () => {
    // A client of a port nobody serves: its operations wait for a connection.
    const client = newClient(testClientOptions('127.0.0.1:1', { connectionTimeoutMs: 60_000 }));
    const pending = client.getData('/never');
    const closing = client.close();
    await pending.then(
      () => expect.fail('must reject'),
      (error: unknown) => expect(error).to.be.instanceOf(ZooKeeperClientClosedError),
    );
    await closing;
    await client.exists('/').then(
      () => expect.fail('must reject'),
      (error: unknown) => expect(error).to.be.instanceOf(ZooKeeperClientClosedError),
    );
  });
});
