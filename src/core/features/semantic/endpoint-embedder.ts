/**
 * An OpenAI-compatible embeddings endpoint (Ollama, vLLM, text-embeddings-inference, a hosted
 * service): `POST {model, input: [texts]}`, answered with `{data: [{embedding, index}]}`.
 * Requests go one batch at a time, each with a timeout; 429, 5xx and network failures are
 * retried with exponential backoff, other statuses fail at once.
 */
import { createHash } from 'node:crypto';
import { throwIfAborted } from '../../design/cooperative';
import type { BatchContext, TextEmbedder } from './text-embedder';

export interface EndpointOptions {
  /**
   * The server (`http://localhost:11434`, `http://host:8000/v1`), to which `/v1/embeddings` or
   * `/embeddings` is added, or the full URL of the embeddings route (a path ending in
   * `/embeddings`), used as given.
   */
  url: string;
  /** The `model` field of every request; part of the cache key. */
  model: string;
  /** Sent as `Authorization: Bearer <key>`; never logged, cached or reported. */
  apiKey?: string;
  /** The environment variable `apiKey` was read from, named when the key is refused. */
  apiKeyVariable?: string;
  /** Texts per request (default 32: text-embeddings-inference's largest batch unless told). */
  batchSize?: number;
  /** Time allowed for one request, answer included (default 60,000 ms). */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a timeout or a network error (default 4). */
  retries?: number;
  /** First wait before a retry, doubled after each (default 500 ms). */
  retryDelayMs?: number;
  /** Longest wait before a retry, a server's Retry-After included (default 30,000 ms). */
  maxRetryDelayMs?: number;
}

/** A failure of the endpoint that retrying will not mend, or that persisted through retries. */
export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** The environment variable the API key is read from unless the curator names another. */
export const API_KEY_VARIABLE = 'PAIR_CURATOR_EMBEDDINGS_KEY';

/** Largest answer read for one batch: 32 texts of 4,096 numbers take about 3 MB. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * The API key as it is sent, or undefined for none (absent or empty). White space around it is
 * dropped, as HTTP drops it around a header value. A key that is then blank, or that holds a
 * character a header value cannot carry (a line break, another control character, anything
 * outside printable ASCII), is refused before any request, naming `variable` and never the key:
 * fetch would refuse it too, quoting it in its message.
 */
export function checkApiKey(
  key: string | undefined,
  variable: string = API_KEY_VARIABLE,
): string | undefined {
  if (key === undefined || key === '') return undefined;
  const trimmed = key.trim();
  if (trimmed === '') {
    throw new EndpointError(
      `The API key in ${variable} is blank; set it to the key, or unset it for a server ` +
        'that needs none',
    );
  }
  if (!/^[\x20-\x7e]+$/.test(trimmed)) {
    throw new EndpointError(
      `The API key in ${variable} holds a line break, a control character or a character ` +
        'outside printable ASCII, which an HTTP header cannot carry; set it to the key alone',
    );
  }
  return trimmed;
}

/** A scheme and its slashes at the start of a URL. */
const SCHEME = /^\s*[a-z][a-z\d+.-]*:\/\//i;

/**
 * `raw`, a URL as the curator typed it, fit to quote in a message: everything before its last
 * `@` (a user name and password) and its query and fragment (which may carry a key) replaced.
 */
export function quotableUrl(raw: string): string {
  const scheme = SCHEME.exec(raw)?.[0] ?? '';
  let rest = raw.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `***${rest.slice(at)}`;
  const query = rest.search(/[?#]/);
  if (query >= 0) rest = `${rest.slice(0, query)}?***`;
  return scheme + rest;
}

/**
 * The URL requests go to. A path that ends in `/embeddings` is kept; otherwise `/embeddings` is
 * added to a path ending in `/v1`, and `/v1/embeddings` to any other.
 */
export function embeddingsUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointError(
      `The embeddings URL '${quotableUrl(raw)}' is not a URL; give http(s)://host:port`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // Without `//`, what parsed as the scheme may be a user name (`user:password@host`).
    const given = SCHEME.test(raw) ? url.protocol : `'${quotableUrl(raw)}'`;
    throw new EndpointError(`The embeddings URL must use http or https, got ${given}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new EndpointError(
      'The embeddings URL holds credentials; remove them and pass the API key through the ' +
        'environment instead',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/embeddings')) {
    url.pathname = path.endsWith('/v1') ? `${path}/embeddings` : `${path}/v1/embeddings`;
  }
  return url;
}

/** The URL as reports and errors show it: no query, which may carry a key. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * What decides the endpoint's vectors besides the text: the URL and the model. A query
 * (`?api-version=...`, a deployment) can change the model behind a URL, so it counts too, but
 * only as a hash: it may carry a key.
 */
function endpointIdentity(url: URL, model: string): string {
  const identity = `endpoint\n${displayUrl(url)}\n${model}`;
  if (url.search === '') return identity;
  const query = createHash('sha256').update(`embeddings URL query\n${url.search}`).digest('hex');
  return `${identity}\nquery sha256 ${query}`;
}

/**
 * An OpenAI-compatible endpoint as a `TextEmbedder`. A key a header cannot carry is refused
 * here, before any request.
 */
export function createEndpointEmbedder(options: EndpointOptions): TextEmbedder {
  const url = embeddingsUrl(options.url);
  const model = options.model.trim();
  if (model === '') throw new EndpointError('The embeddings endpoint needs a model name');
  const apiKey = checkApiKey(options.apiKey, options.apiKeyVariable);
  const shown = displayUrl(url);
  const settings = {
    url,
    shown,
    model,
    apiKey,
    timeoutMs: options.timeoutMs ?? 60_000,
    retries: options.retries ?? 4,
    retryDelayMs: options.retryDelayMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
  };
  const state = { dim: 0 };
  return {
    featurizer: 'endpoint',
    model,
    url: shown,
    identity: endpointIdentity(url, model),
    batchSize: options.batchSize ?? 32,
    embed: async (texts, context) => {
      // Every message leaves through here, so the key is masked whatever put it there: a
      // server's answer, fetch's own messages, a network error.
      const { warn } = context;
      const masked = { ...context, warn: warn && ((text: string) => warn(maskKey(text, apiKey))) };
      try {
        const vectors = await requestWithRetries(settings, texts, masked, state.dim);
        state.dim = vectors[0].length;
        return vectors;
      } catch (error) {
        throw withoutKey(error, apiKey);
      }
    },
  };
}

/** `text` with every occurrence of the key, also as JSON or a URL escapes it, replaced. */
function maskKey(text: string, key: string | undefined): string {
  if (key === undefined) return text;
  const forms = new Set([key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key)]);
  for (const form of forms) text = text.split(form).join('[key]');
  return text;
}

/** The error, or an `EndpointError` of the same message with the key masked when it holds it. */
function withoutKey(error: unknown, key: string | undefined): unknown {
  if (key === undefined || !(error instanceof Error)) return error;
  const message = maskKey(error.message, key);
  return message === error.message ? error : new EndpointError(message);
}

type Settings = {
  url: URL;
  shown: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
};

/** One batch: the request, repeated after transient failures, then the validated answer. */
async function requestWithRetries(
  settings: Settings,
  texts: string[],
  context: BatchContext,
  dim: number,
): Promise<Float32Array[]> {
  const { batch, batches } = context;
  const where = `Embeddings endpoint ${settings.shown}, batch ${batch} of ${batches}`;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(context.signal);
    let failure: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await post(settings, texts, context.signal);
      const body = await readBody(response, where);
      if (response.ok) return parseEmbeddings(body, texts.length, dim, where);
      failure = `HTTP ${response.status}${excerpt(body)}`;
      if (response.status !== 429 && response.status < 500) {
        throw new EndpointError(`${where}: ${failure}${hint(response.status)}`);
      }
      retryAfterMs = retryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof EndpointError) throw error;
      throwIfAborted(context.signal);
      const name = (error as Error).name;
      const cause = networkCause(error);
      if (cause === 'unexpected redirect') {
        throw new EndpointError(`${where}: the server redirects; give the URL it redirects to`);
      }
      failure =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${settings.timeoutMs / 1000} s`
          : `network error (${cause})`;
    }
    if (attempt >= settings.retries) {
      const tries = attempt + 1;
      throw new EndpointError(
        `${where}: ${failure}, after ${tries} attempt${tries > 1 ? 's' : ''}`,
      );
    }
    const backoff = settings.retryDelayMs * 2 ** attempt;
    const delay = Math.min(settings.maxRetryDelayMs, retryAfterMs ?? backoff);
    context.warn?.(
      `${where}: ${failure}; retrying in ${(delay / 1000).toFixed(1)} s ` +
        `(attempt ${attempt + 2} of ${settings.retries + 1})`,
    );
    await sleep(delay, context.signal);
  }
}

async function post(settings: Settings, texts: string[], signal?: AbortSignal): Promise<Response> {
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  return fetch(settings.url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: settings.model, input: texts }),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    // A redirect would resend the texts and the key to a host the curator did not name.
    redirect: 'error',
  });
}

/** The answer's text, refusing answers too large to be embeddings of one batch. */
async function readBody(response: Response, where: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new EndpointError(
        `${where}: the answer exceeds ${MAX_RESPONSE_BYTES / 2 ** 20} MB; lower the batch size`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Checks an answer and returns its vectors in input order: `data` has one entry per text, each
 * with a distinct `index` (or none has one, and order decides), every entry a non-empty list of
 * finite numbers, all of one length, and that length `dim` when earlier batches fixed it.
 */
export function parseEmbeddings(
  body: string,
  count: number,
  dim: number,
  where: string,
): Float32Array[] {
  const fail = (problem: string) => new EndpointError(`${where}: ${problem}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw fail(`the answer is not JSON${excerpt(body)}`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw fail('the answer has no "data" list of embeddings');
  if (data.length !== count) {
    throw fail(`the answer holds ${data.length} embeddings for ${count} texts`);
  }

  const indexed = data.filter((item) => (item as { index?: unknown })?.index !== undefined);
  if (indexed.length !== 0 && indexed.length !== count) {
    throw fail(`${count - indexed.length} of ${count} embeddings have no "index"`);
  }
  const vectors: (Float32Array | undefined)[] = new Array(count);
  data.forEach((item, position) => {
    const entry = item as { index?: unknown; embedding?: unknown } | null;
    const index = indexed.length === 0 ? position : entry?.index;
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) {
      throw fail(`entry ${position} has index ${JSON.stringify(index)}, not 0 to ${count - 1}`);
    }
    if (vectors[index as number] !== undefined) throw fail(`index ${index} appears twice`);
    vectors[index as number] = vectorOf(entry?.embedding, index as number, fail);
  });

  const width = dim > 0 ? dim : (vectors[0] as Float32Array).length;
  vectors.forEach((vector, index) => {
    if (vector!.length === width) return;
    const earlier = dim > 0 ? 'earlier batches had' : `embedding 0 has`;
    throw fail(`embedding ${index} has ${vector!.length} numbers, ${earlier} ${width}`);
  });
  return vectors as Float32Array[];
}

function vectorOf(
  embedding: unknown,
  index: number,
  fail: (problem: string) => EndpointError,
): Float32Array {
  if (typeof embedding === 'string') {
    throw fail(`embedding ${index} is a string (base64?); the server must answer with numbers`);
  }
  if (!Array.isArray(embedding) || embedding.length === 0) {
    throw fail(`embedding ${index} is not a non-empty list of numbers`);
  }
  const vector = new Float32Array(embedding.length);
  for (let j = 0; j < embedding.length; j++) {
    const value: unknown = embedding[j];
    if (typeof value !== 'number') {
      const shown = JSON.stringify(value);
      const quoted = shown.length > 40 ? `${shown.slice(0, 40)}...` : shown;
      throw fail(`embedding ${index} has ${quoted} at position ${j}, not a number`);
    }
    vector[j] = value;
    // JSON allows any double; the vectors are float32, whose largest magnitude is 3.4e38.
    if (!Number.isFinite(vector[j])) {
      throw fail(
        `embedding ${index} has ${value} at position ${j}, which does not fit a 32-bit float ` +
          '(largest 3.4e+38)',
      );
    }
  }
  return vector;
}

/** What to check after a status that retrying does not mend. */
function hint(status: number): string {
  if (status === 401 || status === 403) return '; check the API key';
  if (status === 404) return '; check the URL and the model name';
  if (status === 413) return '; lower the batch size';
  if (status === 400 || status === 422) {
    return (
      '; the server refused the request: check the model name, or lower the batch size ' +
      'or cut long texts (some servers refuse texts longer than their context)'
    );
  }
  return '';
}

/** A short, single-line quotation of a server's answer (the key is masked where it leaves). */
function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}

/** Retry-After in milliseconds, from seconds or an HTTP date; undefined when absent or bad. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      try {
        throwIfAborted(signal);
      } catch (error) {
        reject(error);
      }
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
