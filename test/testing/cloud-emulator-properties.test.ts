import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/testing/index.js';
import { API, APP_CALLBACK, apiHeaders, exchange, okData, ossUrl, setup } from './cloud-emulator-helpers.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the emulator refuses control characters in ids
const NO_CONTROL = /^[^\u0000-\u001f\u007f]+$/;

const unreserved = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split(''),
);

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function challengeOf(verifier: string): Promise<string> {
  return toBase64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
}

describe('emulator properties', () => {
  it('finds any user id sent percent-encoded, and only its own token reads its permissions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
          // `.` and `..` are dot segments every URL parser collapses (the client refuses them as ids).
          .filter((id) => NO_CONTROL.test(id) && id !== '.' && id !== '..'),
        async (id) => {
          const { cloud } = setup();
          cloud.addUser({ id, email: 'p@example.com', role: 'member' });
          const demo = cloud.issueToken(DEMO_USER.id);
          const own = cloud.issueToken(id);
          const path = `${API}/users/${encodeURIComponent(id)}`;
          const { user } = await okData(await cloud.fetcher(path, { headers: apiHeaders(demo) }));
          expect(user).toMatchObject({ id });
          const { permissions } = await okData(
            await cloud.fetcher(`${path}/permissions`, { headers: apiHeaders(own) }),
          );
          expect(permissions).toEqual(['*:read', '*:execute']);
          const other = await cloud.fetcher(`${path}/permissions`, { headers: apiHeaders(demo) });
          expect(other.status).toBe(id === DEMO_USER.id ? 200 : 403);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps any redirect_uri query and returns any state unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.webQueryParameters(),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
        async (query, state) => {
          const { cloud } = setup();
          const redirectUri = query === '' ? APP_CALLBACK : `${APP_CALLBACK}?${query}`;
          const res = await cloud.fetcher(
            ossUrl({
              code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
              redirect_uri: redirectUri,
              state,
            }),
            { redirect: 'manual' },
          );
          expect(res.status).toBe(302);
          const location = res.headers.get('Location') ?? '';
          const original = new URL(redirectUri);
          expect(location.startsWith(`${original.origin}${original.pathname}${original.search}`)).toBe(true);
          const params = new URL(location).searchParams;
          expect(params.getAll('state').at(-1)).toBe(state);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('redeems a code only with the verifier whose S256 challenge it was issued for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(unreserved, { minLength: 43, maxLength: 128 }).map((chars) => chars.join('')),
        fc.array(unreserved, { minLength: 43, maxLength: 128 }).map((chars) => chars.join('')),
        async (verifier, other) => {
          const { cloud } = setup();
          const challenge = await challengeOf(verifier);
          const code = async (): Promise<string> => {
            const res = await cloud.fetcher(ossUrl({ code_challenge: challenge }), { redirect: 'manual' });
            return new URL(res.headers.get('Location') ?? '').searchParams.get('code') ?? '';
          };
          const wrong = await exchange(cloud, {
            code: await code(),
            code_verifier: other,
            redirect_uri: APP_CALLBACK,
          });
          expect(wrong.status).toBe(other === verifier ? 200 : 400);
          await okData(
            await exchange(cloud, {
              code: await code(),
              code_verifier: verifier,
              redirect_uri: APP_CALLBACK,
            }),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses any query parameter whose name carries a token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('token', 'TOKEN', 'Jwt', 'apikey', 'api-key', 'API_KEY'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 5 }).map((s) => s.replace(/[^A-Za-z_]/g, '')),
        fc.string({ unit: 'grapheme-ascii', maxLength: 5 }).map((s) => s.replace(/[^A-Za-z_]/g, '')),
        async (core, before, after) => {
          const { cloud } = setup();
          const name = encodeURIComponent(`${before}${core}${after}`);
          const res = await cloud.fetcher(`${API}/auth/verify?${name}=x`, {
            method: 'POST',
            headers: apiHeaders('t'),
          });
          expect(res.status).toBe(400);
          expect(await res.json()).toMatchObject({ error: { code: 'token_in_query' } });
        },
      ),
      { numRuns: 60 },
    );
  });
});
