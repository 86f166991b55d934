/** Shared set-up for the provider tests (not a test file itself): emulator, KV double, clock. */
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import type { KVStore } from '../../src/kv-session/index.js';
import { MastraCloudAuthProvider, type MastraCloudAuthProviderOptions } from '../../src/provider/index.js';
import {
  type CloudEmulator,
  createCloudEmulator,
  type EmulatorUser,
  KVDouble,
  ManualClock,
} from '../../src/testing/index.js';
import { WIRE } from '../wire.js';

export const PROJECT = 'proj_provider';
export const CLOUD = 'https://cloud.test';
export const APP = 'https://app.test';
export const CALLBACK = `${APP}/api/auth/sso/callback`;
export const SECRET = 'provider-test-secret-0123456789abcdefghijklmnop';

export const ALICE: EmulatorUser = {
  id: 'user_alice',
  email: 'alice@example.com',
  name: 'Alice',
  role: 'admin',
};
export const BOB: EmulatorUser = { id: 'user_bob', email: 'bob@example.com', role: 'viewer' };

export interface Harness {
  clock: ManualClock;
  cloud: CloudEmulator;
  kv: KVDouble;
  /** The KV store the provider uses (location `main`). */
  store: KVStore;
  provider: MastraCloudAuthProvider;
  client: MastraCloudClient;
  /** Another provider instance (another isolate) sharing Cloud and KV, at location `other` when given. */
  other(options?: Partial<MastraCloudAuthProviderOptions>): MastraCloudAuthProvider;
}

/** A client on the emulator, without retries (an outage is reported at once). */
export function clientFor(cloud: CloudEmulator, clock?: { now(): number }): MastraCloudClient {
  return new MastraCloudClient({
    projectId: PROJECT,
    baseUrl: CLOUD,
    wire: WIRE,
    fetch: cloud.fetcher,
    retries: 0,
    ...(clock !== undefined && { now: () => clock.now() }),
  });
}

/**
 * A provider on the emulator and the KV double, with a manual clock shared by all three.
 *
 * @param options - provider options to override (`kv: undefined` for none)
 * @param kvOptions - locations and replication lag of the KV double
 */
export function harness(
  options: Partial<MastraCloudAuthProviderOptions> = {},
  kvOptions: { locations?: string[]; replicationLagMs?: number } = {},
): Harness {
  const clock = new ManualClock();
  const cloud = createCloudEmulator({
    wire: WIRE,
    projectId: PROJECT,
    now: () => clock.now(),
    users: [ALICE, BOB],
  });
  const kv = new KVDouble({ clock, locations: kvOptions.locations ?? ['main', 'other'], ...kvOptions });
  const store = kv.location('main');
  const client = clientFor(cloud, clock);
  const build = (extra: Partial<MastraCloudAuthProviderOptions>, kvStore: KVStore) =>
    new MastraCloudAuthProvider({
      projectId: PROJECT,
      cloudBaseUrl: CLOUD,
      sessionSecret: SECRET,
      client,
      clock,
      kv: kvStore,
      ...extra,
    });
  return {
    clock,
    cloud,
    kv,
    store,
    client,
    provider: build(options, store),
    other: (extra = {}) => build({ ...options, ...extra }, kv.location(kv.locations[1] ?? 'main')),
  };
}

/** The `name=value` part of a `Set-Cookie` value, as a browser sends it back. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

/** Mastra's login state: `<uuid>|<encoded post-login path>`. */
export function mastraState(path = '/'): string {
  return `${crypto.randomUUID()}|${encodeURIComponent(path)}`;
}

/** Follows Cloud's login page: returns the `code` and `state` of its redirect to the callback. */
export async function signInAtCloud(
  cloud: CloudEmulator,
  loginUrl: string,
): Promise<{ code: string; state: string }> {
  const response = await cloud.fetch(new Request(loginUrl, { redirect: 'manual' }));
  const location = response.headers.get('Location');
  if (response.status !== 302 || location === null)
    throw new Error(`Cloud login answered ${response.status}`);
  const url = new URL(location);
  return { code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') ?? '' };
}

/** A login the way a Mastra server drives it, up to (not including) the callback. */
export async function startMastraLogin(
  h: Pick<Harness, 'provider' | 'cloud'>,
  path = '/',
): Promise<{ code: string; state: string; stateId: string; flowCookie: string }> {
  const state = mastraState(path);
  const url = await h.provider.getLoginUrl(CALLBACK, state);
  const cookies = h.provider.getLoginCookies(CALLBACK, state);
  if (cookies?.length !== 1 || cookies[0] === undefined) throw new Error('expected one login cookie');
  const back = await signInAtCloud(h.cloud, url);
  return { ...back, stateId: back.state.split('|')[0] ?? '', flowCookie: cookiePair(cookies[0]) };
}

/** A whole Mastra-style login; returns the callback result and the session cookie pair. */
export async function mastraLogin(h: Pick<Harness, 'provider' | 'cloud'>, path = '/') {
  const started = await startMastraLogin(h, path);
  h.provider.setCallbackCookieHeader(`other=1; ${started.flowCookie}`);
  const result = await h.provider.handleCallback(started.code, started.stateId);
  const sessionSetCookie = result.cookies?.[1] ?? '';
  return { ...started, result, sessionCookie: cookiePair(sessionSetCookie), sessionSetCookie };
}

/** A Mastra-style request wrapper around a fetch Request (`{ raw, headers, header() }`). */
export function mastraRequest(headers: Record<string, string> = {}) {
  const raw = new Request(`${APP}/api/agents`, { headers });
  return { raw, headers: raw.headers, header: (name: string) => raw.headers.get(name) ?? undefined };
}
