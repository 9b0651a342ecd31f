/**
 * A cache of text embeddings by content hash, so that a second run over the same texts with the
 * same model computes nothing. One file per model in the cache folder, rewritten whole (temporary
 * file, then rename) when a run adds vectors; a file that cannot be read, or whose contents do
 * not match the checksum in its header, is ignored with a warning and replaced. The files hold
 * hashes of texts and their vectors, never a text or a key, and the model's identity only as a
 * hash (an endpoint's identity holds its URL).
 *
 * File layout, little-endian:
 *
 *     "PCFCACHE"            8 bytes
 *     header length H       uint32
 *     header                H bytes of JSON: {version, featurizer, identity (SHA-256, hex),
 *                           model, dim, count, sha256 (of the body: keys and vectors, hex)}
 *     keys                  count x 32 bytes: `cacheKey` of each text
 *     vectors               count x dim float32
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { TextEmbedder } from './text-embedder';

const MAGIC = Buffer.from('PCFCACHE', 'latin1');
const VERSION = 2;
const KEY_BYTES = 32;

interface CacheHeader {
  version: number;
  featurizer: string;
  /** SHA-256 of the embedder's identity: the identity itself may name a private server. */
  identity: string;
  model: string;
  dim: number;
  count: number;
  /** SHA-256 of everything after the header. */
  sha256: string;
}

/** The vectors a file holds, and their length (0 when it holds none). */
interface CacheContents {
  dim: number;
  vectors: Map<string, Float32Array>;
}

/**
 * The key of a text's vector (hex): SHA-256 of the SHA-256 of the embedder's identity followed by
 * the text. The identity's hash has a fixed length, so no identity and text can pass for another.
 */
export function cacheKey(identity: string, text: string): string {
  const model = createHash('sha256').update(identity).digest();
  return createHash('sha256').update(model).update(text).digest('hex');
}

/** The cache file name of an embedder: `<featurizer>-<16 hex digits of a hash>.features`. */
export function cacheFileName(embedder: Pick<TextEmbedder, 'featurizer' | 'identity'>): string {
  const tag = createHash('sha256').update(embedder.identity).digest('hex').slice(0, 16);
  return `${embedder.featurizer}-${tag}.features`;
}

/** The vectors of one embedder, read from and written back to one file. */
export class FeatureCache {
  private vectors = new Map<string, Float32Array>();
  private added = 0;
  private writeFailed = false;
  /** Length of every vector held; 0 while empty. */
  dim = 0;

  private constructor(
    readonly file: string,
    private readonly embedder: Pick<TextEmbedder, 'featurizer' | 'identity' | 'model'>,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Opens the cache of `embedder` in `dir`. A missing file is an empty cache; a file that is
   * unreadable, truncated, damaged, of another format or of another model is ignored with a
   * warning.
   */
  static async open(
    dir: string,
    embedder: Pick<TextEmbedder, 'featurizer' | 'identity' | 'model'>,
    warn: (message: string) => void = () => {},
  ): Promise<FeatureCache> {
    const cache = new FeatureCache(join(dir, cacheFileName(embedder)), embedder, warn);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(cache.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') cache.ignore(`cannot read it (${code})`);
      return cache;
    }
    try {
      ({ dim: cache.dim, vectors: cache.vectors } = parseCache(bytes, embedder.identity));
    } catch (error) {
      cache.ignore((error as Error).message);
    }
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  /** Adds a vector; its length must match the vectors already held. */
  set(key: string, vector: Float32Array): void {
    if (this.dim === 0) this.dim = vector.length;
    if (vector.length !== this.dim) {
      throw new Error(`Cache holds vectors of ${this.dim} numbers, not ${vector.length}`);
    }
    if (!this.vectors.has(key)) this.added++;
    this.vectors.set(key, vector);
  }

  /**
   * Forgets every vector: the next `save` replaces the file with this run's vectors, and those
   * other runs wrote meanwhile with the same length.
   */
  clear(): void {
    this.vectors.clear();
    this.dim = 0;
    this.added = 1;
  }

  /**
   * Writes the file when vectors were added: to a temporary file in the same folder, renamed
   * over the old one, so that readers see the old file or the new one, never a part. The file
   * is read again first and the vectors other runs wrote since it was opened (another pool in
   * the same folder, another window) are kept. No lock is taken: a file another run renames
   * into place between this read and this rename is still overwritten, and the vectors only it
   * held are embedded again by a later run. A failure is a warning, given once: the run has its
   * vectors either way.
   */
  async save(): Promise<void> {
    if (this.added === 0 || this.vectors.size === 0) return;
    const dir = dirname(this.file);
    const temporary = join(dir, `.${basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      if ((await fs.mkdir(dir, { recursive: true })) !== undefined) await markCacheFolder(dir);
      await this.merge();
      await fs.writeFile(temporary, this.serialise(), { flag: 'wx' });
      await fs.rename(temporary, this.file);
      this.added = 0;
    } catch (error) {
      await fs.rm(temporary, { force: true }).catch(() => {});
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (!this.writeFailed) {
        this.warn(
          `Cannot write the feature cache ${this.file} (${code}); the next run embeds again`,
        );
      }
      this.writeFailed = true;
    }
  }

  private ignore(reason: string): void {
    this.warn(`Ignoring the feature cache ${this.file}: ${reason}; it will be rewritten`);
  }

  /**
   * Takes in the vectors of the file as it is now that this cache does not hold. A file that is
   * missing, damaged or of another model or length adds nothing and is overwritten: opening it
   * gave the warning.
   */
  private async merge(): Promise<void> {
    let disk: CacheContents;
    try {
      disk = parseCache(await fs.readFile(this.file), this.embedder.identity);
    } catch {
      return;
    }
    if (disk.dim !== this.dim) return;
    for (const [key, vector] of disk.vectors) {
      if (!this.vectors.has(key)) this.vectors.set(key, vector);
    }
  }

  private serialise(): Buffer {
    const count = this.vectors.size;
    const keys = Buffer.alloc(count * KEY_BYTES);
    const numbers = new Float32Array(count * this.dim);
    let k = 0;
    for (const [key, vector] of this.vectors) {
      keys.write(key, k * KEY_BYTES, 'hex');
      numbers.set(vector, k * this.dim);
      k++;
    }
    const body = Buffer.concat([keys, Buffer.from(numbers.buffer)]);
    const header: CacheHeader = {
      version: VERSION,
      featurizer: this.embedder.featurizer,
      identity: sha256(this.embedder.identity),
      model: this.embedder.model,
      dim: this.dim,
      count,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(12);
    MAGIC.copy(prefix, 0);
    prefix.writeUInt32LE(headerBytes.length, 8);
    return Buffer.concat([prefix, headerBytes, body]);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The vectors of a cache file of the embedder whose identity is `identity`. Throws, saying
 * why, for a file of another format, version or model, or one that is truncated or damaged.
 */
function parseCache(bytes: Buffer, identity: string): CacheContents {
  if (endianness() !== 'LE') throw new Error('this machine is big-endian');
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) {
    throw new Error('not a Pair Curator feature cache');
  }
  const headerBytes = bytes.readUInt32LE(8);
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerBytes).toString('utf8')) as CacheHeader;
  } catch {
    throw new Error('its header is damaged');
  }
  if (header?.version !== VERSION) {
    throw new Error(`it is of format version ${header?.version}, not ${VERSION}`);
  }
  if (header.identity !== sha256(identity)) {
    throw new Error(`it holds vectors of another model, ${JSON.stringify(header.model)}`);
  }
  const { dim, count } = header;
  if (!Number.isInteger(dim) || !Number.isInteger(count) || dim < 1 || count < 0) {
    throw new Error('its header is damaged');
  }
  const keysAt = 12 + headerBytes;
  const vectorsAt = keysAt + count * KEY_BYTES;
  if (bytes.length !== vectorsAt + count * dim * 4) throw new Error('it is truncated');
  const digest = createHash('sha256').update(bytes.subarray(keysAt)).digest('hex');
  if (digest !== header.sha256) throw new Error('it is damaged (its checksum does not match)');

  const numbers = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset + vectorsAt, bytes.byteOffset + bytes.length),
  );
  for (let i = 0; i < numbers.length; i++) {
    if (!Number.isFinite(numbers[i])) throw new Error('it holds a number that is not finite');
  }
  const vectors = new Map<string, Float32Array>();
  for (let k = 0; k < count; k++) {
    const key = bytes.toString('hex', keysAt + k * KEY_BYTES, keysAt + (k + 1) * KEY_BYTES);
    vectors.set(key, numbers.subarray(k * dim, (k + 1) * dim));
  }
  return { dim: count > 0 ? dim : 0, vectors };
}

/**
 * Marks a cache folder this code created the usual ways: a CACHEDIR.TAG for backup tools and a
 * .gitignore that keeps the folder out of the curator's repository. A folder the curator chose
 * and that already existed is left as it is.
 */
async function markCacheFolder(dir: string): Promise<void> {
  const tag =
    'Signature: 8a477f597d28d172789f06886806bc55\n' +
    '# This folder holds Pair Curator feature caches; it can be deleted at any time.\n';
  for (const [name, text] of [
    ['CACHEDIR.TAG', tag],
    ['.gitignore', '*\n'],
  ]) {
    await fs.writeFile(join(dir, name), text, { flag: 'wx' }).catch(() => {});
  }
}
