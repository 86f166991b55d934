import { EdgeAuthError } from './base.js';

/** The KV store (or another backing store) threw or timed out. Never admits a request. */
export class StorageUnavailableError extends EdgeAuthError {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'storage_unavailable' as const;
  readonly family = 'unavailable' as const;
  readonly status = 503;
}
