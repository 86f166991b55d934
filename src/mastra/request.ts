/**
 * Reading headers from whatever request shape a Mastra server (or a gateway) hands over.
 *
 * @see CONTRACT.md section 2 ("cookies are the provider's to read")
 * @module
 */
import type { MastraAuthRequest } from './interfaces.js';

/** A plain header record (Express `IncomingHttpHeaders`, a Node header object, a test double). */
export type HeaderRecord = Record<string, string | string[] | undefined>;

/** Every shape {@link getRequestHeader} can read from. */
export type HeaderSource = MastraAuthRequest | Headers | HeaderRecord | null | undefined;

/**
 * Read one header from a fetch `Request`, a `{ raw }` wrapper (Hono), a `Headers`, an object with
 * `header(name)`, or a plain header object (case-insensitive, first value of an array).
 *
 * Never throws: an invalid header name, a throwing getter or an unexpected value type gives `null`.
 *
 * @param request - The request or header container; `null`/`undefined` give `null`.
 * @param name - Header name, any case.
 * @returns The header value, or `null` when absent or unreadable.
 * @example
 * ```ts
 * getRequestHeader(new Request('https://x', { headers: { Cookie: 'a=1' } }), 'cookie'); // 'a=1'
 * getRequestHeader({ 'x-playground-access': ['t1', 't2'] }, 'X-Playground-Access'); // 't1'
 * ```
 */
export function getRequestHeader(request: HeaderSource, name: string): string | null {
  if (typeof name !== 'string' || name === '') return null;
  try {
    return readHeader(request, name);
  } catch {
    return null;
  }
}

function readHeader(source: unknown, name: string): string | null {
  if (!isObject(source)) return null;
  // The common shapes first, without probing properties (the hot path of every provider).
  if (source instanceof Request) return source.headers.get(name);
  if (source instanceof Headers) return source.get(name);
  if (hasGetMethod(source)) return asHeaderValue(source.get(name));

  // A wrapper's own `Headers` first: it is the raw request's (Mastra passes the same object), and
  // reading it leaves a lazily built `raw` unbuilt.
  const headers: unknown = Reflect.get(source, 'headers');
  if (hasGetMethod(headers)) return asHeaderValue(headers.get(name));

  const raw: unknown = Reflect.get(source, 'raw');
  if (isObject(raw)) {
    const rawHeaders: unknown = Reflect.get(raw, 'headers');
    if (hasGetMethod(rawHeaders)) return asHeaderValue(rawHeaders.get(name));
  }

  const header: unknown = Reflect.get(source, 'header');
  if (typeof header === 'function') return asHeaderValue(Reflect.apply(header, source, [name]));

  if (isObject(headers) && !Array.isArray(headers)) return readRecord(headers, name);
  return readRecord(source, name);
}

/** Case-insensitive look-up over own keys only; an array yields its first string. */
function readRecord(record: object, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== wanted) continue;
    const value: unknown = Reflect.get(record, key);
    return asHeaderValue(Array.isArray(value) ? value[0] : value);
  }
  return null;
}

function asHeaderValue(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function hasGetMethod(value: unknown): value is { get(name: string): unknown } {
  return isObject(value) && typeof Reflect.get(value, 'get') === 'function';
}
