/**
 * The error vocabulary shared by every room.
 *
 * Two families never mix: `rejected` (a definitive "no": bad credentials, bad input -> 4xx)
 * and `unavailable` (Cloud or storage could not be asked -> 503 with `Retry-After`).
 * `misconfigured` is the deployer's mistake (-> 500 naming the setting, no secrets).
 *
 * @module
 */
export { EdgeAuthError, type ErrorFamily } from './base.js';
export { CloudApiError, type CloudErrorInit } from './cloud-api-error.js';
export {
  CLOUD_ERROR_CODES,
  type CloudErrorCode,
  ERROR_CODES,
  type ErrorCode,
  INVALID_REQUEST_CODES,
  type InvalidRequestCode,
} from './codes.js';
export { ConfigError } from './config-error.js';
export { isRejection, isUnavailable } from './guards.js';
export { InvalidRequestError } from './invalid-request-error.js';
export { RateLimitedError } from './rate-limited-error.js';
export type { ErrorHandler, ErrorReport, ErrorSource, RunnerFailureCode } from './report.js';
export { StorageUnavailableError } from './storage-unavailable-error.js';
