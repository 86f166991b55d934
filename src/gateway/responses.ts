/** Headers every response the gateway makes itself carries: auth answers are never cached. */
const NO_STORE = 'no-store';

/**
 * A JSON response made by the gateway (never by the runner): `Cache-Control: no-store`.
 *
 * @param status - HTTP status
 * @param body - JSON-serializable body
 * @param headers - extra headers; `Set-Cookie` values are appended one by one, never comma-joined
 * @returns the response
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: { readonly set?: Readonly<Record<string, string>>; readonly cookies?: readonly string[] } = {},
): Response {
  const out = new Headers({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE });
  for (const [name, value] of Object.entries(headers.set ?? {})) out.set(name, value);
  for (const cookie of headers.cookies ?? []) out.append('Set-Cookie', cookie);
  return new Response(JSON.stringify(body), { status, headers: out });
}

/**
 * A 302 made by the gateway, with `Cache-Control: no-store` and optional cookies.
 *
 * @param location - absolute URL or same-origin path
 * @param cookies - `Set-Cookie` values, appended one by one
 * @returns the response
 */
export function redirectResponse(location: string, cookies: readonly string[] = []): Response {
  const out = new Headers({ Location: location, 'Cache-Control': NO_STORE });
  for (const cookie of cookies) out.append('Set-Cookie', cookie);
  return new Response(null, { status: 302, headers: out });
}
