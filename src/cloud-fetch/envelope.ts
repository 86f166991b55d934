/**
 * The process half of every Cloud call: Response -> validated `data`, or a `CloudApiError`.
 * Order: status (3xx) -> content type -> size-capped body read -> JSON parse -> envelope -> data.
 *
 * @see CONTRACT.md section 1 ("Envelope rules", "Status meanings")
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { type BodyFailure, discardBody, readCappedText } from './body.js';
import { WIRE_ERROR_CODES } from './codes.js';
import { isPlainObject, own } from './wire-checks.js';

/** Default cap on a response body: Cloud's answers are small JSON documents. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** Options of {@link processEnvelope}. */
export interface ProcessEnvelopeOptions {
  /** Largest body read, in bytes. Default 64 KiB. */
  maxBytes?: number;
  /** When it aborts during the body read, the read stops: status 0, code `timeout`. */
  signal?: AbortSignal;
  /** Secrets (the call's token) to blank out of Cloud's error message before it is kept. */
  redact?: readonly string[];
}

// Longest Cloud error message kept in ours; the rest is cut (messages end up in logs).
const MAX_CLOUD_MESSAGE_CHARS = 200;
// Retry-After values beyond a day are treated as a day.
const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * Validates a Cloud answer and returns its `data` run through `parse`.
 *
 * A call fails when the status is not 2xx or `ok` is false; the error carries `error.status`
 * (else the HTTP status), `error.code` and `Retry-After`. A 3xx is code `redirect`. An
 * unreadable 2xx body (not JSON, too large, not UTF-8) keeps the HTTP status with code
 * `bad_response`; a JSON body of the wrong shape (no envelope, `ok:true` without `data`,
 * bad `data`) is status 502, code `bad_response`. All of those are family `unavailable`.
 * For a non-2xx answer, an unreadable body does not change the verdict of its status.
 *
 * @param response - the raw answer (read once).
 * @param parse - validates `data`; it should throw `CloudApiError` (other errors become 502 `bad_response`).
 * @param label - names the call in messages (`verify: ...`).
 * @param opts - body cap, abort signal, secrets to redact.
 * @returns what `parse` returns.
 * @throws {CloudApiError} as described above; {TypeError} when `response` is not a Response.
 * @example
 * const user = await processEnvelope(response, parseUserData, 'user');
 */
export async function processEnvelope<T>(
  response: Response,
  parse: (data: unknown) => T,
  label: string,
  opts: ProcessEnvelopeOptions = {},
): Promise<T> {
  if (!isResponse(response)) throw new TypeError('processEnvelope: response must be a Response');
  const { json, status, success, retryAfter } = await readJsonAnswer(response, label, opts);
  if (!isPlainObject(json) || typeof own(json, 'ok') !== 'boolean') {
    if (!success) throw new CloudApiError(`${label}: Cloud answered HTTP ${status}`, { status, retryAfter });
    throw new CloudApiError(`${label}: response is not a Cloud envelope`, {
      status: 502,
      code: WIRE_ERROR_CODES.badResponse,
      retryAfter,
    });
  }
  if (!success || own(json, 'ok') === false) {
    throw envelopeFailure(label, json, status, retryAfter, opts.redact ?? []);
  }
  const data = own(json, 'data');
  if (data === undefined) {
    throw new CloudApiError(`${label}: ok:true without data`, {
      status: 502,
      code: WIRE_ERROR_CODES.badResponse,
    });
  }
  try {
    return parse(data);
  } catch (error) {
    if (error instanceof CloudApiError) throw error;
    throw new CloudApiError(`${label}: data has the wrong shape`, {
      status: 502,
      code: WIRE_ERROR_CODES.badResponse,
      cause: error,
    });
  }
}

/** A JSON answer read off the wire: not a redirect, JSON media type, within the size cap, parsed. */
export interface JsonAnswer {
  json: unknown;
  status: number;
  success: boolean;
  retryAfter: number | undefined;
}

/**
 * The steps every profile shares: 3xx -> `redirect`; content type -> size-capped body read ->
 * JSON parse. An unreadable 2xx body keeps the HTTP status with code `bad_response`; for a non-2xx
 * answer an unreadable body does not change the verdict of its status.
 *
 * @throws {CloudApiError} as described; status 0 `timeout` when the read was aborted.
 */
export async function readJsonAnswer(
  response: Response,
  label: string,
  opts: ProcessEnvelopeOptions = {},
): Promise<JsonAnswer> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const status = response.status;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const success = status >= 200 && status <= 299;

  if (response.type === 'opaqueredirect' || (status >= 300 && status <= 399)) {
    await discardBody(response);
    throw new CloudApiError(`${label}: Cloud answered a redirect (${status}); redirects are not followed`, {
      status,
      code: WIRE_ERROR_CODES.redirect,
      retryAfter,
    });
  }
  const httpFailure = (): CloudApiError =>
    new CloudApiError(`${label}: Cloud answered HTTP ${status}`, { status, retryAfter });
  const unreadable = (problem: string): CloudApiError =>
    new CloudApiError(`${label}: ${problem}`, { status, code: WIRE_ERROR_CODES.badResponse, retryAfter });

  if (!isJsonMediaType(response.headers.get('content-type'))) {
    await discardBody(response);
    throw success ? unreadable('response is not JSON (content-type)') : httpFailure();
  }
  const body = await readCappedText(response, maxBytes, opts.signal);
  if (!body.ok) {
    if (body.reason === 'aborted') {
      throw new CloudApiError(`${label}: timed out reading the response`, {
        status: 0,
        code: WIRE_ERROR_CODES.timeout,
      });
    }
    throw success ? unreadable(describeBodyFailure(body.reason, maxBytes)) : httpFailure();
  }
  try {
    return { json: JSON.parse(body.text), status, success, retryAfter };
  } catch {
    throw success ? unreadable('response is not JSON') : httpFailure();
  }
}

/**
 * The error of a failed envelope. `error.status` counts when it is a 4xx/5xx integer; otherwise
 * the HTTP status does (a 2xx saying `ok:false` without a usable status is a 502 `bad_response`).
 */
function envelopeFailure(
  label: string,
  envelope: Record<string, unknown>,
  httpStatus: number,
  retryAfter: number | undefined,
  redact: readonly string[],
): CloudApiError {
  const error = own(envelope, 'error');
  const detail = isPlainObject(error) ? error : {};
  const wireStatus = own(detail, 'status');
  const wireCode = own(detail, 'code');
  const wireMessage = own(detail, 'message');
  const validStatus =
    typeof wireStatus === 'number' && Number.isInteger(wireStatus) && wireStatus >= 400 && wireStatus <= 599;
  const httpOk = httpStatus >= 200 && httpStatus <= 299;
  const status = validStatus ? wireStatus : httpOk ? 502 : httpStatus;
  let code = typeof wireCode === 'string' && wireCode.length > 0 ? wireCode : undefined;
  if (code === undefined && !validStatus && httpOk) code = WIRE_ERROR_CODES.badResponse;
  const said = typeof wireMessage === 'string' ? sanitizeMessage(wireMessage, redact) : '';
  const head = `${label}: Cloud answered ${status}${code === undefined ? '' : ` ${code}`}`;
  return new CloudApiError(said.length > 0 ? `${head}: ${said}` : head, { status, code, retryAfter });
}

/** Cloud's message made safe to keep: secrets and JWT-shaped strings blanked, one line, bounded. */
export function sanitizeMessage(message: string, redact: readonly string[]): string {
  let text = message;
  for (const secret of [...redact].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) text = text.split(secret).join('[redacted]');
  }
  text = text
    .replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, '[redacted]')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
  return text.length > MAX_CLOUD_MESSAGE_CHARS ? `${text.slice(0, MAX_CLOUD_MESSAGE_CHARS)}...` : text;
}

/** `Retry-After` as whole seconds from now (delta-seconds or HTTP-date); undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/** `application/json` or any `+json` type, parameters ignored. */
function isJsonMediaType(header: string | null): boolean {
  if (header === null) return false;
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

function describeBodyFailure(reason: Exclude<BodyFailure, 'aborted'>, maxBytes: number): string {
  switch (reason) {
    case 'too_large':
      return `response body exceeds ${maxBytes} bytes`;
    case 'not_utf8':
      return 'response body is not UTF-8';
    case 'read_error':
      return 'response body could not be read';
  }
}

/** A fetch Response from any realm (undici, workerd, a test's own). */
export function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object Response]'
  );
}
