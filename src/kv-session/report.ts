import type { RecordKind } from './keys.js';

/** What was being done when storage failed: a KV call, or decoding a value read back. */
export type StorageOp = 'get' | 'put' | 'delete' | 'decode';

/** Where a storage failure happened. Carries no key, token or value. */
export interface StorageErrorContext {
  op: StorageOp;
  record: RecordKind;
}

/**
 * Receives storage failures this room absorbed (a KV call that threw, a corrupt entry). Use it to
 * log or count them; it must not throw (if it does, the error is ignored).
 */
export type StorageErrorHandler = (error: unknown, context: StorageErrorContext) => void;

/** Calls `handler` and swallows anything it throws: reporting must never fail a request. */
export function report(
  handler: StorageErrorHandler | undefined,
  error: unknown,
  context: StorageErrorContext,
): void {
  if (!handler) return;
  try {
    handler(error, context);
  } catch {
    // A broken reporter must not turn an absorbed failure into a request failure.
  }
}
