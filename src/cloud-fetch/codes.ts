/**
 * Error codes a `CloudApiError` from this client can carry.
 *
 * @see CONTRACT.md section 1 ("Status meanings")
 * @module
 */
import type { CloudErrorCode } from '../errors/index.js';

/**
 * Codes Cloud itself sends in `error.code` (rejections), and the codes this client assigns when
 * Cloud could not be asked or answered something unreadable (all `unavailable`).
 */
export const WIRE_ERROR_CODES = {
  /** Cloud: the token is bad (definitive "no"). */
  invalidToken: 'invalid_token',
  /** Cloud: the token has expired (definitive "no"). */
  tokenExpired: 'token_expired',
  /** Cloud: the authorization code is bad, used or expired. */
  invalidGrant: 'invalid_grant',
  /** Cloud: `X-Project-ID` is missing or unknown. */
  invalidProject: 'invalid_project',
  /** Ours: the attempt ran out of time (status 0). */
  timeout: 'timeout',
  /** Ours: `fetch` threw (status 0). */
  networkError: 'network_error',
  /** Ours: the body was not JSON, too large, not an envelope, or `data` had the wrong shape. */
  badResponse: 'bad_response',
  /** Ours: Cloud answered 3xx; redirects are never followed. */
  redirect: 'redirect',
} as const satisfies Record<string, CloudErrorCode>;

/** One of {@link WIRE_ERROR_CODES}. Cloud may send other codes too; they are passed through. */
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[keyof typeof WIRE_ERROR_CODES];
