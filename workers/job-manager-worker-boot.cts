// The MiniCluster's JobManager thread's entry: runs its bundle (the
// ResourceManager and Dispatcher's worker host) from V8's code cache.

import path = require('node:path');
import loader = require('./code-cached-bundle.cjs');

loader.runCodeCachedBundle(path.join(__dirname, 'job-manager-worker.bundle.cjs'));
