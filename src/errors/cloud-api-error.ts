import { EdgeAuthError, type ErrorFamily } from './base.js';

export interface CloudErrorInit {
  /** Cloud's `error.status`, else the HTTP status; 0 for no response (network, timeout). */
  status: number;
  /** Cloud's own `error.code` (e.g. `invalid_token`), or one of ours (`timeout`, `network_error`, `bad_response`). */
  code?: string;
  cause?: unknown;
  /** Seconds from a `Retry-After` header, when Cloud sent one. */
  retryAfter?: number;
}

const UNAVAILABLE_CODES = new Set(['timeout', 'network_error', 'bad_response', 'redirect']);

/**
 * A Cloud API call failed. `family` tells "Cloud said no" (`rejected`: 400, 401, 403, 404,
 * `invalid_token`, `token_expired`, `invalid_grant`, 501 `not_implemented`) from "Cloud could not
 * be asked" (`unavailable`: status 0, 408, 429, 5xx, timeouts, network errors, unreadable bodies).
 * `invalid_project` (a wrong or missing `PROJECT_ID`) is `misconfigured`: the deployment's fault.
 *
 * @see CONTRACT.md section 1
 */
export class CloudApiError extends EdgeAuthError {
  override readonly name = 'CloudApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly family: ErrorFamily;
  readonly retryAfter: number | undefined;

  constructor(message: string, init: CloudErrorInit) {
    super(message, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfter = init.retryAfter;
    this.family = classify(init.status, init.code);
  }
}

function classify(status: number, code: string | undefined): ErrorFamily {
  // Cloud refused our project id: a deployment mistake, not a verdict about anyone's token (so it
  // must not log users out or be cached as "invalid token").
  if (code === 'invalid_project') return 'misconfigured';
  if (code === 'invalid_token' || code === 'token_expired' || code === 'invalid_grant') return 'rejected';
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    return status === 501 && code === 'not_implemented' ? 'rejected' : 'unavailable';
  }
  return 'rejected';
}
