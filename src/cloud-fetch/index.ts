/**
 * `mastra-edge-auth/cloud-fetch`: the Mastra Cloud API client (v1 wire format), its process
 * half (Response -> validated data) and the wire validators, for tests and custom transports.
 *
 * @see CONTRACT.md section 1
 * @module
 */
export {
  type Admission,
  type BreakerSnapshot,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_THRESHOLD,
} from './breaker.js';
export { MastraCloudClient } from './client.js';
export { WIRE_ERROR_CODES, type WireErrorCode } from './codes.js';
export { DEFAULT_MAX_RESPONSE_BYTES, type ProcessEnvelopeOptions, processEnvelope } from './envelope.js';
export { MAX_RETRY_DELAY_MS } from './retry.js';
export type {
  CloudClientOptions,
  CloudExchangeParams,
  CloudExchangeResult,
  CloudLoginUrlParams,
  CloudSession,
  CloudUser,
  CloudUserProfile,
  CloudVerifyResult,
} from './types.js';
export { DEFAULT_API_PREFIX, DEFAULT_AUTH_PATH, DEFAULT_BASE_URL } from './urls.js';
export {
  type CallbackData,
  parseCallbackData,
  parseDestroyData,
  parsePermissionsData,
  parseSessionData,
  parseUserData,
  parseVerifyData,
  type VerifyData,
} from './wire.js';
