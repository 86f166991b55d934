/**
 * The request half of a Cloud call: headers, body, one attempt under a time limit, and the
 * mapping of transport failures (timeout, network) to `CloudApiError`.
 *
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { WIRE_ERROR_CODES } from './codes.js';
import { processEnvelope } from './envelope.js';

/** One Cloud API call, described before it is sent. */
export interface CallSpec<T> {
  /** Names the call in error messages (`verify`). */
  label: string;
  method: 'GET' | 'POST';
  url: string;
  /** Sent as `Authorization: Bearer <token>`; also redacted from Cloud's error messages. */
  token?: string;
  /** JSON body; only POST carries one. */
  body?: Record<string, string>;
  parse: (data: unknown) => T;
  /** Any 2xx answer will do and its body is not read (a raw profile's destroy). */
  ignoreBody?: boolean;
}

/** What an attempt needs from the client's options. */
export interface Transport {
  fetch: typeof fetch;
  projectId: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Answer -> validated value. Default {@link processEnvelope} (the v1 envelope). */
  process?: <T>(
    response: Response,
    parse: (data: unknown) => T,
    label: string,
    opts: { maxBytes: number; signal: AbortSignal; redact: readonly string[]; ignoreBody?: boolean },
  ) => Promise<T>;
}

/**
 * Builds the `RequestInit` of a call: `X-Project-ID`, `Accept`, Bearer where due, JSON body
 * with its `Content-Type` only when there is one, `redirect: 'manual'`.
 */
export function buildRequestInit(
  spec: CallSpec<unknown>,
  projectId: string,
  signal: AbortSignal,
): RequestInit {
  const headers = new Headers({ Accept: 'application/json', 'X-Project-ID': projectId });
  if (spec.token !== undefined) headers.set('Authorization', `Bearer ${spec.token}`);
  const init: RequestInit = { method: spec.method, headers, redirect: 'manual', signal };
  if (spec.body !== undefined && spec.method === 'POST') {
    headers.set('Content-Type', 'application/json');
    init.body = JSON.stringify(spec.body);
  }
  return init;
}

/**
 * Sends `spec` once and processes the answer, all within `transport.timeoutMs`.
 *
 * @returns the validated `data`.
 * @throws {CloudApiError} status 0 `timeout` when time ran out (before or during the body read),
 * status 0 `network_error` when `fetch` threw, else whatever the profile's processing throws.
 */
export async function attemptCall<T>(spec: CallSpec<T>, transport: Transport): Promise<T> {
  const controller = new AbortController();
  const signal = controller.signal;
  const timeoutError = (cause?: unknown): CloudApiError =>
    new CloudApiError(`${spec.label}: Cloud did not answer within ${transport.timeoutMs} ms`, {
      status: 0,
      code: WIRE_ERROR_CODES.timeout,
      cause,
    });
  const timer = setTimeout(() => controller.abort(), transport.timeoutMs);

  const work = (async (): Promise<T> => {
    let response: Response;
    try {
      // `this` = globalThis: workerd's fetch throws "Illegal invocation" when called on another object.
      response = await Reflect.apply(transport.fetch, globalThis, [
        spec.url,
        buildRequestInit(spec, transport.projectId, signal),
      ]);
    } catch (error) {
      if (signal.aborted) throw timeoutError(error);
      throw new CloudApiError(`${spec.label}: network error reaching Cloud`, {
        status: 0,
        code: WIRE_ERROR_CODES.networkError,
        cause: error,
      });
    }
    const process = transport.process ?? processEnvelope;
    return process(response, spec.parse, spec.label, {
      maxBytes: transport.maxResponseBytes,
      signal,
      redact: spec.token === undefined ? [] : [spec.token],
      ...(spec.ignoreBody === true && { ignoreBody: true }),
    });
  })();

  // A fetch that ignores its signal must not hold the caller past the time limit.
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(timeoutError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Whichever side loses the race settles unobserved: keep that from being an unhandled rejection.
  work.catch(() => {});
  expired.catch(() => {});
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
