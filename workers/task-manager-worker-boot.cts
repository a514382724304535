// The TaskManager worker thread's entry: runs its bundle (the TaskExecutor's
// worker host with its module built in) from V8's code cache.

import path = require('node:path');
import loader = require('./code-cached-bundle.cjs');

loader.runCodeCachedBundle(path.join(__dirname, 'task-manager-worker.bundle.cjs'));
