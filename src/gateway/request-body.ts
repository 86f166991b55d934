/** A request whose body may go to the runner, or the verdict that it is too large. */
export type BodyCheck =
  | {
      readonly ok: true;
      /** The request to forward: the same one, or a copy whose body is counted as it streams. */
      readonly request: Request;
      /** Whether the counted body went past the limit (the runner's fetch then fails: answer 413). */
      readonly overflowed: () => boolean;
    }
  | { readonly ok: false };

const NEVER = (): boolean => false;

/** Thrown into a counted body that passed its limit; the upstream fetch fails with it. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Bounds a request body without buffering it. A declared `Content-Length` over the limit is
 * refused before the runner is asked; a body without one (chunked) is counted while it streams
 * to the runner and cut, with an error, at the first byte past the limit. A body within its
 * `Content-Length` is passed on untouched: the HTTP layer already holds it to that length.
 *
 * @param request - the incoming request
 * @param maxBytes - the limit
 * @returns the request to forward, or `{ ok: false }` for a declared length over the limit
 */
export function limitRequestBody(request: Request, maxBytes: number): BodyCheck {
  const body = request.body;
  if (body === null || request.method === 'GET' || request.method === 'HEAD') {
    return { ok: true, request, overflowed: NEVER };
  }
  const declared = request.headers.get('Content-Length');
  if (declared !== null) {
    const length = /^\d+$/.test(declared.trim()) ? Number(declared.trim()) : Number.NaN;
    if (Number.isSafeInteger(length)) {
      return length > maxBytes ? { ok: false } : { ok: true, request, overflowed: NEVER };
    }
  }
  let total = 0;
  let over = false;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          over = true;
          controller.error(new BodyTooLargeError(`request body over ${maxBytes} bytes`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const init: RequestInit & { duplex?: 'half' } = { body: counted, duplex: 'half' };
  return { ok: true, request: new Request(request, init), overflowed: () => over };
}
