// `npm run zookeeper`: a standalone ZooKeeper server for development, in the
// foreground. Prints the connect string for high-availability.zookeeper.quorum;
// Ctrl-C stops it. Options: --port N (default 2181, 0 for a free one),
// --data-dir DIR (default: a temporary directory, removed on exit).

import { parseArgs } from 'node:util';
import {
  findZooKeeperInstallation,
  kZooKeeperInstallHint,
  ZooKeeperServer,
} from '../dist/scripts/zookeeper-server.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '2181' }, 'data-dir': { type: 'string' } },
});

const installation = findZooKeeperInstallation();
if (!installation) {
  console.error(`ZooKeeper was not found: ${kZooKeeperInstallHint}.`);
  process.exit(1);
}

const server = await ZooKeeperServer.start(installation, {
  port: Number(values.port),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
});
console.log(`ZooKeeper (${installation.source}) is serving, pid ${server.pid}, data in ${server.dataDir}`);
console.log(`connect string: ${server.connectString}`);
console.log(`  e.g. high-availability.type: zookeeper`);
console.log(`       high-availability.zookeeper.quorum: ${server.connectString}`);
console.log('Ctrl-C stops it.');

let stopping = false;
for (const name of ['SIGINT', 'SIGTERM']) {
  process.on(name, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping ZooKeeper...');
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
