/** A request whose body may go to the runner, or the verdict that it is too large. */
export type BodyCheck =
  | {
      readonly ok: true;
      /** The request to forward: the same one, or a copy whose body is counted as it streams. */
      readonly request: Request;
      /**
       * For a counted body: aborted the moment it passes the limit. Abort the runner's fetch with
       * it, so the runner sees a broken request, never a clean end of a truncated body; then 413.
       */
      readonly overflow: AbortSignal | undefined;
    }
  | { readonly ok: false };

/** Thrown into a counted body that passed its limit; the upstream fetch fails with it. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Bounds a request body without buffering it. A declared `Content-Length` over the limit is
 * refused before the runner is asked; a body without one (chunked) is counted while it streams
 * to the runner and cut at the first byte past the limit (the fetch is aborted with `overflow`).
 * A body within its `Content-Length` is passed on untouched: the HTTP layer already holds it to
 * that length.
 *
 * @param request - the incoming request
 * @param maxBytes - the limit
 * @returns the request to forward, or `{ ok: false }` for a declared length over the limit
 */
export function limitRequestBody(request: Request, maxBytes: number): BodyCheck {
  const body = request.body;
  if (body === null || request.method === 'GET' || request.method === 'HEAD') {
    return { ok: true, request, overflow: undefined };
  }
  const declared = request.headers.get('Content-Length');
  if (declared !== null) {
    const length = /^\d+$/.test(declared.trim()) ? Number(declared.trim()) : Number.NaN;
    if (Number.isSafeInteger(length)) {
      return length > maxBytes ? { ok: false } : { ok: true, request, overflow: undefined };
    }
  }
  let total = 0;
  const overflow = new AbortController();
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          const error = new BodyTooLargeError(`request body over ${maxBytes} bytes`);
          // Abort first: erroring the body alone can end the upload cleanly, truncated.
          overflow.abort(error);
          controller.error(error);
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const init: RequestInit & { duplex?: 'half' } = { body: counted, duplex: 'half' };
  return { ok: true, request: new Request(request, init), overflow: overflow.signal };
}
