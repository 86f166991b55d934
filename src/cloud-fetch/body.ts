/**
 * Reading a response body with a byte cap: the stream is read chunk by chunk and cancelled as
 * soon as the cap is passed, so a lying or missing `Content-Length` cannot make us buffer more.
 *
 * @module
 */

/** Why a body could not be read. */
export type BodyFailure = 'too_large' | 'not_utf8' | 'read_error' | 'aborted';

export type BodyResult = { ok: true; text: string } | { ok: false; reason: BodyFailure };

/** Drops a body we will not read, so the connection can be released. Never throws. */
export async function discardBody(response: Response): Promise<void> {
  try {
    if (response.body !== null && !response.bodyUsed) await response.body.cancel();
  } catch {
    // Cancelling is best effort: a locked or errored stream changes nothing for the caller.
  }
}

/**
 * Reads `response`'s body as UTF-8 text, at most `maxBytes` bytes.
 *
 * @param response - the response whose body to read (read once).
 * @param maxBytes - the cap; a body longer than this is cancelled and reported as `too_large`.
 * @param signal - when it aborts, the read stops and the stream is cancelled (`aborted`).
 * @returns the text, or the reason it could not be read; never throws.
 */
export async function readCappedText(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<BodyResult> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes) {
    await discardBody(response);
    return { ok: false, reason: 'too_large' };
  }
  if (response.bodyUsed) return { ok: false, reason: 'read_error' };
  if (response.body === null) return { ok: true, text: '' };

  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = response.body.getReader();
  } catch {
    return { ok: false, reason: 'read_error' };
  }
  const cancel = (): void => {
    reader.cancel().catch(() => {});
  };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });

  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      if (signal?.aborted) {
        cancel();
        return { ok: false, reason: 'aborted' };
      }
      const step = await Promise.race([reader.read(), aborted]);
      if (step === 'aborted') {
        cancel();
        return { ok: false, reason: 'aborted' };
      }
      if (step.done) break;
      const chunk: unknown = step.value;
      if (!ArrayBuffer.isView(chunk)) {
        cancel();
        return { ok: false, reason: 'read_error' };
      }
      total += chunk.byteLength;
      if (total > maxBytes) {
        cancel();
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  } catch {
    return { ok: false, reason: 'read_error' };
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }

  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'not_utf8' };
  }
}
