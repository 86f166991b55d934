/**
 * How `CompositeAuth` asks several providers one question: in order, first answer wins, errors
 * reported and never lost. Internal: the class is the public surface.
 *
 * @see CONTRACT.md section 3
 * @module
 */
import { ConfigError, EdgeAuthError, isUnavailable } from '../errors/index.js';
import type { IMastraAuthProvider, IUserProvider, User } from '../mastra/interfaces.js';
import { type HeaderEntry, headerEntries } from './header-record.js';

/** Where provider errors go: the provider that threw and the operation it was asked. */
export type Reporter = (error: unknown, provider: object, operation: string) => void;

/** A provider's answer and who gave it. */
export type Answer<P, R> = { value: R; provider: P };

/**
 * Ask `providers` in order until one gives a truthy answer.
 *
 * A provider that throws (or rejects) is reported and skipped. When nobody answered and at least
 * one provider failed for an outage (`isUnavailable`), the first such error is thrown, so the
 * caller can tell "nobody knows this" from "could not ask"; failing that, the first
 * `misconfigured` error (a wrong `PROJECT_ID`, say: nobody's credentials are at fault);
 * otherwise the result is `null`.
 *
 * @throws The first `unavailable` error, else the first `misconfigured` one, when no provider answered.
 */
export async function firstAnswer<P extends object, R>(
  providers: readonly P[],
  operation: string,
  report: Reporter,
  ask: (provider: P) => R | null | undefined | Promise<R | null | undefined>,
): Promise<Answer<P, R> | null> {
  // Errors that mean "no verdict" rather than "no": an outage (503) wins over a misconfiguration (500).
  let outage: { error: unknown } | undefined;
  let misconfiguration: { error: unknown } | undefined;
  for (const provider of providers) {
    try {
      const value = await ask(provider);
      if (value) return { value, provider };
    } catch (error) {
      report(error, provider, operation);
      if (isUnavailable(error)) outage ??= { error };
      else if (error instanceof EdgeAuthError && error.family === 'misconfigured')
        misconfiguration ??= { error };
    }
  }
  const noVerdict = outage ?? misconfiguration;
  if (noVerdict) throw noVerdict.error;
  return null;
}

/**
 * Synchronous {@link firstAnswer}, for the methods the Mastra server calls without `await`
 * (`getSessionIdFromRequest`). A provider returning a promise there is misbehaving: skipped.
 */
export function firstAnswerSync<P extends object, R>(
  providers: readonly P[],
  operation: string,
  report: Reporter,
  ask: (provider: P) => R | null | undefined,
): Answer<P, R> | null {
  for (const provider of providers) {
    try {
      const value = ask(provider);
      if (value && !(value instanceof Promise)) return { value, provider };
    } catch (error) {
      report(error, provider, operation);
    }
  }
  return null;
}

/**
 * Run `act` on every provider concurrently; failures are reported, never thrown.
 * Used for `destroySession`: one provider's outage must not keep the others' sessions alive,
 * nor turn a logout into a 500 that leaves the cookies in place.
 */
export async function everyProvider<P extends object>(
  providers: readonly P[],
  operation: string,
  report: Reporter,
  act: (provider: P) => unknown,
): Promise<void> {
  await Promise.all(
    providers.map(async (provider) => {
      try {
        await act(provider);
      } catch (error) {
        report(error, provider, operation);
      }
    }),
  );
}

/**
 * The header lines of every provider's `getClearSessionHeaders()`, in provider order.
 * A provider that throws or returns a non-object is reported (throws) or ignored (bad shape).
 */
export function clearSessionEntries(providers: readonly object[], report: Reporter): HeaderEntry[] {
  const entries: HeaderEntry[] = [];
  for (const provider of providers) {
    const method: unknown = Reflect.get(provider, 'getClearSessionHeaders');
    if (typeof method !== 'function') continue;
    try {
      entries.push(...headerEntries(Reflect.apply(method, provider, [])));
    } catch (error) {
      report(error, provider, 'getClearSessionHeaders');
    }
  }
  return entries;
}

/**
 * Look users up across user providers, keeping the input order with `null` for misses.
 * Each provider is asked only for the ids still missing, through its `getUsers` when it has one
 * (a result of the wrong length is reported and ignored), else `getUser` per id.
 *
 * @throws The first `unavailable` error, when some id is still missing and a provider was down.
 */
export async function lookUpUsers(
  providers: readonly IUserProvider<User>[],
  userIds: readonly string[],
  report: Reporter,
): Promise<Array<User | null>> {
  const result: Array<User | null> = userIds.map(() => null);
  let missing = userIds.map((_, index) => index);
  let outage: { error: unknown } | undefined;
  const fail = (error: unknown, provider: object, operation: string) => {
    report(error, provider, operation);
    if (!outage && isUnavailable(error)) outage = { error };
  };

  for (const provider of providers) {
    if (missing.length === 0) break;
    const ids = missing.map((index) => userIds[index]!);
    const found = await askForUsers(provider, ids, fail);
    missing = missing.filter((index, position) => {
      const user = found[position];
      if (!user) return true;
      result[index] = user;
      return false;
    });
  }
  if (missing.length > 0 && outage) throw outage.error;
  return result;
}

async function askForUsers(
  provider: IUserProvider<User>,
  ids: string[],
  fail: (error: unknown, provider: object, operation: string) => void,
): Promise<Array<User | null | undefined>> {
  if (typeof provider.getUsers === 'function') {
    try {
      const users: unknown = await provider.getUsers(ids);
      if (Array.isArray(users) && users.length === ids.length) {
        return users.map((user: unknown) => (isUser(user) ? user : null));
      }
      fail(new TypeError('getUsers returned a list of the wrong length'), provider, 'getUsers');
    } catch (error) {
      fail(error, provider, 'getUsers');
    }
    return [];
  }
  const settled = await Promise.allSettled(ids.map(async (id) => provider.getUser(id)));
  return settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return isUser(outcome.value) ? outcome.value : null;
    fail(outcome.reason, provider, 'getUser');
    return null;
  });
}

/** A user as Mastra needs one: an object with a string `id`. Anything else counts as a miss. */
function isUser(value: unknown): value is User {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'id') === 'string';
}

/**
 * The resource id of a user: what its authenticator's `mapUserToResourceId` gives, else `user.id`.
 * Never empty: the Mastra server answers 500 for an empty or missing resource id anyway, so a
 * clear error is thrown instead.
 *
 * @throws ConfigError (`setting` `mapUserToResourceId`) when neither is a non-empty string.
 */
export function resourceIdFor(user: unknown, authenticator: IMastraAuthProvider | undefined): string {
  const mapped = authenticator?.mapUserToResourceId?.(user);
  if (typeof mapped === 'string' && mapped.trim() !== '') return mapped;
  const id: unknown = isObjectLike(user) ? Reflect.get(user, 'id') : undefined;
  if (typeof id === 'string' && id.trim() !== '') return id;
  throw new ConfigError('mapUserToResourceId', 'The authenticated user maps to no resource id and has no id');
}

/** Objects and functions: what a WeakMap can key. */
export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
