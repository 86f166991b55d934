import { EdgeAuthError, type ErrorFamily } from './base.js';
import type { ErrorCode } from './codes.js';

/**
 * What the gateway reports when the runner behind it failed (no `EdgeAuthError` involved): it
 * could not be reached (502), answered no headers in time (504), or broke off a streamed answer.
 */
export type RunnerFailureCode = 'bad_gateway' | 'gateway_timeout' | 'stream_interrupted';

/** Which part of the package is reporting. */
export type ErrorSource = 'gateway' | 'composite' | 'provider' | 'storage';

/**
 * One shape for every failure this package reports to its `onError` hook: errors it absorbed
 * (a KV call that failed, a provider that threw while another answered, a logout Cloud did not
 * hear about) and, from the gateway, every error it answered. Never a token, key or stored value.
 */
export interface ErrorReport {
  readonly source: ErrorSource;
  /**
   * What was being done: a provider method (`authenticateToken`), `destroySession`, `login`, a
   * storage operation (`get`, `put`, `delete`, `decode`), or the gateway's `answer`.
   */
  readonly operation: string;
  /**
   * The error's stable code; for the gateway's runner failures a {@link RunnerFailureCode};
   * `internal_error` for anything else that is not an `EdgeAuthError`.
   */
  readonly code: ErrorCode | RunnerFailureCode | 'internal_error';
  readonly family: ErrorFamily | 'internal';
  /** One line: the error's class, code and message (messages of this package carry no tokens). */
  readonly reason: string;
  /** `composite`: the provider's `name` (else `providers[<index>]`). */
  readonly provider?: string;
  /** `storage`: the record kind (`verify`, `session`, `revoked`, ...). */
  readonly record?: string;
  /** `gateway`: the status answered, the request's method and path. */
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  /** `gateway`: first 16 base64url chars of SHA-256(token), when a token was involved. */
  readonly tokenId?: string;
}

/** The one error hook type (`onError` of every room). It must not throw; if it does, that is ignored. */
export type ErrorHandler = (report: ErrorReport, error: unknown) => void;

/** The fields every report derives from the error. */
export function reportFields(error: unknown): Pick<ErrorReport, 'code' | 'family' | 'reason'> {
  return error instanceof EdgeAuthError
    ? { code: error.code, family: error.family, reason: describeError(error) }
    : { code: 'internal_error', family: 'internal', reason: describeError(error) };
}

/**
 * Calls `handler` with a report and swallows anything it throws: reporting never fails a request.
 *
 * @param handler - the deployer's hook, if any
 * @param error - the error reported
 * @param where - source, operation and the source's own fields
 */
export function reportError(
  handler: ErrorHandler | undefined,
  error: unknown,
  where: Omit<ErrorReport, 'code' | 'family' | 'reason'>,
): void {
  if (handler === undefined) return;
  try {
    const fields = reportFields(error);
    // A composite's providers may be anyone's code: their messages are not passed on.
    const reason = where.source === 'composite' ? describeForeignError(error) : fields.reason;
    handler({ ...where, ...fields, reason }, error);
  } catch {
    // A broken hook must not turn an absorbed failure into a request failure.
  }
}

/**
 * One line of detail about an error for logs: class, code and message (this package's messages
 * carry no tokens); never the stack or the cause chain.
 *
 * @param error - anything thrown
 * @returns the description
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const code = Reflect.get(error, 'code');
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}

const LOGGABLE_IDENTIFIER = /^[A-Za-z0-9_.$-]{1,64}$/;

/**
 * Like {@link describeError} for an error another auth provider may have thrown: its name and
 * code when they look like identifiers, and its message only when it is one of this package's.
 */
export function describeForeignError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const code: unknown = Reflect.get(error, 'code');
  const shown = typeof code === 'number' ? String(code) : typeof code === 'string' ? code : '';
  const name = LOGGABLE_IDENTIFIER.test(error.name) ? error.name : 'Error';
  const head = `${name}${shown === '' ? '' : ` [${LOGGABLE_IDENTIFIER.test(shown) ? shown : '?'}]`}`;
  return error instanceof EdgeAuthError ? `${head}: ${error.message}` : head;
}
