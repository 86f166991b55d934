/**
 * Query parameters that carry credentials (Mastra's server reads `apiKey`; OAuth-style clients
 * send `access_token`). The gateway never reads a token from a URL, and never passes one on.
 *
 * @module
 */

/** Lower-cased names of credential query parameters. */
export const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set([
  'apikey',
  'api_key',
  'api-key',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'jwt',
  'auth',
  'authorization',
]);

/** Whether one raw `name=value` query pair names a credential (decoded as `URLSearchParams` does). */
function isCredentialPair(pair: string): boolean {
  for (const name of new URLSearchParams(pair).keys()) return CREDENTIAL_PARAMS.has(name.toLowerCase());
  return false;
}

/**
 * Whether a query string carries a credential parameter.
 *
 * @param search - `url.search` (with or without the leading `?`)
 * @returns true when any parameter is a credential one
 */
export function hasCredentialParam(search: string): boolean {
  const query = search.startsWith('?') ? search.slice(1) : search;
  return query !== '' && query.split('&').some(isCredentialPair);
}

/**
 * A query string without its credential parameters; every other pair is kept byte for byte.
 *
 * @param search - `url.search`
 * @returns the new search (`''` or starting with `?`)
 * @example
 * withoutCredentialParams('?a=1&apiKey=s3cret&b=%20'); // '?a=1&b=%20'
 */
export function withoutCredentialParams(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return '';
  const kept = query.split('&').filter((pair) => !isCredentialPair(pair));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}
