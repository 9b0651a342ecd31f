import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** An output that cannot be written; the message names the file and what to do. */
export class OutputError extends Error {
  constructor(
    message: string,
    /** True when the paths asked for cannot work at all, found before any work was done. */
    readonly beforeWork = false,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

/**
 * Checks outputs before any work is done: they are distinct files, none of them is the pool
 * (compared by real path, so through symbolic links too), and each goes into an existing folder
 * this process may write.
 */
export async function checkOutputs(paths: string[], pool: string | undefined): Promise<void> {
  const poolReal = pool === undefined ? undefined : await realTarget(pool);
  const seen = new Map<string, string>();
  for (const path of paths) {
    if (path.trim() === '') throw new OutputError('An output path is empty; name a file', true);
    const real = await realTarget(path);
    if (real === poolReal) {
      throw new OutputError(
        `Refusing to write over the pool file ${pool}; choose another output path`,
        true,
      );
    }
    const other = seen.get(real);
    if (other !== undefined) {
      throw new OutputError(`Two outputs would go to the same file ${path} (also ${other})`, true);
    }
    seen.set(real, path);
    const folder = dirname(resolve(path));
    try {
      await fs.access(folder, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'ENOTDIR'
            ? 'is a file, not a folder'
            : `is not writable (${code})`;
      throw new OutputError(`Cannot write ${path}: the folder ${folder} ${why}`, true);
    }
    const info = await fs.stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      throw new OutputError(`Cannot write ${path}: it is a folder; name a file`, true);
    }
    // Outputs are renamed into place, which would replace a device or a pipe with a file.
    if (info && !info.isFile()) {
      throw new OutputError(
        `Cannot write ${path}: it is not a regular file (a device, a pipe or a socket); ` +
          'name a file',
        true,
      );
    }
  }
}

/** One output: its text whole, or in pieces produced while it is written (large tables). */
export interface OutputFile {
  path: string;
  text: string | Iterable<string>;
}

/**
 * Writes several files as one. Each goes to a hidden temporary file beside its target (gzip
 * compressed when the target's name ends in `.gz`); only when every one is complete are they
 * moved over their targets, each old target kept aside until all moves succeeded. On any
 * failure the old targets are put back and every temporary file removed, so a failed or
 * interrupted run leaves each output as it was, never half-written or half-replaced.
 */
export async function writeFilesAtomic(files: OutputFile[]): Promise<void> {
  const staged: { temporary: string; path: string; backup?: string; moved?: boolean }[] = [];
  let current = files[0]?.path ?? '';
  try {
    for (const { path, text } of files) {
      current = path;
      await refuseFolder(path);
      const temporary = sibling(path, 'tmp');
      staged.push({ temporary, path });
      await writeOne(temporary, text, /\.gz$/i.test(path));
    }
    for (const entry of staged) {
      current = entry.path;
      if (await exists(entry.path)) {
        entry.backup = sibling(entry.path, 'old');
        await fs.rename(entry.path, entry.backup);
      }
      await fs.rename(entry.temporary, entry.path);
      entry.moved = true;
    }
  } catch (error) {
    await rollBack(staged);
    throw new OutputError(`Cannot write ${current}: ${reason(error)}`);
  }
  await Promise.all(staged.map(({ backup }) => backup && fs.rm(backup, { force: true })));
}

/** Puts every old target back and removes every temporary and new file of a failed write. */
async function rollBack(
  staged: { temporary: string; path: string; backup?: string; moved?: boolean }[],
): Promise<void> {
  for (const { temporary, path, backup, moved } of staged.reverse()) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    if (moved && !backup) await fs.rm(path, { force: true }).catch(() => undefined);
    if (backup) await fs.rename(backup, path).catch(() => undefined);
  }
}

async function writeOne(path: string, text: string | Iterable<string>, gzip: boolean) {
  const pieces = typeof text === 'string' ? [text] : text;
  const file = createWriteStream(path, { flags: 'wx' });
  if (!gzip) {
    await pipeline(Readable.from(pieces), file);
  } else {
    await pipeline(Readable.from(pieces), createGzip(), file);
  }
}

/** A hidden name beside `path` that no other run picks. */
function sibling(path: string, kind: 'tmp' | 'old'): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.${kind}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function refuseFolder(path: string): Promise<void> {
  const info = await fs.stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  }
  if (info && !info.isFile()) {
    throw new Error('it is not a regular file (a device, a pipe or a socket); name a file');
  }
}

/** Why a write failed, in words about the output, not about the temporary file. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'it is a folder; name a file';
  if (code === 'ENOENT') return 'its folder does not exist';
  if (code === 'ENOTDIR') return 'a part of its path is a file, not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  return (error as Error).message.split(',')[0];
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
