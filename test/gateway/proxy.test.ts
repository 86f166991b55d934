import { describe, expect, it } from 'vitest';
import { decodeUserHeader } from '../../src/gateway/identity.js';
import { buildUpstreamRequest, sendUpstream, targetUrl } from '../../src/gateway/proxy.js';

const upstream = { kind: 'url', origin: 'http://runner.internal:4111' } as const;
const ownCookieNames = ['__Host-mastra_session', '__Host-mastra_login'];

describe('buildUpstreamRequest', () => {
  it('replaces identity headers, strips own cookies and credentials, keeps the rest', async () => {
    const request = new Request('https://gw.example/api/agents?x=1', {
      method: 'POST',
      headers: {
        Authorization: 'Bearer t',
        'X-Mastra-User-Id': 'spoofed',
        'x-mastra-user': 'spoofed',
        'X-Mastra-User-Email': 'spoofed',
        Cookie: 'a=1; __Host-mastra_session=s; b=2',
        'Content-Type': 'application/json',
        'X-Playground-Access': 't',
        'X-Mastra-Identity': 'forged',
        'X-Forwarded-Host': 'evil.example',
        Host: 'gw.example',
      },
      body: '{"q":1}',
    });
    const out = buildUpstreamRequest(request, {
      upstream,
      user: { id: 'user_1', email: 'ada@example.com' },
      assertion: 'signed.jwt.here',
      ownCookieNames,
      publicOrigin: 'https://gw.example',
    });
    expect(out.url).toBe('http://runner.internal:4111/api/agents?x=1');
    expect(out.method).toBe('POST');
    expect(out.redirect).toBe('manual');
    expect(out.headers.get('Authorization')).toBeNull();
    expect(out.headers.get('X-Playground-Access')).toBeNull();
    expect(out.headers.get('X-Mastra-Identity')).toBe('signed.jwt.here');
    expect(out.headers.get('X-Mastra-User-Id')).toBe('user_1');
    expect(decodeUserHeader(out.headers.get('X-Mastra-User') ?? '')).toEqual({
      id: 'user_1',
      email: 'ada@example.com',
    });
    expect(out.headers.get('X-Mastra-User-Email')).toBeNull();
    expect(out.headers.get('Cookie')).toBe('a=1; b=2');
    expect(out.headers.get('X-Forwarded-Host')).toBe('gw.example');
    expect(out.headers.get('Host')).toBeNull();
    expect(out.headers.get('X-Forwarded-Proto')).toBe('https');
    expect(out.headers.get('Content-Type')).toBe('application/json');
    expect(await out.text()).toBe('{"q":1}');
  });

  it('sends no identity and no Cookie header when there is no user and only own cookies', () => {
    const request = new Request('https://gw.example/health', {
      headers: { 'X-Mastra-User-Id': 'spoofed', Cookie: '__Host-mastra_session=s' },
    });
    const out = buildUpstreamRequest(request, { upstream, user: null, ownCookieNames });
    expect(out.headers.get('X-Mastra-User-Id')).toBeNull();
    expect(out.headers.get('X-Mastra-User')).toBeNull();
    expect(out.headers.get('Cookie')).toBeNull();
  });
});

describe('targetUrl', () => {
  it('keeps the upstream host even for a path that looks protocol-relative', () => {
    const incoming = new URL('https://gw.example//evil.example/x?y=1');
    expect(new URL(targetUrl(incoming, upstream)).host).toBe('runner.internal:4111');
    expect(targetUrl(incoming, upstream)).toBe('http://runner.internal:4111//evil.example/x?y=1');
  });

  it('keeps the public URL for a service binding', () => {
    const fetcher = { fetch: async () => new Response() };
    expect(targetUrl(new URL('https://gw.example/a'), { kind: 'binding', fetcher })).toBe(
      'https://gw.example/a',
    );
  });
});

describe('sendUpstream', () => {
  it('uses the service binding when configured, else the given fetch', async () => {
    const seen: string[] = [];
    const fetcher = {
      fetch: async (r: Request) => {
        seen.push(`binding ${r.url}`);
        return new Response('b');
      },
    };
    const viaFetch = async (input: RequestInfo | URL) => {
      seen.push(`fetch ${input instanceof Request ? input.url : String(input)}`);
      return new Response('f');
    };
    await sendUpstream(new Request('https://gw.example/a'), { kind: 'binding', fetcher }, viaFetch);
    await sendUpstream(new Request('http://runner.internal:4111/a'), upstream, viaFetch);
    expect(seen).toEqual(['binding https://gw.example/a', 'fetch http://runner.internal:4111/a']);
  });
});
