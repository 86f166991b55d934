/**
 * The stable `code` of every error this package throws on purpose. Switch on `error.code` (the
 * compiler checks the switch is exhaustive); `family` and `status` follow from it. The README's
 * "Error codes" table documents each one.
 *
 * @module
 */

/**
 * Codes of `CloudApiError`. Cloud's own codes pass through (`invalid_token`, `token_expired`,
 * `invalid_grant`, `invalid_project`); `token_revoked` is a revocation mark of ours,
 * `not_implemented` an operation Cloud users cannot do (`createSession`: sessions come from SSO); `timeout`,
 * `network_error`, `bad_response` and `redirect` are the client's; any other answer is
 * `cloud_rejected` (a 4xx "no") or `cloud_unavailable` (no answer, 408, 429, 5xx).
 */
export const CLOUD_ERROR_CODES = [
  'invalid_token',
  'token_expired',
  'token_revoked',
  'invalid_grant',
  'invalid_project',
  'not_implemented',
  'timeout',
  'network_error',
  'bad_response',
  'redirect',
  'circuit_open',
  'cloud_rejected',
  'cloud_unavailable',
] as const;
export type CloudErrorCode = (typeof CLOUD_ERROR_CODES)[number];

/** Codes of `InvalidRequestError`: the request's own input was refused. */
export const INVALID_REQUEST_CODES = [
  'invalid_request',
  'invalid_state',
  'invalid_cookie',
  'invalid_redirect',
  'invalid_authorization',
  'method_not_allowed',
  'cross_site_request',
] as const;
export type InvalidRequestCode = (typeof INVALID_REQUEST_CODES)[number];

/** Every code an `EdgeAuthError` can carry. */
export type ErrorCode =
  | CloudErrorCode
  | InvalidRequestCode
  | 'invalid_config'
  | 'storage_unavailable'
  | 'rate_limited';

/** All codes, for tables and tests. */
export const ERROR_CODES: readonly ErrorCode[] = [
  ...CLOUD_ERROR_CODES,
  ...INVALID_REQUEST_CODES,
  'invalid_config',
  'storage_unavailable',
  'rate_limited',
];
