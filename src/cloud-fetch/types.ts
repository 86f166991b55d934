/**
 * Shapes the Cloud client exposes (camelCase) and the options it takes.
 *
 * @see CONTRACT.md section 1 ("Library shapes")
 * @module
 */
import type { CircuitBreaker } from './breaker.js';

/**
 * A Mastra Cloud user as the library sees it.
 * `sessionToken` is the token that produced this user, so permission look-ups can act for them.
 */
export type CloudUser = {
  id: string;
  email: string;
  name?: string;
  avatarUrl?: string;
  role?: string;
  createdAt: Date;
  metadata?: Record<string, unknown>;
  sessionToken: string;
};

/** A user as Cloud describes it, before the token that produced it is attached. */
export type CloudUserProfile = Omit<CloudUser, 'sessionToken'>;

/** A Mastra Cloud session. `id` is what `destroySession` sends as `sessionId`. */
export type CloudSession = {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
};

/** What `exchangeCode` returns: the Cloud token (`data.jwt`), its user and its session. */
export type CloudExchangeResult = { token: string; user: CloudUser; session: CloudSession };

/** What `verifyToken` returns; `expiresAt` is the token's own expiry when Cloud sent one. */
export type CloudVerifyResult = { user: CloudUser; expiresAt: Date | undefined };

/** Parameters of the browser login URL (PKCE, RFC 7636 S256). */
export type CloudLoginUrlParams = { redirectUri: string; state: string; codeChallenge: string };

/** Parameters of the code exchange. */
export type CloudExchangeParams = { code: string; codeVerifier: string; redirectUri: string };

/** Options of {@link MastraCloudClient}. Every default is listed; a bad value is a `TypeError` naming it. */
export interface CloudClientOptions {
  /** Sent as `X-Project-ID` on every call and as `project_id` on the login URL. Required, non-empty. */
  projectId: string;
  /** Cloud origin (may carry a path). Default `https://cloud.mastra.ai`; a trailing `/` is dropped; http(s) only. */
  baseUrl?: string;
  /** API path prefix. Default `/api/v1`. */
  apiPrefix?: string;
  /** Browser login path. Default `/auth/oss`. */
  authPath?: string;
  /** Transport. Default `globalThis.fetch`, looked up at call time. Called with `this = globalThis`. */
  fetch?: typeof fetch;
  /** Time limit of one attempt (request and body read), in ms. Default 5000 (the deadline cuts it shorter). */
  timeoutMs?: number;
  /**
   * Deadline of one call across all its attempts and waits, in ms. Default 3000. A hung Cloud
   * holds a caller this long at most (a timeout is never retried).
   */
  deadlineMs?: number;
  /**
   * Extra attempts for safe calls when Cloud answered that it is unavailable (network error, 429,
   * 5xx), only while they fit in `deadlineMs`; never after a timeout. Default 1; 0 disables retries.
   */
  retries?: number;
  /** Base of the full-jitter exponential backoff, in ms. Default 100; each delay is capped at 2000. */
  retryBaseDelayMs?: number;
  /** Largest response body read, in bytes. Default 65536 (64 KiB). */
  maxResponseBytes?: number;
  /**
   * Testing hook: waits between retries. Default a `setTimeout` promise.
   * Inject one to test retries without real time passing.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Testing hook: random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Testing hook: the clock `deadlineMs` is measured on, in ms. Default `Date.now`. */
  now?: () => number;
  /**
   * The circuit breaker guarding this client's calls (one per isolate: build the client once).
   * Default: a new `CircuitBreaker` (opens after 5 outage answers in a row, 10 s cool-down, then
   * one probe). `false` turns it off.
   */
  breaker?: CircuitBreaker | false;
}
