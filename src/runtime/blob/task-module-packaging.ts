// Packs a task module for the cluster at submit time: esbuild bundles the local
// ES module and everything it imports (relative files, npm packages found from
// its directory) into one self-contained ESM file, which travels as one blob, so
// TaskManager hosts need nothing installed. Only Node's builtins stay imports.
// Flink ships a job's jars to the BlobServer for the same reason (JobGraph.addJar).

import { dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskModulePackagingError } from './blob-errors.js';
import { BlobKey } from './blob-key.js';

export interface TaskModulePackage {
  /** The absolute path of the module that was bundled. */
  readonly entry: string;
  /** The bundle: one ES module. */
  readonly contents: Uint8Array;
  /** The SHA-256 of the bundle: the blob key it will have. */
  readonly key: BlobKey;
  /** The files bundled into it, relative to the entry's directory, for diagnostics. */
  readonly inputs: readonly string[];
}

export interface PackageTaskModuleOptions {
  /** Minify the bundle. Default false: stack traces of task errors stay readable. */
  readonly minify?: boolean;
  /** Append an inline source map (for `node --enable-source-maps` on the TaskManagers). Default false. */
  readonly sourcemap?: boolean;
}

// esbuild turns a CommonJS package's require() of a builtin into a call that
// needs a `require` in scope; an ES module has none, so the bundle makes one.
// esbuild renames a user's own top-level `require`, so the two never clash.
const kRequireBanner =
  "import { createRequire as __threadlinkCreateRequire } from 'node:module';\n" +
  'const require = __threadlinkCreateRequire(import.meta.url);';

type Esbuild = typeof import('esbuild');

/** Bundles the ES module at `module` (a path or file: URL) into one ESM file for node20. */
export async function packageTaskModule(
  module: string | URL,
  options: PackageTaskModuleOptions = {},
): Promise<TaskModulePackage> {
  const entry = localPathOf(module);
  const esbuild = await loadEsbuild();
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      minify: options.minify === true,
      sourcemap: options.sourcemap === true ? 'inline' : false,
      banner: { js: kRequireBanner },
      absWorkingDir: dirname(entry),
    });
  } catch (error) {
    throw new TaskModulePackagingError(`Could not bundle the task module ${entry}: ${describe(error)}`, {
      cause: error,
    });
  }
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) {
    throw new TaskModulePackagingError(
      `Bundling the task module ${entry} gave ${result.outputFiles.length} files instead of one.`,
    );
  }
  const contents = output.contents;
  return {
    entry,
    contents,
    key: BlobKey.compute(contents),
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** An absolute local path for a path or file: URL; a TaskModulePackagingError for anything else. */
export function localPathOf(module: string | URL): string {
  const text = module instanceof URL ? module.href : module;
  if (typeof text === 'string' && text.startsWith('file:')) return fileURLToPath(text);
  if (typeof text === 'string' && isAbsolute(text)) return text;
  throw new TaskModulePackagingError(
    `A task module to bundle must be an absolute path or a file: URL, got ${JSON.stringify(text)}.`,
  );
}

// Loaded on first use, and by a specifier bundlers cannot follow: the TaskManager
// side never packages, and its bundled worker entry must not pull esbuild in.
const kEsbuildSpecifier = 'esbuild';
async function loadEsbuild(): Promise<Esbuild> {
  try {
    return (await import(kEsbuildSpecifier)) as Esbuild;
  } catch (cause) {
    throw new TaskModulePackagingError('esbuild, which bundles task modules, could not be loaded.', {
      cause,
    });
  }
}

function describe(error: unknown): string {
  const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
    ?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
