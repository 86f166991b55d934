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
    expect(minimal.url).toBe('https://gw.example/api/x');
    expect(minimal.method).toBe('POST');
    expect([...minimal.headers]).toEqual([['authorization', 'Bearer header-token']]);
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
