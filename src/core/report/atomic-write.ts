import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes a file so that readers see either the old content or the whole new one: the text goes
 * to a hidden temporary file beside the target, which is then renamed over it. On any failure
 * the temporary file is removed. Refuses to write over `protect` (the pool itself).
 */
export async function writeFileAtomic(path: string, text: string, protect?: string): Promise<void> {
  if (protect && resolve(path) === resolve(protect)) {
    throw new Error(`Refusing to write over the pool file ${protect}; choose another output path`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temporary, text, { flag: 'wx' });
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
