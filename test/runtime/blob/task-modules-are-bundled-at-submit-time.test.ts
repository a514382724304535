// packageTaskModule bundles a task module with esbuild into one ES module that
// holds its relative imports and npm packages, keeping only Node's builtins as
// imports, so it runs where nothing is installed. uploadTaskModules uploads each
// distinct module once and names it `blob:<sha256>`; resolveTaskInvokable turns
// that into the cached file, which a slot worker imports and runs.

import { expect } from 'chai';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskModulePackagingError } from '../../../src/runtime/blob/blob-errors.js';
import { resolveTaskInvokable } from '../../../src/runtime/blob/blob-task-module.js';
import { uploadTaskModules } from '../../../src/runtime/blob/job-artifacts.js';
import { packageTaskModule } from '../../../src/runtime/blob/task-module-packaging.js';
import type { TaskInvokable } from '../../../src/runtime/types/task-deployment-descriptor.js';
import { TestingTaskDeployment } from '../taskexecutor/task/testing-task-deployment.js';
import { sha256, useBlobBed } from './testing-blob.js';

const kTaskModule = new URL('../../fixtures/blob-task-module/task.js', import.meta.url);

/** True when a node_modules directory sits in `dir` or any directory above it. */
async function nodeModulesAbove(dir: string): Promise<boolean> {
  for (let current = dir; ; current = dirname(current)) {
    if (
      await stat(join(current, 'node_modules')).then(
        () => true,
        () => false,
      )
    )
      return true;
    if (dirname(current) === current) return false;
  }
}

describe('task modules bundled at submit time', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'threadlink-task-module-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('bundles a module, its relative helper and an npm package into one file that runs without node_modules', async () => {
    const bundle = await packageTaskModule(kTaskModule);
    expect(bundle.entry).to.equal(fileURLToPath(kTaskModule));
    expect(bundle.key).to.equal(sha256(bundle.contents));
    expect(bundle.inputs.some((input) => input.endsWith('helper.js'))).to.equal(true);
    expect(
      bundle.inputs.some(
        (input) => input.includes(`node_modules${sep}nanoid`) || input.includes('node_modules/nanoid'),
      ),
    ).to.equal(true);
    const text = new TextDecoder().decode(bundle.contents);
    expect(text).to.not.match(/from\s+["'](nanoid|\.\/helper\.js)["']/);
    expect(text).to.match(/from\s+["']node:path["']/);

    expect(await nodeModulesAbove(scratch)).to.equal(false);
    const file = join(scratch, 'task.mjs');
    await writeFile(file, bundle.contents);
    const module = (await import(
      pathToFileURL(file).href
    )) as typeof import('../../fixtures/blob-task-module/task.js');
    const result = module.describeTask('blob');
    expect(result.text).to.equal('hello blob');
    expect(result.id).to.match(/^[ab]{8}$/);
    expect(result.file).to.equal('task.mjs');
  });

  it('gives the same bytes, hence the same key, each time', async () => {
    const [first, second] = await Promise.all([
      packageTaskModule(kTaskModule),
      packageTaskModule(fileURLToPath(kTaskModule)),
    ]);
    expect(second.key).to.equal(first.key);
  });

  it('lets a CommonJS dependency require a builtin from inside the ES module bundle', async () => {
    await writeFile(join(scratch, 'dep.cjs'), "module.exports = () => require('os').EOL.length;\n");
    await writeFile(
      join(scratch, 'entry.mjs'),
      "import eol from './dep.cjs';\nexport const run = () => eol();\n",
    );
    const bundle = await packageTaskModule(join(scratch, 'entry.mjs'));
    await rm(join(scratch, 'dep.cjs'));
    const file = join(scratch, 'bundle.mjs');
    await writeFile(file, bundle.contents);
    const module = (await import(pathToFileURL(file).href)) as { run(): number };
    expect(module.run()).to.be.a('number').and.at.least(1);
  });

  it('fails with ERR_TASK_MODULE_PACKAGING when an import cannot be resolved, naming it', async () => {
    const entry = join(scratch, 'missing.mjs');
    await writeFile(entry, "import x from 'threadlink-no-such-package';\nexport default x;\n");
    const error = await packageTaskModule(entry).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskModulePackagingError);
    expect(error).to.have.property('code', 'ERR_TASK_MODULE_PACKAGING');
    expect((error as Error).message).to.contain('threadlink-no-such-package');
  });

  it('refuses a relative path, which would mean nothing on the cluster', async () => {
    const error = await packageTaskModule('./task.js').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskModulePackagingError);
  });

  describe('through the BlobServer and the cache', () => {
    const h = useBlobBed();

    it('uploads each distinct module once as blob:<sha256>, leaving data: URLs, and a slot worker runs the resolved module', async () => {
      const { bed } = h;
      const task = (module: string, ...args: unknown[]): TaskInvokable => ({
        module,
        exportName: 'describeTask',
        args,
      });
      const dataModule = 'data:text/javascript,export const twice = (x) => 2 * x;';
      const shipped = await uploadTaskModules(bed.gateway, bed.jobId, [
        task(kTaskModule.href, 'one'),
        task(fileURLToPath(kTaskModule), 'two'),
        task(kTaskModule.href, 'three'),
        { module: dataModule, exportName: 'twice', args: [21] },
      ]);
      const expectedKey = (await packageTaskModule(kTaskModule)).key;
      expect(shipped.map((t) => t.module)).to.deep.equal([
        `blob:${expectedKey}`,
        `blob:${expectedKey}`,
        `blob:${expectedKey}`,
        dataModule,
      ]);
      expect(shipped.map((t) => t.args)).to.deep.equal([['one'], ['two'], ['three'], [21]]);
      expect(bed.server.metrics().blobsStored).to.equal(1);

      const deployment = await TestingTaskDeployment.start(bed.rpc);
      bed.cache.registerJob(deployment.jobId);
      const reshipped = await uploadTaskModules(bed.gateway, deployment.jobId, [
        task(kTaskModule.href, 'slot'),
      ]);
      const resolved = await resolveTaskInvokable(deployment.jobId, reshipped[0]!, bed.cache);
      expect(resolved.module).to.equal(
        pathToFileURL(`${bed.cache.getStorageLocation(deployment.jobId, expectedKey)}.mjs`).href,
      );
      expect(await resolveTaskInvokable(deployment.jobId, shipped[3]!, bed.cache)).to.equal(shipped[3]);

      const result = (await deployment.resultOf(resolved)) as { text: string; id: string };
      expect(result.text).to.equal('hello slot');
      expect(result.id).to.match(/^[ab]{8}$/);
    });
  });
});
