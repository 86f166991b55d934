/**
 * Headers the gateway puts on the runner's answers to authenticated requests.
 *
 * @module
 */

const PRIVATE = 'private, no-store';
/** An answer that depends on who asked must never be served to someone else by a shared cache. */
const VARY_ON = ['Cookie', 'Authorization'];

/**
 * The runner's answer to an authenticated request, made safe for caches: `Cache-Control:
 * private, no-store` unless the runner already said `private` or `no-store` (always when the
 * gateway adds a `Set-Cookie`), and `Vary: Cookie, Authorization` merged into the runner's `Vary`.
 *
 * @param response - the runner's response (its headers may be immutable: a copy is made)
 * @param cookies - `Set-Cookie` values the gateway adds (a slid session), appended one by one
 * @returns the response to send
 */
export function privateAnswer(response: Response, cookies: readonly string[]): Response {
  if (response.status < 200) return response;
  const copy = new Response(response.body, response);
  const headers = copy.headers;
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  const directives = (headers.get('Cache-Control') ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim().split('=')[0]);
  if (cookies.length > 0 || !(directives.includes('private') || directives.includes('no-store'))) {
    headers.set('Cache-Control', PRIVATE);
  }
  appendVary(headers, VARY_ON);
  return copy;
}

/**
 * Adds names to `Vary` without repeating any already there (`*` stays `*`).
 *
 * @param headers - mutable headers
 * @param names - header names to vary on
 */
export function appendVary(headers: Headers, names: readonly string[]): void {
  const current = headers.get('Vary');
  if (current?.trim() === '*') return;
  const present = (current ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const lower = new Set(present.map((name) => name.toLowerCase()));
  const added = names.filter((name) => !lower.has(name.toLowerCase()));
  if (added.length > 0) headers.set('Vary', [...present, ...added].join(', '));
}
