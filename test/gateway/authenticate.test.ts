import { describe, expect, it } from 'vitest';
import { credentialRequest } from '../../src/gateway/authenticate.js';

const incoming = new Request('https://gw.example/api/x?apiKey=query-token#frag', {
  method: 'POST',
  headers: {
    Authorization: 'Bearer header-token',
    'X-Playground-Access': 'header-token',
    Cookie: 'mastra-token=cookie-token; __Host-mastra_session=handle',
    'X-Api-Key': 'other',
  },
  body: 'x',
});

describe('credentialRequest', () => {
  it('carries only the chosen token, as Authorization, and no query', () => {
    const minimal = credentialRequest(
      incoming,
      { kind: 'token', token: 'header-token', source: 'playground' },
      'S',
    );
    expect([...minimal.headers]).toEqual([['authorization', 'Bearer header-token']]);
    expect(minimal.header('authorization')).toBe('Bearer header-token');
    expect(minimal.header('cookie')).toBeUndefined();
    // The Mastra-style `raw` request, for providers that read it: same method and path, no query.
    expect(minimal.raw.url).toBe('https://gw.example/api/x');
    expect(minimal.raw.method).toBe('POST');
    expect([...minimal.raw.headers]).toEqual([['authorization', 'Bearer header-token']]);
    expect(minimal.raw).toBe(minimal.raw);
  });

  it('carries only the session cookie for a session credential', () => {
    const minimal = credentialRequest(
      incoming,
      { kind: 'session', cookie: 'handle' },
      '__Host-mastra_session',
    );
    expect([...minimal.headers]).toEqual([['cookie', '__Host-mastra_session=handle']]);
  });
});
