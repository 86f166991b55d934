import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServedHandler, serve } from '../../src/node/index.js';

let server: ServedHandler | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handler: (request: Request) => Promise<Response>): Promise<string> {
  server = await serve(handler, { port: 0 });
  return server.url;
}

/** A raw HTTP/1.1 exchange, for what fetch cannot send or show (a GET body, raw header lines). */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const req = httpRequest(target, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('serve (node:http adapter)', () => {
  it('binds 127.0.0.1 by default and reports its URL', async () => {
    const url = await start(async () => new Response('ok'));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(url);
    expect(await res.text()).toBe('ok');
  });

  it('hands the handler the method, URL, repeated headers and the body', async () => {
    let seen:
      | { method: string; url: string; accept: string | null; x: string | null; body: string }
      | undefined;
    const url = await start(async (request) => {
      seen = {
        method: request.method,
        url: request.url,
        accept: request.headers.get('accept'),
        x: request.headers.get('x-multi'),
        body: await request.text(),
      };
      return new Response(null, { status: 204 });
    });
    const res = await raw(url, {
      method: 'POST',
      path: '/p/a%20b?q=1&q=2',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Multi': 'a' },
      body: '{"hello":"wörld"}',
    });
    expect(res.status).toBe(204);
    expect(seen).toEqual({
      method: 'POST',
      url: `${url}/p/a%20b?q=1&q=2`,
      accept: 'application/json',
      x: 'a',
      body: '{"hello":"wörld"}',
    });
  });

  it('streams a chunked request body', async () => {
    const url = await start(async (request) => new Response(`got ${(await request.text()).length}`));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('abc'));
        controller.enqueue(new TextEncoder().encode('def'));
        controller.close();
      },
    });
    const res = await fetch(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(await res.text()).toBe('got 6');
  });

  it('keeps two Set-Cookie headers separate, and passes status, statusText and headers', async () => {
    const url = await start(async () => {
      const headers = new Headers({ 'Content-Type': 'application/json', 'X-One': '1' });
      headers.append('Set-Cookie', 'a=1; Path=/; HttpOnly');
      headers.append('Set-Cookie', 'b=2; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
      return new Response('{"ok":true}', { status: 201, statusText: 'Made', headers });
    });
    const res = await fetch(url);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-one')).toBe('1');
    expect(res.headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ]);
    expect(await res.json()).toEqual({ ok: true });

    const rawRes = await raw(url, {});
    const cookieLines = rawRes.rawHeaders.filter(
      (_value, index) => index % 2 === 0 && rawRes.rawHeaders[index]?.toLowerCase() === 'set-cookie',
    );
    expect(cookieLines).toHaveLength(2);
  });

  it.each([301, 302, 303, 307, 308])('passes a %i redirect on without following it', async (status) => {
    const url = await start(
      async () => new Response(null, { status, headers: { Location: 'https://elsewhere.invalid/x' } }),
    );
    const res = await fetch(`${url}/go`, { redirect: 'manual' });
    expect(res.status).toBe(status);
    expect(res.headers.get('location')).toBe('https://elsewhere.invalid/x');
  });

  it('streams a response body chunk by chunk', async () => {
    const url = await start(async () => {
      const encoder = new TextEncoder();
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          n += 1;
          if (n > 3) controller.close();
          else controller.enqueue(encoder.encode(`chunk${n};`));
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
    });
    expect(await (await fetch(url)).text()).toBe('chunk1;chunk2;chunk3;');
  });

  it('sends no body for HEAD', async () => {
    const url = await start(async () => new Response('body', { headers: { 'X-Head': 'yes' } }));
    const res = await raw(url, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it('drops a GET body but keeps its framing headers', async () => {
    let seen: { hasBody: boolean; length: string | null } | undefined;
    const url = await start(async (request) => {
      seen = { hasBody: request.body !== null, length: request.headers.get('content-length') };
      return new Response('x');
    });
    await raw(url, { method: 'GET', headers: { 'Content-Length': '5' }, body: 'hello' });
    expect(seen).toEqual({ hasBody: false, length: '5' });
  });

  it('aborts the request signal when the client goes away', async () => {
    let aborted: Promise<unknown> | undefined;
    let markReached = (): void => {};
    const reached = new Promise<void>((resolve) => {
      markReached = resolve;
    });
    const url = await start(async (request) => {
      aborted = new Promise((resolve) =>
        request.signal.addEventListener('abort', () => resolve(request.signal.reason)),
      );
      markReached();
      return new Promise<Response>(() => {});
    });
    const controller = new AbortController();
    const pending = fetch(url, { signal: controller.signal });
    await reached;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(aborted).resolves.toMatchObject({ name: 'AbortError' });
  });

  it('closes the connection without an answer when the handler rejects', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const url = await start(async () => {
        throw new Error('boom');
      });
      await expect(fetch(url)).rejects.toThrow('fetch failed');
      expect(JSON.stringify(errors)).toContain('boom');
    } finally {
      console.error = original;
    }
  });

  it('close() stops the server, keep-alive connections included', async () => {
    const url = await start(async () => new Response('ok'));
    await (await fetch(url)).text();
    await server?.close();
    server = undefined;
    await expect(fetch(url)).rejects.toThrow();
  });

  it('rejects bad options with a TypeError and a taken port with the listen error', async () => {
    expect(() => serve(async () => new Response(), { port: 70000 })).toThrow(TypeError);
    expect(() => serve(async () => new Response(), { hostname: '' })).toThrow(TypeError);
    const url = await start(async () => new Response());
    await expect(
      serve(async () => new Response(), { port: Number(new URL(url).port) }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
