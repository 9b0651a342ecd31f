import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** An output that cannot be written; the message names the file and what to do. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/**
 * Checks outputs before any work is done: they are distinct files, none of them is the pool
 * (compared by real path, so through symbolic links too), and each goes into an existing folder
 * this process may write.
 */
export async function checkOutputs(paths: string[], pool: string): Promise<void> {
  const poolReal = await realTarget(pool);
  const seen = new Map<string, string>();
  for (const path of paths) {
    const real = await realTarget(path);
    if (real === poolReal) {
      throw new OutputError(
        `Refusing to write over the pool file ${pool}; choose another output path`,
      );
    }
    const other = seen.get(real);
    if (other !== undefined) {
      throw new OutputError(`Two outputs would go to the same file ${path} (also ${other})`);
    }
    seen.set(real, path);
    const folder = dirname(resolve(path));
    try {
      await fs.access(folder, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : `is not writable (${code})`;
      throw new OutputError(`Cannot write ${path}: the folder ${folder} ${why}`);
    }
  }
}

/**
 * Writes several files as one: each goes to a hidden temporary file beside its target, and only
 * when every one is complete are they renamed over their targets. On failure every temporary
 * file is removed, so a failed or interrupted run leaves no half-written output.
 */
export async function writeFilesAtomic(files: { path: string; text: string }[]): Promise<void> {
  const staged: { temporary: string; path: string }[] = [];
  try {
    for (const { path, text } of files) {
      const temporary = join(
        dirname(path),
        `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`,
      );
      staged.push({ temporary, path });
      await fs.writeFile(temporary, text, { flag: 'wx' });
    }
    for (const { temporary, path } of staged) await fs.rename(temporary, path);
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => fs.rm(temporary, { force: true })));
    const failed = staged.at(-1)?.path ?? files[0]?.path;
    throw new OutputError(`Cannot write ${failed}: ${(error as Error).message.split(',')[0]}`);
  }
}

/** The real path a write to `path` would land on, following links in the folder and the file. */
async function realTarget(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    try {
      return join(await fs.realpath(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}
