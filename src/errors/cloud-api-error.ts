import { EdgeAuthError, type ErrorFamily } from './base.js';
import { CLOUD_ERROR_CODES, type CloudErrorCode } from './codes.js';

export interface CloudErrorInit {
  /** Cloud's `error.status`, else the HTTP status; 0 for no response (network, timeout). */
  status: number;
  /** Cloud's own `error.code` (e.g. `invalid_token`), or one of ours (`timeout`, `network_error`, `bad_response`). */
  code?: string;
  cause?: unknown;
  /** Seconds from a `Retry-After` header, when Cloud sent one. */
  retryAfter?: number;
}

const REJECTED_CODES = new Set([
  'invalid_token',
  'token_expired',
  'invalid_grant',
  'token_revoked',
  'not_implemented',
]);
const UNAVAILABLE_CODES = new Set(['timeout', 'network_error', 'bad_response', 'redirect', 'circuit_open']);

/**
 * A Cloud API call failed. `family` tells "Cloud said no" (`rejected`: 400, 401, 403, 404,
 * `invalid_token`, `token_expired`, `token_revoked`, `invalid_grant`, 501 `not_implemented`) from "Cloud could not
 * be asked" (`unavailable`: status 0, 408, 429, 5xx, timeouts, network errors, unreadable bodies).
 * `invalid_project` (a wrong or missing `PROJECT_ID`) is `misconfigured`: the deployment's fault.
 *
 * @see CONTRACT.md section 1
 */
export class CloudApiError extends EdgeAuthError {
  override readonly name = 'CloudApiError';
  readonly status: number;
  /** Stable: Cloud's known codes and the client's own pass through; any other answer is `cloud_rejected` / `cloud_unavailable`. */
  readonly code: CloudErrorCode;
  /** The code exactly as Cloud (or the client) gave it, for logs; `undefined` when there was none. */
  readonly cloudCode: string | undefined;
  readonly family: ErrorFamily;
  readonly retryAfter: number | undefined;

  constructor(message: string, init: CloudErrorInit) {
    super(message, { cause: init.cause });
    this.status = init.status;
    this.cloudCode = init.code;
    this.retryAfter = init.retryAfter;
    this.family = classify(init.status, init.code);
    this.code = stableCode(init.code, this.family);
  }
}

function classify(status: number, code: string | undefined): ErrorFamily {
  // Cloud refused our project id: a deployment mistake, not a verdict about anyone's token (so it
  // must not log users out or be cached as "invalid token").
  if (code === 'invalid_project') return 'misconfigured';
  if (code !== undefined && REJECTED_CODES.has(code)) return 'rejected';
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    return status === 501 && code === 'not_implemented' ? 'rejected' : 'unavailable';
  }
  return 'rejected';
}

const PASSED_THROUGH: ReadonlySet<string> = new Set(
  CLOUD_ERROR_CODES.filter((code) => code !== 'cloud_rejected' && code !== 'cloud_unavailable'),
);

function stableCode(code: string | undefined, family: ErrorFamily): CloudErrorCode {
  const known = CLOUD_ERROR_CODES.find((candidate) => candidate === code);
  if (known !== undefined && PASSED_THROUGH.has(known)) return known;
  return family === 'unavailable' ? 'cloud_unavailable' : 'cloud_rejected';
}
