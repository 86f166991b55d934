import { base64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/constant-time.js';
import {
  CloudApiError,
  ConfigError,
  EdgeAuthError,
  type ErrorCode,
  type ErrorHandler,
  type ErrorReport,
  RateLimitedError,
  type RunnerFailureCode,
} from '../errors/index.js';
import { reportFields } from '../errors/report.js';
import { withoutCredentialParams } from './credential-params.js';
import { BACK, errorPage } from './error-pages.js';
import { htmlResponse, prefersHtml } from './html.js';
import { keyedId } from './observability.js';
import { jsonResponse, redirectResponse } from './responses.js';

/** The gateway's hook: the package's one {@link ErrorHandler} (see `GatewayOptions.onError`). */
export type OnError = ErrorHandler;

/** The request an error arose from, and who to tell. */
export interface ErrorContext {
  readonly request: Request;
  /** The token the request carried, only to derive {@link ErrorReport.tokenId}. */
  readonly token?: string | undefined;
  /**
   * The key for a keyed {@link ErrorReport.tokenId} (derived from `SESSION_SECRET`), asked for
   * only when a report is made.
   */
  readonly tokenIdKey?: (() => Promise<CryptoKey>) | undefined;
  /** The error may come from an auth provider: its message is not logged (see {@link describeProviderError}). */
  readonly fromProviders?: boolean | undefined;
  readonly onError?: OnError | undefined;
  /** For 405: the methods the route allows. */
  readonly allow?: string | undefined;
  /** `Set-Cookie` values the answer carries (clearing a refused session cookie). */
  readonly cookies?: readonly string[] | undefined;
}

/** The realm in `WWW-Authenticate` challenges (RFC 6750 section 3). */
export const REALM = 'mastra';
/** `Retry-After` seconds on a 503 when Cloud did not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
const MAX_RETRY_AFTER_SECONDS = 300;

interface Mapped {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

/**
 * The one place an error becomes a Response. Declared errors map by family and code to a
 * vague public body `{ error, message }`; anything undeclared is a plain 500 with no detail.
 * The detailed reason goes to `onError` (or the console for 5xx) with a hashed token id only.
 *
 * @param error - anything thrown while handling the request
 * @param context - the request, the token involved (hashed for the report), the hook
 * @returns the response: 4xx for rejections, 503 + `Retry-After` for outages, 500 otherwise
 */
export async function errorResponse(error: unknown, context: ErrorContext): Promise<Response> {
  const mapped = mapError(error, context);
  await report(error, mapped, context);
  if (prefersHtml(context.request)) {
    return htmlResponse(mapped.status, errorPage(mapped, new URL(context.request.url).pathname), {
      set: mapped.headers,
      cookies: context.cookies ?? [],
    });
  }
  return jsonResponse(
    mapped.status,
    { error: mapped.code, message: mapped.message },
    { set: mapped.headers, cookies: context.cookies ?? [] },
  );
}

/**
 * The answer to a request without acceptable credentials: a 302 to the login page for a browser
 * navigation (when login is available), else 401 with an RFC 6750 `Bearer` challenge.
 *
 * @param request - the incoming request
 * @param options - whether `/auth/login` is served; cookies to set (clearing a dead session);
 *   whether a bearer token was refused (RFC 6750 section 3.1 `error="invalid_token"`; a request
 *   without one gets the bare challenge)
 * @returns the response
 */
export function challengeResponse(
  request: Request,
  options: {
    readonly loginAvailable: boolean;
    readonly cookies?: readonly string[];
    readonly refusedToken?: boolean;
  },
): Response {
  const cookies = options.cookies ?? [];
  if (options.loginAvailable && isNavigation(request)) {
    const url = new URL(request.url);
    // The return path travels to Cloud inside the login state: never let a token ride along.
    url.search = withoutCredentialParams(url.search);
    const returnTo = encodeURIComponent(`${url.pathname}${url.search}`);
    return redirectResponse(`/auth/login?returnTo=${returnTo}`, cookies);
  }
  const challenge = {
    'WWW-Authenticate':
      options.refusedToken === true
        ? `Bearer realm="${REALM}", error="invalid_token"`
        : `Bearer realm="${REALM}"`,
  };
  if (prefersHtml(request)) {
    return htmlResponse(
      401,
      { title: 'Sign-in required', message: 'You need to sign in to see this page.', link: BACK },
      { set: challenge, cookies },
    );
  }
  return jsonResponse(
    401,
    { error: 'unauthorized', message: 'Authentication required.' },
    { set: challenge, cookies },
  );
}

/**
 * The runner could not be reached or answered with a network error: 502, nothing internal shown.
 *
 * @param error - the fetch failure
 * @param context - the request and hook
 * @returns a 502 response
 */
export async function badGatewayResponse(error: unknown, context: ErrorContext): Promise<Response> {
  const mapped: Mapped = {
    status: 502,
    code: 'bad_gateway',
    message: 'The app could not be reached.',
    headers: {},
  };
  await report(error, mapped, context);
  if (prefersHtml(context.request)) {
    return htmlResponse(502, errorPage(mapped, new URL(context.request.url).pathname));
  }
  return jsonResponse(502, { error: mapped.code, message: mapped.message });
}

/**
 * The runner did not send its response headers in time (`RUNNER_TIMEOUT_MS`): 504, nothing
 * internal shown.
 *
 * @param error - the timeout
 * @param context - the request and hook
 * @returns a 504 response
 */
export async function gatewayTimeoutResponse(error: unknown, context: ErrorContext): Promise<Response> {
  const mapped: Mapped = {
    status: 504,
    code: 'gateway_timeout',
    message: 'The app did not answer in time.',
    headers: {},
  };
  await report(error, mapped, context);
  return jsonResponse(504, { error: mapped.code, message: mapped.message });
}

/**
 * Tells the hook about a streamed answer the gateway ended (the runner fell silent or failed
 * mid-stream); the client already has the status, so nothing else is sent.
 *
 * @param error - why the stream ended
 * @param context - the request and hook
 */
export function reportBrokenStream(error: unknown, context: ErrorContext): Promise<void> {
  const mapped: Mapped = { status: 502, code: 'stream_interrupted', message: '', headers: {} };
  return report(error, mapped, context);
}

/**
 * The request body is larger than `MAX_REQUEST_BODY_BYTES`: 413.
 *
 * @param limit - the limit in bytes
 * @returns the response
 */
export function payloadTooLargeResponse(limit: number): Response {
  return jsonResponse(413, {
    error: 'payload_too_large',
    message: `The request body is larger than ${limit} bytes.`,
  });
}

/**
 * 403 for an authenticated user the vouching provider does not authorize.
 *
 * @param request - the request (an HTML page for a navigation, JSON otherwise)
 * @returns the response
 */
export function forbiddenResponse(request?: Request): Response {
  if (request !== undefined && prefersHtml(request)) {
    return htmlResponse(403, {
      title: 'Access denied',
      message: 'You do not have access to this page.',
      link: BACK,
    });
  }
  return jsonResponse(403, { error: 'forbidden', message: 'Access denied.' });
}

/**
 * 404 for a gateway route that is not available (unknown `/auth/*` path, login without Cloud).
 *
 * @param message - safe text
 * @returns the response
 */
export function notFoundResponse(message = 'Not found.'): Response {
  return jsonResponse(404, { error: 'not_found', message });
}

/** Whether a request is a top-level browser page load (GET/HEAD that accepts HTML). */
export function isNavigation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const mode = request.headers.get('Sec-Fetch-Mode');
  if (mode !== null && mode !== 'navigate') return false;
  return (request.headers.get('Accept') ?? '').toLowerCase().includes('text/html');
}

function mapError(error: unknown, context: ErrorContext): Mapped {
  if (!(error instanceof EdgeAuthError)) return internal();
  const code: ErrorCode = error.code;
  const plain = (status: number): Mapped => ({ status, code, message: error.message, headers: {} });
  switch (code) {
    case 'rate_limited':
      return {
        status: 429,
        code: 'rate_limited',
        message: 'Too many requests. Retry later.',
        headers: {
          'Retry-After': String(
            Math.min(error instanceof RateLimitedError ? error.retryAfter : 1, MAX_RETRY_AFTER_SECONDS),
          ),
        },
      };
    case 'timeout':
    case 'network_error':
    case 'bad_response':
    case 'redirect':
    case 'circuit_open':
    case 'cloud_unavailable':
    case 'storage_unavailable':
      return {
        status: 503,
        code: 'temporarily_unavailable',
        message: 'Sign-in is temporarily unavailable. Retry later.',
        headers: { 'Retry-After': String(retryAfter(error)) },
      };
    case 'invalid_config':
      return {
        status: 500,
        code: 'misconfigured',
        message:
          error instanceof ConfigError
            ? `The gateway is misconfigured: check ${error.setting}.`
            : 'The gateway is misconfigured.',
        headers: {},
      };
    case 'invalid_project':
      return { status: 500, code: 'misconfigured', message: 'The gateway is misconfigured.', headers: {} };
    case 'invalid_token':
    case 'token_expired':
    case 'token_revoked':
    case 'invalid_grant':
    case 'cloud_rejected':
      return unauthorized('invalid_token');
    case 'not_implemented':
      return { status: 501, code, message: 'Not implemented.', headers: {} };
    case 'invalid_request':
    case 'invalid_state':
    case 'invalid_redirect':
      return plain(400);
    case 'invalid_cookie':
      return plain(error.status === 431 ? 431 : 400);
    case 'invalid_authorization': {
      // RFC 6750 section 3.1: malformed -> 400 invalid_request; unsupported scheme -> bare challenge.
      const challenge =
        error.status === 401
          ? `Bearer realm="${REALM}"`
          : `Bearer realm="${REALM}", error="invalid_request", error_description="${error.message.replace(/"/g, "'")}"`;
      return { ...plain(error.status === 401 ? 401 : 400), headers: { 'WWW-Authenticate': challenge } };
    }
    case 'method_not_allowed':
      return { ...plain(405), headers: context.allow === undefined ? {} : { Allow: context.allow } };
    case 'cross_site_request':
      return plain(403);
    default:
      return assertNever(code);
  }
}

function unauthorized(error: 'invalid_token'): Mapped {
  return {
    status: 401,
    code: 'unauthorized',
    message: 'The credentials were not accepted.',
    headers: { 'WWW-Authenticate': `Bearer realm="${REALM}", error="${error}"` },
  };
}

function internal(): Mapped {
  return { status: 500, code: 'internal_error', message: 'Internal error.', headers: {} };
}

function retryAfter(error: EdgeAuthError): number {
  const hinted = error instanceof CloudApiError ? error.retryAfter : undefined;
  if (hinted === undefined || !Number.isFinite(hinted)) return DEFAULT_RETRY_AFTER_SECONDS;
  return Math.min(Math.max(Math.ceil(hinted), 1), MAX_RETRY_AFTER_SECONDS);
}

async function report(error: unknown, mapped: Mapped, context: ErrorContext): Promise<void> {
  const hook = context.onError;
  if (hook === undefined && mapped.status < 500) return;
  const tokenId =
    context.token === undefined ? undefined : await tokenIdOf(context.token, context.tokenIdKey);
  const fields = reportFields(error);
  const entry: ErrorReport = {
    source: 'gateway',
    operation: 'answer',
    ...fields,
    code: fields.code === 'internal_error' ? (runnerFailure(mapped.code) ?? fields.code) : fields.code,
    // An error that may come from another auth provider: its message is not logged.
    reason: context.fromProviders === true ? describeProviderError(error) : fields.reason,
    status: mapped.status,
    method: context.request.method,
    path: new URL(context.request.url).pathname,
    ...(tokenId === undefined ? {} : { tokenId }),
  };
  try {
    if (hook !== undefined) hook(entry, error);
    else console.error(JSON.stringify({ gateway: 'error', ...entry }));
  } catch {
    // A failing hook must not turn a mapped error into an unhandled one.
  }
}

/**
 * One line of detail about an error for logs: class, code and message (this package's messages
 * carry no tokens; transport errors name hosts, not credentials); never the stack or the cause
 * chain. For errors that may come from another auth provider, use {@link describeProviderError}.
 *
 * @param error - anything thrown
 * @returns the description
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const code = Reflect.get(error, 'code');
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}

/**
 * {@link describeError} for an error another auth provider may have thrown: class and code, and
 * the message only for this package's own errors. Another provider's message may hold anything,
 * a token included: it is never logged.
 *
 * @param error - anything thrown
 * @returns the description
 */
export function describeProviderError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const code: unknown = Reflect.get(error, 'code');
  const shownCode = typeof code === 'number' ? String(code) : typeof code === 'string' ? code : '';
  // Names and codes are identifiers; anything else in them is shown as a placeholder.
  const name = LOGGABLE_IDENTIFIER.test(error.name) ? error.name : 'Error';
  const head = `${name}${shownCode === '' ? '' : ` [${LOGGABLE_IDENTIFIER.test(shownCode) ? shownCode : '?'}]`}`;
  return error instanceof EdgeAuthError ? `${head}: ${error.message}` : head;
}

const LOGGABLE_IDENTIFIER = /^[A-Za-z0-9_.$-]{1,64}$/;

async function tokenIdOf(token: string, key: (() => Promise<CryptoKey>) | undefined): Promise<string> {
  if (key === undefined) return hashTokenId(token);
  try {
    return await keyedId(await key(), token);
  } catch {
    return hashTokenId(token);
  }
}

/**
 * A short, non-reversible id for a token, for logs: base64url(SHA-256(token)), first 16 chars.
 *
 * @param token - the raw token
 * @returns the id
 */
export async function hashTokenId(token: string): Promise<string> {
  return base64url(await sha256(token)).slice(0, 16);
}

const RUNNER_FAILURES: readonly RunnerFailureCode[] = [
  'bad_gateway',
  'gateway_timeout',
  'stream_interrupted',
];

function runnerFailure(code: string): RunnerFailureCode | undefined {
  return RUNNER_FAILURES.find((candidate) => candidate === code);
}

// Compile-time exhaustiveness; at run time an unknown case is an undeclared error: 500.
function assertNever(_value: never): Mapped {
  return internal();
}
