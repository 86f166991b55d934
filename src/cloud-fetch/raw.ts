/**
 * The process half of a call in the released profile (CONTRACT 1b): raw JSON, no envelope.
 * A 2xx body is the answer itself; a non-2xx answer may carry `{ code?, message? }`.
 *
 * @see CONTRACT.md section 1b
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { discardBody } from './body.js';
import { WIRE_ERROR_CODES } from './codes.js';
import { isResponse, type ProcessEnvelopeOptions, readJsonAnswer, sanitizeMessage } from './envelope.js';
import { isPlainObject, own } from './wire-checks.js';

/**
 * Validates a raw Cloud answer and returns it run through `parse`.
 *
 * A 3xx is code `redirect`; a non-2xx is a failure with the HTTP status and, when the body is a
 * JSON object, its `code` and (sanitized) `message`; an unreadable 2xx body keeps the HTTP status
 * with code `bad_response`; a 2xx body of the wrong shape is 502 `bad_response`.
 *
 * @param response - the raw answer (read once).
 * @param parse - validates the body; `CloudApiError`s pass through, other errors become 502 `bad_response`.
 * @param label - names the call in messages.
 * @param opts - body cap, abort signal, secrets to redact; `ignoreBody` accepts any 2xx without reading it.
 * @throws {CloudApiError} as described; {TypeError} when `response` is not a Response.
 */
export async function processRaw<T>(
  response: Response,
  parse: (body: unknown) => T,
  label: string,
  opts: ProcessEnvelopeOptions & { ignoreBody?: boolean } = {},
): Promise<T> {
  if (!isResponse(response)) throw new TypeError('processRaw: response must be a Response');
  const status = response.status;
  if (opts.ignoreBody === true && status >= 200 && status <= 299) {
    await discardBody(response);
    return parse(undefined);
  }
  const { json, success, retryAfter } = await readJsonAnswer(response, label, opts);
  if (!success) throw rawFailure(label, json, status, retryAfter, opts.redact ?? []);
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof CloudApiError) throw error;
    throw new CloudApiError(`${label}: the answer has the wrong shape`, {
      status: 502,
      code: WIRE_ERROR_CODES.badResponse,
      cause: error,
    });
  }
}

function rawFailure(
  label: string,
  body: unknown,
  status: number,
  retryAfter: number | undefined,
  redact: readonly string[],
): CloudApiError {
  const detail = isPlainObject(body) ? body : {};
  const wireCode = own(detail, 'code');
  const wireMessage = own(detail, 'message');
  const code = familyKeeping(
    status,
    typeof wireCode === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(wireCode) ? wireCode : undefined,
  );
  const said = typeof wireMessage === 'string' ? sanitizeMessage(wireMessage, redact) : '';
  const head = `${label}: Cloud answered ${status}${code === undefined ? '' : ` ${code}`}`;
  return new CloudApiError(said.length > 0 ? `${head}: ${said}` : head, {
    status,
    ...(code !== undefined && { code }),
    retryAfter,
  });
}

const REJECTION_CODES = new Set(['invalid_token', 'token_expired', 'invalid_grant', 'not_implemented']);
const OUTAGE_CODES = new Set<string>([
  WIRE_ERROR_CODES.timeout,
  WIRE_ERROR_CODES.networkError,
  WIRE_ERROR_CODES.badResponse,
  WIRE_ERROR_CODES.redirect,
]);

/**
 * In the released wire the HTTP status decides (CONTRACT 1b): 408, 429 and 5xx are an outage,
 * other 4xx a refusal. Cloud's `code` is kept unless it would move the answer to the other family.
 */
function familyKeeping(status: number, code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const outage = status === 408 || status === 429 || status >= 500;
  if (outage && REJECTION_CODES.has(code)) return undefined;
  if (!outage && OUTAGE_CODES.has(code)) return undefined;
  return code;
}
