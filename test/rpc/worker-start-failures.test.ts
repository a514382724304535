// A worker that fails to start says why: an error thrown by the module's
// start() or import, or by the promise of its workerData, comes back as it is; a thread that ends before it answers
// rejects spawnWorker with RecipientUnreachableError whose cause is the
// thread's uncaught error, class and code kept. And the workers start with
// the process's Node options, less those only the main script can use.

import { expect } from 'chai';

import { RecipientUnreachableError } from '../../src/rpc/errors.js';
import { workerExecArgv } from '../../src/rpc/worker-exec-argv.js';
import { liveWorkerCount } from '../../src/rpc/worker-registry.js';
import { useRpcService } from '../support/paths.js';

describe('worker start failures', () => {
  const service = useRpcService();

  it('gives the cause, class and code kept, when the worker entry throws at import', async () => {
    const entry = new URL('../fixtures/throwing-entry.js', import.meta.url);

    const error = (await service.rpc
      .spawnWorker(new URL('../fixtures/echo.js', import.meta.url), { hostEntry: entry })
      .catch((e: unknown) => e)) as RecipientUnreachableError;

    expect(error).to.be.instanceOf(RecipientUnreachableError);
    expect(error.message).to.match(
      /^The worker exited with code 1 during start: \w+ \[E_ENTRY_LOAD\]: this entry cannot load here$/,
    );
    const cause = error.cause as Error & { code?: string };
    expect(cause).to.be.instanceOf(RangeError);
    expect(cause.code).to.equal('E_ENTRY_LOAD');
    expect(cause.message).to.equal('this entry cannot load here');
    expect(service.rpc.metrics().workers).to.equal(0);
  });

  it('rejects with the error itself, class and code kept, when the module throws at import', async () => {
    const module = new URL('../fixtures/throwing-module.js', import.meta.url);

    const error = (await service.rpc.spawnWorker(module).catch((e: unknown) => e)) as Error & {
      code?: string;
    };

    expect(error).to.be.instanceOf(TypeError);
    expect(error.code).to.equal('E_MODULE_LOAD');
    expect(error.message).to.equal('this module cannot load here');
  });

  it('starts the module with promised workerData once it resolves', async () => {
    let resolveData!: (data: { ids: string[] }) => void;
    const data = new Promise<{ ids: string[] }>((resolve) => (resolveData = resolve));

    const spawning = service.rpc.spawnWorker(new URL('../fixtures/echo.js', import.meta.url), {
      workerData: data,
    });
    resolveData({ ids: ['late'] });
    const handle = await spawning;

    const [address] = handle.result as string[];
    expect(address).to.match(new RegExp(`@${handle.host}/user/rpc/late$`));
    await handle.terminate();
  });

  it('ends the thread and rejects with the error itself when the promised workerData rejects', async () => {
    const error = await service.rpc
      .spawnWorker(new URL('../fixtures/echo.js', import.meta.url), {
        workerData: Promise.reject(new RangeError('no data for this worker')),
      })
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.equal('no data for this worker');
    expect(service.rpc.metrics().workers).to.equal(0);
    expect(liveWorkerCount()).to.equal(0);
  });
});

describe('workerExecArgv', () => {
  it('inherits, as Node does, when every option is one a worker can use', () => {
    expect(workerExecArgv([])).to.equal(undefined);
    expect(workerExecArgv(['--no-warnings', '--conditions=dev', '-r', 'hook.cjs'])).to.equal(undefined);
  });

  it('leaves out how the main script runs: --input-type, --eval, --print, their values and short forms', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code()', '--no-warnings'])).to.deep.equal([
      '--no-warnings',
    ]);
    expect(workerExecArgv(['--input-type', 'module', '--eval', '-1'])).to.deep.equal([]);
    expect(workerExecArgv(['-pe', 'process.execArgv', '--enable-source-maps'])).to.deep.equal([
      '--enable-source-maps',
    ]);
    expect(workerExecArgv(['--print=1', '-c', '-i'])).to.deep.equal([]);
  });

  it('leaves out the test runner and watch mode, with their values', () => {
    expect(
      workerExecArgv([
        '--test',
        '--test-reporter',
        'spec',
        '--test-only',
        '--experimental-test-coverage',
        '--watch-path=src',
        '--watch',
        '--import',
        'tsx',
      ]),
    ).to.deep.equal(['--import', 'tsx']);
  });
});
