import { InvalidRequestError } from '../errors/index.js';
import { isBearerToken, parseAuthorizationHeader } from '../http/authorization.js';
import { MAX_TOKEN_LENGTH } from '../policy/limits.js';
import { readOwnCookies } from './cookie-header.js';

/** The longest `Authorization` header accepted (the scheme, one space and the token). */
export const MAX_AUTHORIZATION_LENGTH = 4096 + 16;

/** The header Mastra's playground sends its service token in. */
export const PLAYGROUND_HEADER = 'X-Playground-Access';

/** Which credential a request carries; the gateway reads tokens from headers and its cookie only. */
export type Credential =
  | { readonly kind: 'token'; readonly token: string; readonly source: 'authorization' | 'playground' }
  | { readonly kind: 'session'; readonly cookie: string }
  | { readonly kind: 'none' };

/**
 * Parses an `Authorization` header strictly (RFC 9110 section 11.6.2, RFC 6750 section 2.1):
 * `Bearer` (any case), one or more spaces, one token68. Anything else is refused, never guessed at.
 *
 * @param header - the header value (a repeated header arrives comma-joined, and is refused)
 * @returns the bearer token, or null when the header is absent
 * @throws InvalidRequestError `invalid_authorization`: 400 for a malformed header (scheme only,
 *   two credentials, characters outside token68, over-long); 401 for a well-formed other scheme
 * @example
 * parseAuthorization('bearer abc.def'); // 'abc.def'
 */
export function parseAuthorization(header: string | null): string | null {
  if (header === null) return null;
  if (header.length > MAX_AUTHORIZATION_LENGTH) throw malformed('The Authorization header is too long.');
  const parsed = parseAuthorizationHeader(header);
  switch (parsed.kind) {
    case 'other_scheme':
      throw new InvalidRequestError('invalid_authorization', 'Only Bearer credentials are accepted.', {
        status: 401,
      });
    case 'malformed':
      throw malformed(MALFORMED_MESSAGES[parsed.reason]);
    case 'bearer':
      if (parsed.token.length > MAX_TOKEN_LENGTH) throw malformed('The bearer token is too long.');
      return parsed.token;
  }
}

const MALFORMED_MESSAGES = {
  bad_scheme: 'The Authorization header is malformed.',
  no_token: 'The Authorization header has no token.',
  bad_token: 'The Authorization header must carry exactly one token.',
} as const;

/**
 * Parses `X-Playground-Access`: one token68, bounded.
 *
 * @param header - the header value
 * @returns the token, or null when absent
 * @throws InvalidRequestError `invalid_authorization` (400) when malformed or over-long
 */
export function parsePlaygroundAccess(header: string | null): string | null {
  if (header === null) return null;
  const token = header.trim();
  if (token === '' || token.length > MAX_TOKEN_LENGTH || !isBearerToken(token)) {
    throw malformed(`The ${PLAYGROUND_HEADER} header is malformed.`);
  }
  return token;
}

/**
 * Reads the one credential of a request: `Authorization: Bearer`, else `X-Playground-Access`,
 * else the gateway's session cookie. Tokens never come from the query string.
 *
 * @param request - the incoming request
 * @param sessionCookieNames - the names the session cookie may have
 * @returns the credential (`none` when there is none)
 * @throws InvalidRequestError `invalid_authorization` (malformed header, or two different header
 *   tokens) or `invalid_cookie` (duplicated, garbled or oversized session cookie)
 */
export function readCredential(request: Request, sessionCookieNames: readonly string[]): Credential {
  const bearer = parseAuthorization(request.headers.get('Authorization'));
  const playground = parsePlaygroundAccess(request.headers.get(PLAYGROUND_HEADER));
  // The cookie is checked even when a header token wins, so a garbled one never slips through.
  const cookies = readOwnCookies(request.headers.get('Cookie'), sessionCookieNames);
  if (bearer !== null && playground !== null && bearer !== playground) {
    throw malformed(`Send one credential: Authorization or ${PLAYGROUND_HEADER}, not two different ones.`);
  }
  if (bearer !== null) return { kind: 'token', token: bearer, source: 'authorization' };
  if (playground !== null) return { kind: 'token', token: playground, source: 'playground' };
  for (const name of sessionCookieNames) {
    const cookie = cookies.get(name);
    if (cookie !== undefined) return { kind: 'session', cookie };
  }
  return { kind: 'none' };
}

function malformed(message: string): InvalidRequestError {
  return new InvalidRequestError('invalid_authorization', message);
}
