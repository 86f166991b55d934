import type { Upstream } from './config.js';
import {
  badGatewayResponse,
  type ErrorContext,
  gatewayTimeoutResponse,
  payloadTooLargeResponse,
  reportBrokenStream,
} from './error-response.js';
import { sendUpstream } from './proxy.js';
import type { RunnerLimits } from './runner-limits.js';

/** What {@link relay} needs besides the built upstream request. */
export interface RelayOptions {
  readonly upstream: Upstream;
  /** The transport for `UPSTREAM_URL`. */
  readonly fetch: typeof fetch;
  readonly limits: RunnerLimits;
  /** The client's request: its `signal` (a disconnect) cancels the runner's request. */
  readonly request: Request;
  readonly onError: ErrorContext['onError'];
  /** Aborted when the request body passes the size limit (see `limitRequestBody`): then 413. */
  readonly bodyOverflow: AbortSignal | undefined;
}

/** The runner sent no response headers, or no chunk, within its bound. */
export class RunnerTimeoutError extends Error {
  override readonly name = 'RunnerTimeoutError';
}

/**
 * Content types whose answers are streams whatever their framing: Mastra's agent `stream` (SSE)
 * and line-delimited JSON. Chunked `text/plain` (workflow and `stream/vnext` answers) is caught
 * by its missing `Content-Length`.
 */
const STREAM_TYPES = new Set(['text/event-stream', 'application/x-ndjson', 'application/jsonl']);

/**
 * Sends the request to the runner and relays its answer as it comes. The wait for response
 * headers is bounded (`headersTimeoutMs` -> 504); a failure to connect is 502; a body cut for
 * size is 413. A streamed answer is passed on chunk by chunk, never compressed by the platform
 * (see {@link asStream}), with each silence between chunks bounded (`idleTimeoutMs`) but no
 * bound on its length. A client that goes away cancels the runner's request.
 *
 * @param upstreamRequest - the request to send (from `buildUpstreamRequest`)
 * @param options - upstream, transport, limits, the client's request, the error hook
 * @returns the runner's answer, or the gateway's 413/502/504
 */
export async function relay(upstreamRequest: Request, options: RelayOptions): Promise<Response> {
  const { limits, request } = options;
  const cancel = new AbortController();
  const overflow = options.bodyOverflow;
  // Listeners, not AbortSignal.any: that costs tens of microseconds per request in Node.
  follow(cancel, request.signal);
  if (overflow !== undefined) follow(cancel, overflow);
  const signal = cancel.signal;
  const context: ErrorContext = { request, onError: options.onError };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cancel.abort(new RunnerTimeoutError(`no response headers within ${limits.headersTimeoutMs} ms`));
  }, limits.headersTimeoutMs);
  let response: Response;
  try {
    response = await sendUpstream(upstreamRequest, options.upstream, options.fetch, { signal });
  } catch (error) {
    if (overflow?.aborted === true) return payloadTooLargeResponse(limits.maxRequestBodyBytes);
    if (timedOut) return gatewayTimeoutResponse(error, context);
    return badGatewayResponse(error, context);
  } finally {
    clearTimeout(timer);
  }
  if (overflow?.aborted === true) {
    // The runner answered before it had read the whole body; the body was cut, so is its answer.
    response.body?.cancel().catch(() => {});
    return payloadTooLargeResponse(limits.maxRequestBodyBytes);
  }
  return isStreamed(response) ? asStream(response, limits.idleTimeoutMs, cancel, context) : response;
}

/** Aborts `controller` when `signal` aborts (a client that went away, a body over its limit). */
function follow(controller: AbortController, signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
}

/**
 * Whether an answer is a stream: a body of a streaming type, or one of unknown length (chunked).
 *
 * @param response - the runner's answer
 * @returns true when the body should be relayed as a stream
 */
export function isStreamed(response: Response): boolean {
  if (response.body === null) return false;
  const type = (response.headers.get('Content-Type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return STREAM_TYPES.has(type) || !response.headers.has('Content-Length');
}

/**
 * The answer as a stream the platform passes on as it comes. Cloudflare compresses `text/plain`
 * (and other text types) for clients that accept gzip or brotli, and a compressor holds small
 * chunks back until its buffer fills: a workflow stream would then arrive all at once at the end.
 * `Content-Encoding: identity` tells the platform the body is final as it is (see README
 * "Streaming"). A runner that compressed its own answer keeps its encoding.
 */
function asStream(
  response: Response,
  idleTimeoutMs: number,
  cancel: AbortController,
  context: ErrorContext,
): Response {
  const body = response.body;
  if (body === null) return response;
  const headers = new Headers(response.headers);
  if (!headers.has('Content-Encoding')) headers.set('Content-Encoding', 'identity');
  return new Response(boundIdleGaps(body, idleTimeoutMs, cancel, context), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Relays a body chunk by chunk; while the client waits for the next chunk and the runner sends
 * nothing for `idleTimeoutMs`, the stream ends with an error and the runner's request is
 * cancelled. Time the client itself takes to read is not counted. Cancelling the relayed stream
 * (the client went away) cancels the runner's body, so the runner sees the connection close.
 */
function boundIdleGaps(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs: number,
  cancel: AbortController,
  context: ErrorContext,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void => {
    controller.error(error);
    cancel.abort(error);
    reader.cancel(error).catch(() => {});
    void reportBrokenStream(error, context);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<'idle'>((resolve) => {
          timer = setTimeout(() => resolve('idle'), idleTimeoutMs);
        });
        try {
          const next = await Promise.race([reader.read(), idle]);
          if (next === 'idle') {
            fail(controller, new RunnerTimeoutError(`no chunk within ${idleTimeoutMs} ms`));
          } else if (next.done) {
            controller.close();
          } else {
            controller.enqueue(next.value);
          }
        } catch (error) {
          fail(controller, error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        cancel.abort(reason);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
