/** URL building: base URL and prefixes, the browser login and logout URLs. */
import { afterEach, describe, expect, it } from 'vitest';
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import type { FakeFetch } from './fake-fetch.js';
import { ok } from './fake-fetch.js';
import { CHALLENGE, clientWith, PROJECT_ID, REDIRECT_URI, TOKEN } from './fixtures.js';

let fake: FakeFetch | undefined;
afterEach(() => {
  fake?.assertDone();
  fake = undefined;
});

async function verifyUrl(options: { baseUrl?: string; apiPrefix?: string }): Promise<string> {
  const made = clientWith([ok({ permissions: [] })], options);
  fake = made.fake;
  await made.client.getUserPermissions('u1', TOKEN);
  return made.fake.calls[0]!.url;
}

describe('API URLs', () => {
  it('drops trailing slashes from baseUrl', async () => {
    const client = new MastraCloudClient({ projectId: PROJECT_ID, baseUrl: 'https://cloud.example.com//' });
    expect(client.baseUrl).toBe('https://cloud.example.com');
    expect(await verifyUrl({ baseUrl: 'https://cloud.example.com/' })).toBe(
      'https://cloud.example.com/api/v1/users/u1/permissions',
    );
  });

  it('keeps a path in baseUrl', async () => {
    expect(await verifyUrl({ baseUrl: 'https://example.com/cloud/' })).toBe(
      'https://example.com/cloud/api/v1/users/u1/permissions',
    );
  });

  it('defaults to https://cloud.mastra.ai', () => {
    expect(new MastraCloudClient({ projectId: PROJECT_ID }).baseUrl).toBe('https://cloud.mastra.ai');
  });

  it('uses a custom apiPrefix, with or without a trailing slash, or none', async () => {
    const base = 'https://c.example';
    expect(await verifyUrl({ baseUrl: base, apiPrefix: '/v2/' })).toBe(`${base}/v2/users/u1/permissions`);
    expect(await verifyUrl({ baseUrl: base, apiPrefix: '/x/api' })).toBe(
      `${base}/x/api/users/u1/permissions`,
    );
    expect(await verifyUrl({ baseUrl: base, apiPrefix: '' })).toBe(`${base}/users/u1/permissions`);
  });

  it('keeps http for local development', async () => {
    expect(await verifyUrl({ baseUrl: 'http://localhost:8787' })).toBe(
      'http://localhost:8787/api/v1/users/u1/permissions',
    );
  });
});

describe('getLoginUrl', () => {
  const client = new MastraCloudClient({ projectId: PROJECT_ID, baseUrl: 'https://cloud.example.com/' });

  it('builds {base}/auth/oss with project_id, redirect_uri, state, code_challenge and S256', () => {
    const url = new URL(
      client.getLoginUrl({ redirectUri: REDIRECT_URI, state: 's 1|/x?y', codeChallenge: CHALLENGE }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://cloud.example.com/auth/oss');
    expect([...url.searchParams].sort()).toEqual(
      [
        ['code_challenge', CHALLENGE],
        ['code_challenge_method', 'S256'],
        ['project_id', PROJECT_ID],
        ['redirect_uri', REDIRECT_URI],
        ['state', 's 1|/x?y'],
      ].sort(),
    );
    expect(url.hash).toBe('');
  });

  it('uses a custom authPath', () => {
    const custom = new MastraCloudClient({
      projectId: PROJECT_ID,
      baseUrl: 'https://c.example',
      authPath: '/sso/',
    });
    const url = new URL(
      custom.getLoginUrl({ redirectUri: REDIRECT_URI, state: 's', codeChallenge: CHALLENGE }),
    );
    expect(url.pathname).toBe('/sso');
  });

  it('refuses bad parameters with a TypeError naming them', () => {
    const good = { redirectUri: REDIRECT_URI, state: 's', codeChallenge: CHALLENGE };
    expect(() => client.getLoginUrl({ ...good, redirectUri: '/callback' })).toThrow(/redirectUri/);
    expect(() => client.getLoginUrl({ ...good, redirectUri: 'ftp://x.example/cb' })).toThrow(/redirectUri/);
    expect(() => client.getLoginUrl({ ...good, redirectUri: `${REDIRECT_URI}#frag` })).toThrow(/redirectUri/);
    expect(() => client.getLoginUrl({ ...good, state: '' })).toThrow(/state/);
    expect(() => client.getLoginUrl({ ...good, state: 'x'.repeat(2049) })).toThrow(/state/);
    expect(() => client.getLoginUrl({ ...good, codeChallenge: 'plain-verifier' })).toThrow(/codeChallenge/);
    expect(() => client.getLoginUrl({ ...good, codeChallenge: `${CHALLENGE.slice(1)}=` })).toThrow(
      /codeChallenge/,
    );
  });
});

describe('getLogoutUrl', () => {
  it('builds {base}/auth/logout?redirect_uri=...', () => {
    const client = new MastraCloudClient({ projectId: PROJECT_ID, baseUrl: 'https://cloud.example.com/' });
    const url = new URL(client.getLogoutUrl('https://app.example.com/bye?x=1&y=2'));
    expect(`${url.origin}${url.pathname}`).toBe('https://cloud.example.com/auth/logout');
    expect([...url.searchParams]).toEqual([['redirect_uri', 'https://app.example.com/bye?x=1&y=2']]);
  });

  it('refuses a relative redirect URI', () => {
    const client = new MastraCloudClient({ projectId: PROJECT_ID });
    expect(() => client.getLogoutUrl('/bye')).toThrow(TypeError);
  });
});
