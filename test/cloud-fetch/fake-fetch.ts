/**
 * A scripted fetch for cloud-fetch tests: each call takes the next scripted answer, records
 * what was sent, and any call beyond the script is recorded as unexpected. `assertDone()`
 * fails when a scripted answer was not used or an unexpected call happened.
 */
import { expect } from 'vitest';

/** What the client sent on one call. */
export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  /** The raw `init.body` (a string for JSON bodies), or undefined. */
  body: unknown;
  redirect: RequestRedirect | undefined;
  signal: AbortSignal | undefined;
  thisArg: unknown;
}

export type Answer = Response | ((call: RecordedCall) => Response | Promise<Response>);

export interface FakeFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** Asserts every scripted answer was used and nothing else was asked. */
  assertDone(): void;
}

export function fakeFetch(...script: Answer[]): FakeFetch {
  const calls: RecordedCall[] = [];
  const unexpected: string[] = [];
  let next = 0;
  const fetchImpl = function (
    this: unknown,
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const call: RecordedCall = {
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body ?? undefined,
      redirect: init?.redirect,
      signal: init?.signal ?? undefined,
      thisArg: this,
    };
    calls.push(call);
    const answer = script[next];
    if (answer === undefined) {
      unexpected.push(`${call.method} ${url}`);
      return Promise.reject(new Error(`unexpected fetch: ${call.method} ${url}`));
    }
    next += 1;
    return Promise.resolve(typeof answer === 'function' ? answer(call) : answer);
  };
  return {
    fetch: fetchImpl,
    calls,
    assertDone() {
      expect(unexpected, 'unexpected fetch calls').toEqual([]);
      expect(next, 'scripted answers used').toBe(script.length);
    },
  };
}

/** A fetch that settles only when its signal aborts (then rejects with the abort reason). */
export const hangingFetch: typeof fetch = (_input, init) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init?.signal;
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** A fetch that never settles at all, ignoring its signal. */
export const deafFetch: typeof fetch = () => new Promise<Response>(() => {});

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON response with `body` serialized as is. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** `{ ok: true, data }` with HTTP 200. */
export function ok(data: unknown): Response {
  return json({ ok: true, data });
}

/** `{ ok: false, error: { status, code?, message } }` with HTTP `httpStatus` (default: `status`). */
export function fail(
  status: number,
  code?: string,
  opts: { httpStatus?: number; message?: string; headers?: Record<string, string> } = {},
): Response {
  const error: Record<string, unknown> = { status, message: opts.message ?? 'refused' };
  if (code !== undefined) error.code = code;
  return json({ ok: false, error }, opts.httpStatus ?? status, opts.headers);
}

/** A response whose body is a stream of `chunk` repeated forever; `cancelled()` tells whether it was cancelled. */
export function endlessBody(headers: Record<string, string> = {}): {
  response: Response;
  cancelled(): boolean;
} {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    response: new Response(stream, { status: 200, headers: { ...JSON_HEADERS, ...headers } }),
    cancelled: () => cancelled,
  };
}

/** A JSON response whose body never produces a byte. */
export function stalledBody(): Response {
  return new Response(new ReadableStream<Uint8Array>({}), { status: 200, headers: JSON_HEADERS });
}
