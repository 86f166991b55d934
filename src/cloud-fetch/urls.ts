import { parseHttpUrl } from '../http/url.js';
/**
 * Pure URL building for Cloud: base URL and path normalization, API URLs, the browser login
 * and logout URLs. No I/O. Bad input is a `TypeError` naming the parameter.
 *
 * @see CONTRACT.md section 1 (call table)
 * @module
 */

export const DEFAULT_BASE_URL = 'https://cloud.mastra.ai';
export const DEFAULT_API_PREFIX = '/api/v1';
export const DEFAULT_AUTH_PATH = '/auth/oss';
export const LOGOUT_PATH = '/auth/logout';

// Path segments of RFC 3986 (pchar), without dot segments, which URL parsers would collapse.
const PATH = /^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)*$/;
// An S256 challenge is base64url(SHA-256(verifier)) without padding: always 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_CHARS = 2048;

/**
 * Normalizes a Cloud base URL: http(s) only, no credentials, query or fragment; trailing `/` dropped.
 *
 * @param value - the configured base URL.
 * @param name - the option's name, for the error.
 * @returns origin plus path, without a trailing slash (`https://cloud.mastra.ai`).
 * @throws {TypeError} naming `name` when the value is not such a URL.
 */
export function normalizeBaseUrl(value: unknown, name = 'baseUrl'): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  const url = parseHttpUrl(value);
  if (url === null) throw new TypeError(`${name} must be an absolute http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new TypeError(`${name} must not carry credentials`);
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new TypeError(`${name} must not have a query or fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Normalizes a path option (`/api/v1`): starts with `/`, plain segments, trailing `/` dropped.
 *
 * @param value - the configured path.
 * @param name - the option's name, for the error.
 * @param allowEmpty - whether `''` (or `/`, meaning the root) is accepted.
 * @throws {TypeError} naming `name` when the value is not such a path.
 */
export function normalizePath(value: unknown, name: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  const path = value.replace(/\/+$/, '');
  if (path === '' && !allowEmpty) throw new TypeError(`${name} must be a non-empty path`);
  if (path !== '' && !value.startsWith('/')) throw new TypeError(`${name} must start with '/'`);
  const dotSegment = path.split('/').some((segment) => segment === '.' || segment === '..');
  if (!PATH.test(path) || dotSegment) throw new TypeError(`${name} must be a plain URL path`);
  return path;
}

/**
 * The path of a user (`/users/{userId}`), `userId` percent-encoded with `encodeURIComponent`.
 *
 * @throws {TypeError} when `userId` is empty or a dot segment (`.`/`..` would climb the path).
 */
export function userPath(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0)
    throw new TypeError('userId must be a non-empty string');
  // encodeURIComponent leaves dots alone, and URL parsers treat `..` (and `%2e%2e`) as "parent".
  if (userId === '.' || userId === '..') throw new TypeError('userId must not be a dot segment');
  return `/users/${encodeURIComponent(userId)}`;
}

/**
 * Checks a redirect URI: an absolute http(s) URL without a fragment (RFC 6749 section 3.1.2).
 *
 * @throws {TypeError} naming `name`.
 */
export function assertRedirectUri(value: unknown, name = 'redirectUri'): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  const url = parseHttpUrl(value);
  if (url === null) throw new TypeError(`${name} must be an absolute http(s) URL`);
  if (url.hash !== '' || value.includes('#')) throw new TypeError(`${name} must not have a fragment`);
  return value;
}

/**
 * The browser login URL: `{base}{authPath}?project_id&redirect_uri&state&code_challenge&code_challenge_method=S256`.
 *
 * @param base - normalized base URL.
 * @param authPath - normalized login path.
 * @param projectId - sent as `project_id`.
 * @param params - redirect URI, state and the S256 code challenge.
 * @throws {TypeError} naming the bad parameter.
 */
export function buildLoginUrl(
  base: string,
  authPath: string,
  projectId: string,
  params: { redirectUri: string; state: string; codeChallenge: string },
): string {
  if (typeof params !== 'object' || params === null)
    throw new TypeError('getLoginUrl: params must be an object');
  const redirectUri = assertRedirectUri(params.redirectUri);
  const { state, codeChallenge } = params;
  if (typeof state !== 'string' || state.length === 0 || state.length > MAX_STATE_CHARS) {
    throw new TypeError(`state must be a non-empty string of at most ${MAX_STATE_CHARS} characters`);
  }
  if (typeof codeChallenge !== 'string' || !S256_CHALLENGE.test(codeChallenge)) {
    throw new TypeError('codeChallenge must be an S256 challenge (43 base64url characters)');
  }
  const query = new URLSearchParams({
    project_id: projectId,
    redirect_uri: redirectUri,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${base}${authPath}?${query.toString()}`;
}

/**
 * The browser logout URL: `{base}/auth/logout?<query>`, the query built from the checked
 * `redirectUri` (v1: `redirect_uri`; released: `post_logout_redirect_uri` and `id_token_hint`).
 *
 * @throws {TypeError} when `redirectUri` is not an absolute http(s) URL.
 */
export function buildLogoutUrl(
  base: string,
  redirectUri: string,
  query: (redirectUri: string) => Record<string, string> = (uri) => ({ redirect_uri: uri }),
): string {
  const params = new URLSearchParams(query(assertRedirectUri(redirectUri)));
  return `${base}${LOGOUT_PATH}?${params.toString()}`;
}
