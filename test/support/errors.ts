/**
 * Helpers every room's tests use to look at an error, instead of a copy per file.
 */
import { expect } from 'vitest';
import { CloudApiError } from '../../src/errors/index.js';

/** Awaits `promise` and returns what it rejected with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Runs `action` and returns what it threw, or `undefined` when it returned. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Awaits `promise`, expects it to reject with a `CloudApiError`, and returns it. */
export async function cloudError(promise: Promise<unknown>): Promise<CloudApiError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(CloudApiError);
  if (!(error instanceof CloudApiError)) throw new Error('expected a CloudApiError');
  return error;
}
