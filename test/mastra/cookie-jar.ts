/**
 * A small browser stand-in for the integration tests: a cookie jar for one host (browsers do not
 * separate cookies by port, so the emulator and the Mastra server on 127.0.0.1 share it) and a
 * `navigate` that follows redirects across origins the way a browser does, sending the cookies
 * that match each request's path.
 *
 * @module
 */

interface StoredCookie {
  value: string;
  path: string;
}

/** Cookies for one host, honouring `Path`, `Max-Age` and `Expires` (deletion). */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Applies every `Set-Cookie` of a response. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) this.#apply(line);
  }

  /** The `Cookie` header a browser would send to `url`, or `undefined` when none matches. */
  headerFor(url: string | URL): string | undefined {
    const path = new URL(url).pathname;
    const pairs = [...this.#cookies]
      .filter(([, cookie]) => pathMatches(path, cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  /** The value of one cookie, or `undefined`. */
  get(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  /** Names of the cookies held. */
  names(): string[] {
    return [...this.#cookies.keys()];
  }

  /** A copy holding the same cookies (to replay an old cookie after logout). */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, cookie] of this.#cookies) copy.#cookies.set(name, { ...cookie });
    return copy;
  }

  #apply(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', raw = ''] = attribute.split('=', 2).map((part) => part.trim());
      const lower = key.toLowerCase();
      if (lower === 'path' && raw.startsWith('/')) path = raw;
      if (lower === 'max-age' && Number(raw) <= 0) expired = true;
      if (lower === 'expires' && Date.parse(raw) <= Date.now()) expired = true;
    }
    if (expired) this.#cookies.delete(name);
    else this.#cookies.set(name, { value, path });
  }
}

/** RFC 6265 section 5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** One hop of a navigation, as the browser saw it. */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
}

/**
 * Requests `url` like a browser: sends the jar's cookies, stores `Set-Cookie`, and follows
 * redirects (up to `maxHops`) across origins.
 *
 * @returns every hop and the final response
 */
export async function navigate(
  url: string,
  jar: CookieJar,
  options: { maxHops?: number } = {},
): Promise<{ hops: Hop[]; response: Response }> {
  const hops: Hop[] = [];
  let current = url;
  for (let hop = 0; hop <= (options.maxHops ?? 10); hop++) {
    const headers = new Headers({ accept: 'text/html' });
    const cookie = jar.headerFor(current);
    if (cookie !== undefined) headers.set('cookie', cookie);
    const response = await fetch(current, { headers, redirect: 'manual' });
    jar.store(response);
    const location = response.headers.get('location');
    hops.push({
      url: current,
      status: response.status,
      location,
      setCookies: response.headers.getSetCookie(),
    });
    if (response.status < 300 || response.status >= 400 || location === null) return { hops, response };
    await response.body?.cancel();
    current = new URL(location, current).href;
  }
  throw new Error(`more than ${options.maxHops ?? 10} redirects from ${url}`);
}
