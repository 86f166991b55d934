import { CloudApiError } from '../../src/errors/index.js';
import { VerifyCache, type VerifyCacheOptions } from '../../src/kv-session/index.js';
import { KVDouble, type KVDoubleNamespace } from '../../src/testing/index.js';

/** A cached value with no token in it (the provider caches users the same way). */
export interface TestUser {
  id: string;
  email: string;
}

export const USER: TestUser = { id: 'user-1', email: 'ada@example.com' };

/** Looks like a JWT so a leak would be easy to spot. */
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2VjcmV0LXNpZ25hdHVyZQ';

export function validateUser(value: unknown): TestUser | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!('id' in value) || !('email' in value)) return null;
  const { id, email } = value;
  return typeof id === 'string' && typeof email === 'string' ? { id, email } : null;
}

export const rejection = () => new CloudApiError('Invalid token', { status: 401, code: 'invalid_token' });
export const outage = () => new CloudApiError('Service unavailable', { status: 503 });

/** A loader that counts its calls. */
export function counting<V>(answer: () => Promise<{ value: V; expiresAt?: Date }>) {
  const load = async () => {
    load.calls++;
    return answer();
  };
  load.calls = 0;
  return load;
}

export function okLoader(value: TestUser = USER, expiresAt?: Date) {
  return counting(async () => (expiresAt ? { value, expiresAt } : { value }));
}

export function failingLoader(error: () => unknown) {
  return counting<TestUser>(async () => {
    throw error();
  });
}

/** A promise with its resolve function. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface Setup {
  kv: KVDouble;
  store: KVDoubleNamespace;
  cache: VerifyCache<TestUser>;
  errors: Array<{ error: unknown; op: string; record: string | undefined }>;
}

/** A cache ("isolate") over a KV double (new by default), in its first location unless told. */
export function setup(
  options: Partial<VerifyCacheOptions<TestUser>> = {},
  kv = new KVDouble(),
  location?: string,
): Setup {
  const store = kv.location(location);
  const errors: Setup['errors'] = [];
  const cache = new VerifyCache<TestUser>({
    kv: store,
    clock: kv.clock,
    validate: validateUser,
    onError: ({ operation: op, record }, error) => errors.push({ error, op, record }),
    ...options,
  });
  return { kv, store, cache, errors };
}

/** Lets pending promise callbacks run (no timers involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export { rejectionOf } from '../support/errors.js';
