/**
 * `MastraCloudClient`: the Mastra Cloud API over an injected `fetch`, in either wire profile
 * (`v1`, `released`): the {@link CloudApi} the rest of the package depends on.
 *
 * @see CONTRACT.md sections 1 and 1b
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { isBearerToken } from '../http/authorization.js';
import { isValidCodeVerifier } from '../policy/pkce.js';
import type { CloudApi, CloudCapabilities, CloudWire } from './api.js';
import type { CircuitBreaker } from './breaker.js';
import { WIRE_ERROR_CODES } from './codes.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import type { ExchangeAnswer, SessionAnswer } from './profiles.js';
import { attemptCall, type CallSpec } from './request.js';
import { withRetries } from './retry.js';
import { tokenSessionId } from './session-id.js';
import type {
  CloudClientOptions,
  CloudExchangeParams,
  CloudExchangeResult,
  CloudLoginUrlParams,
  CloudSession,
  CloudUser,
  CloudVerifyResult,
} from './types.js';
import { assertRedirectUri, buildLoginUrl, buildLogoutUrl, userPath } from './urls.js';

/**
 * Client of the Mastra Cloud API. Shared by all users: it stores no token; every call that acts
 * for a user takes the token as a parameter and sends it only as `Authorization: Bearer`.
 *
 * Failures are `CloudApiError`s: family `rejected` when Cloud said no (401/403, `invalid_token`,
 * `token_expired`, 400, `invalid_grant`, 404), `unavailable` when it could not be asked or gave an
 * unusable answer (status 0 `timeout`/`network_error`, 3xx `redirect`, 429, 5xx, `bad_response`).
 * Only `verifyToken`, `validateSession`, `getUser` and `getUserPermissions` are retried, and only
 * on `unavailable` failures other than a timeout, within one deadline per call (`deadlineMs`).
 *
 * `wire` picks the profile (CONTRACT 1 `v1`, the default; 1b `released`); every method answers
 * the same shapes in both. What a profile cannot do is in {@link capabilities}.
 *
 * Import from `mastra-edge-auth/cloud-fetch`.
 *
 * @example
 * const cloud = new MastraCloudClient({ projectId: env.PROJECT_ID, baseUrl: env.MASTRA_CLOUD_API_URL });
 * const { user, expiresAt } = await cloud.verifyToken(token);
 * @see CONTRACT.md section 1
 */
export class MastraCloudClient implements CloudApi {
  /** The wire profile spoken. */
  readonly wire: CloudWire;
  readonly capabilities: CloudCapabilities;
  /** Sent as `X-Project-ID` and `project_id`. */
  readonly projectId: string;
  /** Normalized Cloud base URL, without a trailing `/`. */
  readonly baseUrl: string;
  readonly #options: ResolvedOptions;

  /**
   * @param options - see {@link CloudClientOptions}; only `projectId` is required.
   * @throws {TypeError} naming the bad option.
   */
  constructor(options: CloudClientOptions) {
    this.#options = resolveOptions(options);
    this.wire = this.#options.profile.wire;
    this.capabilities = this.#options.profile.capabilities;
    this.projectId = this.#options.projectId;
    this.baseUrl = this.#options.baseUrl;
  }

  /**
   * The browser login URL (`GET {base}/auth/oss`), with `code_challenge_method=S256` and `project_id`.
   * Pure: no network call.
   *
   * @param p - the callback URI, the state and the S256 code challenge (43 base64url characters).
   * @returns the URL to send the browser to.
   * @throws {TypeError} naming a bad parameter.
   */
  getLoginUrl(p: CloudLoginUrlParams): string {
    return buildLoginUrl(this.baseUrl, this.#options.authPath, this.projectId, p);
  }

  /**
   * The browser logout URL (`GET {base}/auth/logout`): v1 `?redirect_uri=...`; released
   * `?post_logout_redirect_uri=...&id_token_hint=<token>` (the hint only when given and
   * well-formed). Pure.
   *
   * @param redirectUri - where Cloud sends the browser back to.
   * @param idTokenHint - the signed-in user's token (used by the released profile only).
   * @throws {TypeError} when `redirectUri` is not an absolute http(s) URL.
   */
  getLogoutUrl(redirectUri: string, idTokenHint?: string): string {
    const profile = this.#options.profile;
    return buildLogoutUrl(this.baseUrl, redirectUri, (uri) => profile.logoutQuery(uri, idTokenHint));
  }

  /**
   * Redeems an authorization code (`POST /auth/callback`). Never retried: codes are single-use
   * even when a redemption fails.
   *
   * When the profile's callback names no user (released), the new token is verified once (a
   * retry-safe call) and the session is the token's: id derived from it, ending `expires_in` from now.
   *
   * @param p - the code from the callback, the PKCE verifier, the same redirect URI as at login.
   * @returns the Cloud token, its user (`sessionToken` = the token) and the Cloud session.
   * @throws {CloudApiError} 400 `invalid_grant` for a bad, used or expired code; see the class for the rest.
   * @throws {TypeError} naming a bad parameter.
   */
  async exchangeCode(p: CloudExchangeParams): Promise<CloudExchangeResult> {
    if (typeof p !== 'object' || p === null) throw new TypeError('exchangeCode: params must be an object');
    const code = nonEmpty(p.code, 'code');
    if (!isValidCodeVerifier(p.codeVerifier)) {
      throw new TypeError('codeVerifier must be 43 to 128 unreserved characters (RFC 7636)');
    }
    const redirectUri = assertRedirectUri(p.redirectUri);
    const profile = this.#options.profile;
    const startedAt = this.#options.now();
    const data: ExchangeAnswer = await this.#once({
      label: 'callback',
      method: 'POST',
      url: this.#api('/auth/callback'),
      body: profile.exchangeBody({ code, codeVerifier: p.codeVerifier, redirectUri }),
      parse: (body) => profile.parseExchange(body),
    });
    const token = data.token;
    if (data.user !== undefined && data.session !== undefined) {
      return { token, user: { ...data.user, sessionToken: token }, session: data.session };
    }
    const { user, expiresAt } = await this.verifyToken(token);
    const end =
      data.expiresInSeconds !== undefined ? new Date(startedAt + data.expiresInSeconds * 1000) : expiresAt;
    if (end === undefined) {
      throw new CloudApiError('callback: Cloud gave no lifetime for the token', {
        status: 502,
        code: WIRE_ERROR_CODES.badResponse,
      });
    }
    const session = {
      id: await tokenSessionId(token),
      userId: user.id,
      createdAt: new Date(startedAt),
      expiresAt: end,
    };
    return { token, user, session };
  }

  /**
   * Verifies a token (`POST /auth/verify`, Bearer, no body). Retried on outage.
   *
   * @returns the user (`sessionToken` = `token`) and the token's expiry when Cloud sent one.
   * @throws {CloudApiError} `rejected` for a bad token (a token that cannot be a Bearer credential is
   * refused as 401 `invalid_token` without a call); `unavailable` when Cloud could not say.
   */
  async verifyToken(token: string): Promise<CloudVerifyResult> {
    const profile = this.#options.profile;
    const data = await this.#retried({
      label: 'verify',
      method: 'POST',
      url: this.#api('/auth/verify'),
      token: bearer(token, 'token', 'verify'),
      parse: (body) => profile.parseVerify(body),
    });
    return { user: { ...data.user, sessionToken: token }, expiresAt: data.expiresAt };
  }

  /**
   * Validates a Cloud session (`POST /auth/session/validate`, Bearer, no body). Retried on outage.
   *
   * @returns the session.
   * @throws {CloudApiError} `rejected` when the session token is bad or the session is gone.
   */
  async validateSession(sessionToken: string): Promise<CloudSession> {
    const profile = this.#options.profile;
    const session: SessionAnswer = await this.#retried({
      label: 'session validate',
      method: 'POST',
      url: this.#api('/auth/session/validate'),
      token: bearer(sessionToken, 'sessionToken', 'session validate'),
      parse: (body) => profile.parseSession(body),
    });
    const id = session.id ?? (await tokenSessionId(sessionToken));
    return { id, userId: session.userId, expiresAt: session.expiresAt, createdAt: session.createdAt };
  }

  /**
   * Destroys a Cloud session (`POST /auth/session/destroy`, Bearer, body `{ sessionId }`). Never retried.
   *
   * @param sessionToken - the token of the session's user.
   * @param sessionId - the Cloud session's `id`.
   * @throws {CloudApiError} as described on the class (the caller decides whether "already gone" is fine).
   */
  async destroySession(sessionToken: string, sessionId: string): Promise<void> {
    const profile = this.#options.profile;
    const body = profile.destroyBody(nonEmpty(sessionId, 'sessionId'));
    await this.#once({
      label: 'session destroy',
      method: 'POST',
      url: this.#api('/auth/session/destroy'),
      token: bearer(sessionToken, 'sessionToken', 'session destroy'),
      ...(body !== undefined && { body }),
      parse: (data) => profile.parseDestroy(data),
      ignoreBody: profile.destroyIgnoresBody,
    });
  }

  /**
   * Looks a user up (`GET /users/{userId}`, Bearer of the asking user). Retried on outage.
   *
   * @returns the user (`sessionToken` = `token`), or `null` when Cloud answers 404.
   * @throws {CloudApiError} 501 `not_implemented` when the profile has no users endpoint; on any other failure; {TypeError} for an empty or dot-segment `userId`.
   */
  async getUser(userId: string, token: string): Promise<CloudUser | null> {
    const url = this.#api(userPath(userId));
    const profile = this.#usersEndpoint('user');
    try {
      const user = await this.#retried({
        label: 'user',
        method: 'GET',
        url,
        token: bearer(token, 'token', 'user'),
        parse: (body) => profile.parseUser(body),
      });
      return { ...user, sessionToken: token };
    } catch (error) {
      if (error instanceof CloudApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * A user's permissions (`GET /users/{userId}/permissions`, Bearer of that user). Retried on outage.
   *
   * @returns the permission strings (`resource:action`, wildcards allowed), in Cloud's order.
   * @throws {CloudApiError} on failure; {TypeError} for an empty or dot-segment `userId`.
   */
  async getUserPermissions(userId: string, token: string): Promise<string[]> {
    const url = this.#api(`${userPath(userId)}/permissions`);
    const profile = this.#usersEndpoint('permissions');
    return this.#retried({
      label: 'permissions',
      method: 'GET',
      url,
      token: bearer(token, 'token', 'permissions'),
      parse: (body) => profile.parsePermissions(body),
    });
  }

  /** The profile, when it has the users endpoints; else the call is refused without a request. */
  #usersEndpoint(label: string): ResolvedOptions['profile'] {
    const profile = this.#options.profile;
    if (!profile.capabilities.hasUsersEndpoint) {
      throw new CloudApiError(`${label}: this Cloud (wire '${profile.wire}') has no users endpoint`, {
        status: 501,
        code: 'not_implemented',
      });
    }
    return profile;
  }

  #api(path: string): string {
    return `${this.baseUrl}${this.#options.apiPrefix}${path}`;
  }

  /** The circuit breaker guarding this client's calls, when it has one (for health checks). */
  get breaker(): CircuitBreaker | undefined {
    return this.#options.breaker;
  }

  #once<T>(spec: CallSpec<T>): Promise<T> {
    const o = this.#options;
    return this.#guarded(spec.label, () =>
      attemptCall(spec, { ...o, timeoutMs: Math.min(o.timeoutMs, o.deadlineMs) }),
    );
  }

  /** Attempts within one deadline for the whole call (`deadlineMs`), each cut to the time left. */
  #retried<T>(spec: CallSpec<T>): Promise<T> {
    const o = this.#options;
    return this.#guarded(spec.label, () => {
      const end = o.now() + o.deadlineMs;
      return withRetries(
        (remainingMs) =>
          attemptCall(spec, { ...o, timeoutMs: Math.max(1, Math.min(o.timeoutMs, remainingMs)) }),
        { retries: o.retries, baseDelayMs: o.retryBaseDelayMs, sleep: o.sleep, random: o.random },
        { remainingMs: () => end - o.now() },
      );
    });
  }

  /** Runs a call through the circuit breaker: refused at once while it is open. */
  async #guarded<T>(label: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.#options.breaker;
    if (breaker === undefined) return call();
    const admission = breaker.admit();
    if (!admission.ok) {
      throw new CloudApiError(`${label}: Cloud is unavailable (circuit open), not asked`, {
        status: 503,
        code: 'circuit_open',
        retryAfter: Math.ceil(admission.retryAfterMs / 1000),
      });
    }
    try {
      const result = await call();
      breaker.success();
      return result;
    } catch (error) {
      if (!(error instanceof CloudApiError)) breaker.release();
      else if (error.family === 'unavailable') breaker.failure();
      else breaker.success();
      throw error;
    }
  }
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/**
 * A token about to go into `Authorization: Bearer`. Not a string: the caller's mistake (TypeError).
 * A string that cannot be a Bearer credential (empty, spaces, CR/LF, non-ASCII) can never be valid:
 * refused as Cloud would refuse it (401 `invalid_token`), without a call and without echoing it.
 */
function bearer(token: unknown, name: string, label: string): string {
  if (typeof token !== 'string') throw new TypeError(`${name} must be a string`);
  if (!isBearerToken(token)) {
    throw new CloudApiError(`${label}: the token is not a well-formed bearer token`, {
      status: 401,
      code: WIRE_ERROR_CODES.invalidToken,
    });
  }
  return token;
}
