import type { CloudApi, CloudUser, CloudUserProfile } from '../cloud-fetch/index.js';
import { RateLimitedError } from '../errors/index.js';
import { reportError } from '../errors/report.js';
import { type AuthRequestContext, requestContextOf } from '../http/request-context.js';
import {
  type Clock,
  KvUsedStateLedger,
  MemoryUsedStateLedger,
  RevocationList,
  SessionStore,
  VerifyCache,
} from '../kv-session/index.js';
import { DEFAULT_POSITIVE_TTL_MS, LruMap } from '../kv-session/internal.js';
import type { LoginFlowDeps } from './flow.js';
import { Handoff } from './handoff.js';
import type { ResolvedProviderOptions } from './options.js';
import { decodeProfile, encodeProfile } from './profile-codec.js';
import { parsePermissionList } from './rbac.js';
import { Sealer } from './seal.js';
import { TokenBucket } from './token-bucket.js';

/** Pending hand-overs to the synchronous methods: plenty for the logins in flight in one isolate. */
const HANDOFF_MAX_ENTRIES = 1_000;
/** A Mastra server takes a hand-over in the same tick; a minute is a generous bound. */
const HANDOFF_TTL_MS = 60_000;
/** Users remembered for `getUser(userId)`, which has no token to ask Cloud with. */
const RECENT_USERS_MAX_ENTRIES = 1_000;
/** Sessions whose refresh this isolate claimed; an evicted claim costs at most one more Cloud check. */
const REFRESH_CLAIMS_MAX_ENTRIES = 10_000;
/** Tokens recently charged to the unknown-token budget (bounded). */
const CHARGED_TOKENS_MAX_ENTRIES = 10_000;
/** A token is charged to the budget at most once this often. */
const BUDGET_CHARGE_MS = 10_000;

/** Everything a provider instance shares between requests. Nothing in it is per request. */
export interface ProviderContext {
  readonly client: CloudApi;
  readonly sealer: Sealer;
  /** Verify results: the user WITHOUT its token (the token is re-attached in memory). */
  readonly users: VerifyCache<CloudUserProfile>;
  /** Permission lists, keyed by the hash of the user's token (`perm:`), same revocation marks. */
  readonly permissions: VerifyCache<string[]>;
  /** Server-side session records (when a KV store is configured). */
  readonly sessions: SessionStore | undefined;
  readonly flow: LoginFlowDeps;
  readonly clock: Clock;
  readonly secureCookies: boolean;
  readonly callbackUrl: string | undefined;
  readonly positiveTtlMs: number;
  /** The user handed out for each cached answer (L1 entry) of a Bearer token; see `verifyUser`. */
  readonly shared: WeakMap<object, CloudUser>;
  /** Users this provider produced, with the hash of the token that produced each. */
  readonly issued: WeakMap<object, string>;
  /** Recently authenticated users by id, for `getUser` (memory only, never KV). */
  readonly recent: LruMap<string, { user: CloudUser; until: number }>;
  readonly loginCookies: Handoff<{ redirectUri: string; cookie: string }>;
  readonly callbackCookies: Handoff<string>;
  readonly sessionCookies: Handoff<string>;
  /** Users whose session cookie is past half its idle window, with that cookie's handle. */
  readonly refreshDue: WeakMap<object, string>;
  /** Session id -> until when its refresh is claimed in this isolate (one Cloud check per half window). */
  readonly refreshClaims: LruMap<string, number>;
  /** Budget of Cloud verifies for tokens never seen before, when configured. */
  readonly unknownTokens: TokenBucket | undefined;
  /** Token hash -> until when it is charged to the budget already. */
  readonly charged: LruMap<string, number>;
  /** Reports a failure the provider absorbed (`source: 'provider'`); never throws. */
  report(error: unknown, operation: 'destroySession' | 'login'): void;
}

/** Builds the shared state of one provider from its checked options. */
export function createContext(o: ResolvedProviderOptions): ProviderContext {
  const report: ProviderContext['report'] = (error, operation) =>
    reportError(o.onError, error, { source: 'provider', operation });
  const onStorageError = o.onError;
  const cache = o.cache;
  const stores = o.stores;
  const revocations = new RevocationList({
    clock: o.clock,
    onError: onStorageError,
    ...(stores.revocations !== undefined && { kv: stores.revocations }),
    ...(stores.revocationFeed !== undefined && { feed: stores.revocationFeed }),
    ...(stores.feedPollMs !== undefined && { feedPollMs: stores.feedPollMs }),
  });
  const tuning = {
    clock: o.clock,
    onError: onStorageError,
    ...(cache.positiveTtlMs !== undefined && { positiveTtlMs: cache.positiveTtlMs }),
    ...(cache.negativeTtlMs !== undefined && { negativeTtlMs: cache.negativeTtlMs }),
    ...(cache.l1TtlMs !== undefined && { l1TtlMs: cache.l1TtlMs }),
    ...(cache.l1MaxEntries !== undefined && { l1MaxEntries: cache.l1MaxEntries }),
    ...(cache.graceMs !== undefined && { graceMs: cache.graceMs }),
    ...(cache.coalesce !== undefined && { coalesce: cache.coalesce }),
    ...(stores.cache !== undefined && { kv: stores.cache }),
    revocations,
  };
  const users = new VerifyCache<CloudUserProfile>({
    ...tuning,
    validate: decodeProfile,
    encode: encodeProfile,
  });
  const permissions = new VerifyCache<string[]>({
    ...tuning,
    record: 'perm',
    // Permissions are looked up for a user verified in the same request: that verification polled.
    pollFeed: false,
    validate: parsePermissionList,
  });
  const sealer = new Sealer(o.sessionSecret);
  return {
    client: o.client,
    sealer,
    users,
    permissions,
    sessions:
      stores.sessions === undefined
        ? undefined
        : new SessionStore({ kv: stores.sessions, clock: o.clock, onError: onStorageError }),
    flow: {
      client: o.client,
      sealer,
      ledger:
        stores.usedStates === undefined
          ? new MemoryUsedStateLedger(o.clock)
          : new KvUsedStateLedger(stores.usedStates, o.clock, onStorageError),
      secureCookies: o.secureCookies,
      sessionIdleSeconds: o.sessionMaxAgeSeconds,
      now: () => o.clock.now(),
    },
    clock: o.clock,
    secureCookies: o.secureCookies,
    callbackUrl: o.callbackUrl,
    positiveTtlMs: cache.positiveTtlMs ?? DEFAULT_POSITIVE_TTL_MS,
    shared: new WeakMap(),
    issued: new WeakMap(),
    recent: new LruMap(RECENT_USERS_MAX_ENTRIES),
    loginCookies: new Handoff(HANDOFF_MAX_ENTRIES, HANDOFF_TTL_MS, o.clock),
    callbackCookies: new Handoff(HANDOFF_MAX_ENTRIES, HANDOFF_TTL_MS, o.clock),
    sessionCookies: new Handoff(HANDOFF_MAX_ENTRIES, HANDOFF_TTL_MS, o.clock),
    refreshDue: new WeakMap(),
    refreshClaims: new LruMap(REFRESH_CLAIMS_MAX_ENTRIES),
    unknownTokens:
      o.unknownTokenBudget === undefined
        ? undefined
        : new TokenBucket({ ...o.unknownTokenBudget, now: () => o.clock.now() }),
    charged: new LruMap(CHARGED_TOKENS_MAX_ENTRIES),
    report,
  };
}

/**
 * Verifies a token through the cache tiers and returns a user this provider vouches for
 * (registered for `authorizeUser`, remembered for `getUser`).
 *
 * On an L1 hit of a Bearer token (`reuse: 'shared'`) the user object made for that cache entry
 * is returned again: every request with the token gets the same object while the entry lives (at
 * most the L1 TTL), so a hit allocates nothing. `'fresh'` (a session cookie, whose per-request
 * refresh mark is keyed by the user object) always makes a new one.
 *
 * @param options - `request`: the request the host handed over (its context says where to run
 *   cache writes and receives how the answer was made); `known`: the token came from a session
 *   cookie this provider sealed (never junk, never budgeted); `reuse`: see above (default fresh)
 * @throws CloudApiError `rejected` (bad, expired or revoked token), `unavailable` (Cloud down)
 * @throws RateLimitedError (429) when the budget for unknown tokens is spent
 */
export async function verifyUser(
  ctx: ProviderContext,
  token: string,
  options: { request?: unknown; known?: boolean; reuse?: 'shared' | 'fresh' } = {},
): Promise<CloudUser> {
  const requestContext = requestContextOf(options.request);
  // An L1 hit is answered synchronously, keyed by the token itself: no hashing, no loader closure.
  const hit = ctx.users.cached(token);
  if (hit !== undefined) {
    if (requestContext !== undefined) requestContext.timing = { source: 'l1' };
    if (options.reuse !== 'shared') return adopt(ctx, hit.value, token, hit.tokenHash);
    const known = ctx.shared.get(hit);
    if (known !== undefined) return known;
    const user = adopt(ctx, hit.value, token, hit.tokenHash);
    ctx.shared.set(hit, user);
    return user;
  }
  const timing: NonNullable<AuthRequestContext['timing']> = {};
  if (requestContext !== undefined) requestContext.timing = timing;
  const { value, tokenHash } = await ctx.users.getVerified(
    token,
    async (info) => {
      spendBudget(ctx, info.tokenHash, info.known || options.known === true);
      const started = ctx.clock.now();
      try {
        const { user, expiresAt } = await ctx.client.verifyToken(token);
        return { value: withoutToken(user), ...(expiresAt !== undefined && { expiresAt }) };
      } finally {
        timing.cloudMs = ctx.clock.now() - started;
      }
    },
    {
      waitUntil: requestContext?.waitUntil,
      onSource: (source) => {
        timing.source = source === 'load' ? 'cloud' : source;
      },
    },
  );
  return adopt(ctx, value, token, tokenHash);
}

/**
 * Spends one unit of the unknown-token budget, or refuses (429) without asking Cloud. A token is
 * charged once per {@link BUDGET_CHARGE_MS}: concurrent requests with one new token (a page's
 * fan-out) cost one unit, not one each.
 */
function spendBudget(ctx: ProviderContext, tokenHash: string, known: boolean): void {
  const bucket = ctx.unknownTokens;
  if (bucket === undefined || known) return;
  const now = ctx.clock.now();
  const charged = ctx.charged.peek(tokenHash);
  if (charged !== undefined && charged > now) return;
  const waitMs = bucket.take();
  if (waitMs === 0) ctx.charged.set(tokenHash, now + BUDGET_CHARGE_MS);
  else {
    throw new RateLimitedError(
      'Too many verifications of unknown tokens; Cloud was not asked',
      waitMs / 1000,
    );
  }
}

/** Attaches the token (in memory only) and registers the user as one this provider produced. */
export function adopt(
  ctx: ProviderContext,
  profile: CloudUserProfile,
  token: string,
  tokenHash: string,
): CloudUser {
  const user: CloudUser = { ...profile, sessionToken: token };
  ctx.issued.set(user, tokenHash);
  ctx.recent.set(user.id, { user, until: ctx.clock.now() + ctx.positiveTtlMs });
  return user;
}

/** True for a user object this provider produced whose token is not revoked in this isolate. */
export function isOwnLiveUser(ctx: ProviderContext, user: unknown): user is CloudUser {
  if (typeof user !== 'object' || user === null) return false;
  const tokenHash = ctx.issued.get(user);
  return tokenHash !== undefined && !ctx.users.revocations.isRevokedLocally(tokenHash);
}

/** The profile without `sessionToken`: what may be cached (and stored in KV). */
export function withoutToken(user: CloudUser): CloudUserProfile {
  const { sessionToken: _token, ...profile } = user;
  return profile;
}
