/** Shared helpers for the Cloud emulator tests (not a test file itself). */
import { expect } from 'vitest';
import {
  type CloudEmulator,
  type CloudEmulatorOptions,
  createCloudEmulator,
} from '../../src/testing/index.js';

export const PROJECT = 'proj_test';
export const BASE = 'https://cloud.test';
export const API = `${BASE}/api/v1`;
export const APP_CALLBACK = 'https://app.test/auth/callback';

/** RFC 7636 appendix B test vector. */
export const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** A movable clock (ms). */
export class Clock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export function setup(options: Partial<CloudEmulatorOptions> = {}): { cloud: CloudEmulator; clock: Clock } {
  const clock = new Clock();
  const cloud = createCloudEmulator({ projectId: PROJECT, now: clock.now, ...options });
  return { cloud, clock };
}

/** Headers a correct client sends on an API call. */
export function apiHeaders(token?: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'X-Project-ID': PROJECT, Accept: 'application/json', ...extra };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** A JSON POST as a correct client sends it. */
export function jsonPost(body: unknown, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: apiHeaders(token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
  };
}

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A fresh PKCE pair, the challenge computed with crypto.subtle. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: toBase64url(new Uint8Array(digest)) };
}

/** The browser login URL, with overrides (`null` drops a parameter). */
export function ossUrl(params: Record<string, string | null>): string {
  const url = new URL(`${BASE}/auth/oss`);
  const all: Record<string, string | null> = {
    project_id: PROJECT,
    redirect_uri: APP_CALLBACK,
    state: 'state-123',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) if (value !== null) url.searchParams.set(name, value);
  return url.href;
}

/** Runs the browser step and returns the code and state from the 302. */
export async function authorize(
  cloud: CloudEmulator,
  challenge: string,
  redirectUri = APP_CALLBACK,
): Promise<{ code: string; state: string | null; location: URL }> {
  const res = await cloud.fetcher(ossUrl({ code_challenge: challenge, redirect_uri: redirectUri }), {
    redirect: 'manual',
    headers: { Accept: 'text/html' },
  });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('Location') ?? 'missing:');
  const code = location.searchParams.get('code');
  if (code === null) throw new Error('no code in the redirect');
  return { code, state: location.searchParams.get('state'), location };
}

export function exchange(cloud: CloudEmulator, body: Record<string, unknown>): Promise<Response> {
  return cloud.fetcher(`${API}/auth/callback`, jsonPost(body));
}

/** Full PKCE login; returns the callback's data. */
export async function login(
  cloud: CloudEmulator,
): Promise<{ jwt: string; user: Record<string, unknown>; session: Record<string, unknown> }> {
  const { verifier, challenge } = await pkcePair();
  const { code } = await authorize(cloud, challenge);
  const res = await exchange(cloud, { code, code_verifier: verifier, redirect_uri: APP_CALLBACK });
  const data = await okData(res);
  if (typeof data.jwt !== 'string' || !isObject(data.user) || !isObject(data.session))
    throw new Error('bad login data');
  return { jwt: data.jwt, user: data.user, session: data.session };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Asserts a success envelope (HTTP 200, JSON) and returns `data`. */
export async function okData(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('Content-Type')).toBe('application/json');
  const body: unknown = await res.json();
  expect(res.status).toBe(200);
  expect(body).toMatchObject({ ok: true });
  if (!isObject(body) || !isObject(body.data)) throw new Error('data is not an object');
  return body.data;
}

/** Asserts a failure envelope with this HTTP status and code (and `error.status` equal to it). */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect(res.headers.get('Content-Type')).toBe('application/json');
  const body: unknown = await res.json();
  expect({ status: res.status, body }).toMatchObject({
    status,
    body: { ok: false, error: { status, code } },
  });
  if (!isObject(body) || !isObject(body.error) || typeof body.error.message !== 'string')
    throw new Error('no message');
  return body.error.message;
}
