import { type ErrorHandler, reportError } from '../errors/report.js';
import type { RecordKind } from './keys.js';

/** What was being done when storage failed: a KV call, or decoding a value read back. */
export type StorageOp = 'get' | 'put' | 'delete' | 'decode';

/** Where a storage failure happened. Carries no key, token or value. */
export interface StorageErrorContext {
  op: StorageOp;
  record: RecordKind;
}

/** The storage rooms' hook: the package's one {@link ErrorHandler} (reports with `source: 'storage'`). */
export type StorageErrorHandler = ErrorHandler;

/** Reports a storage failure (never throws: reporting must never fail a request). */
export function report(
  handler: ErrorHandler | undefined,
  error: unknown,
  context: StorageErrorContext,
): void {
  reportError(handler, error, { source: 'storage', operation: context.op, record: context.record });
}
