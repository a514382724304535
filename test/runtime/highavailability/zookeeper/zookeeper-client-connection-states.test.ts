// ZooKeeperClient's connection states as Curator reports them, with the server taken
// away and brought back: SUSPENDED is not fatal, the same session comes back as
// RECONNECTED, and a session gone past its timeout is LOST and replaced by a new one.

import { expect } from 'chai';
import { eventually } from '../../../support/eventually.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import { RecordingLog, recordStates, testClientOptions, useClients } from './testing-zookeeper.js';

describe('ZooKeeperClient connection states', function () {
  this.timeout(30_000);
  const zk = useZooKeeperServer();
  const newClient = useClients();

  it('reports SUSPENDED while the server is down and RECONNECTED in the same session when it is back', async () => {
    const client = newClient(testClientOptions(zk.server.connectString, { sessionTimeoutMs: 20_000 }));
    const states = recordStates(client);
    expect(await client.blockUntilConnected(5000)).to.equal(true);
    const session = client.getSessionId();
    const path = await client.create('/suspended-', null, { mode: 'EPHEMERAL_SEQUENTIAL' });

    await zk.server.stop();
    await eventually(() => states.includes('SUSPENDED'), 'SUSPENDED');
    expect(client.isConnected()).to.equal(false);
    await zk.server.restart();
    await eventually(() => states.includes('RECONNECTED'), 'RECONNECTED');

    expect(states).to.deep.equal(['CONNECTED', 'SUSPENDED', 'RECONNECTED']);
    expect(client.getSessionId()).to.equal(session);
    expect((await client.exists(path))?.ephemeralOwner).to.equal(session);
  });

  it('reports LOST once suspended for the session timeout, then RECONNECTED in a new session', async () => {
    const client = newClient(testClientOptions(zk.server.connectString));
    const states = recordStates(client);
    expect(await client.blockUntilConnected(5000)).to.equal(true);
    const session = client.getSessionId();

    await zk.server.stop();
    await eventually(() => states.includes('LOST'), 'LOST');
    await zk.server.restart();
    await eventually(() => states.includes('RECONNECTED'), 'RECONNECTED');

    expect(states).to.deep.equal(['CONNECTED', 'SUSPENDED', 'LOST', 'RECONNECTED']);
    expect(client.getSessionId()).to.not.equal(session);
  });

  it('keeps trying when ZooKeeper is not there at start, logs one clear line, and connects once it appears', async () => {
    await zk.server.stop();
    const log = new RecordingLog();
    const client = newClient(testClientOptions(zk.server.connectString, { connectionTimeoutMs: 300, log }));
    const states = recordStates(client);
    const early = client.exists('/').then(
      () => 'answered',
      (error: Error) => error.name,
    );

    await eventually(() => log.at('warn').length > 0, 'the warning');
    expect(log.at('warn')).to.deep.equal([
      `Could not connect to ZooKeeper quorum ${zk.server.connectString} within 300 ms; still trying in the background.`,
    ]);
    // An operation waits for the connection timeout per attempt and then fails; it does not hang.
    expect(await early).to.equal('ConnectionLossError');

    await zk.server.restart();
    await eventually(() => states.includes('CONNECTED'), 'CONNECTED');
    expect(states).to.deep.equal(['CONNECTED']);
    expect(log.at('warn')).to.have.length(1);
    expect(log.at('info').join('\n')).to.match(/^Connected to ZooKeeper quorum .* after \d+ ms\.$/);
    expect(await client.exists('/')).to.not.equal(null);
  });
});
