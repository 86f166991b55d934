/**
 * Streams through the gateway (issue #17), in Node and in workerd alike: answers relayed chunk by
 * chunk with `Content-Encoding: identity`, the runner timeout (504), connection failures (502),
 * the idle bound between chunks, client aborts reaching the runner, request bodies streamed within
 * a size limit (413), and session slides on streamed answers. Every ordering check is driven by
 * events (a chunk is read before the runner is allowed to produce the next), not by timing.
 */
import { describe, expect, it, vi } from 'vitest';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { createHarness, type Harness, jsonOf, SERVICE_TOKEN } from './harness.js';

const AUTH = { Authorization: `Bearer ${SERVICE_TOKEN}`, Accept: 'application/json' };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A runner's streamed body that the test drives: `push` a chunk, `end`, and see `cancelled`. */
function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled: (reason: unknown) => void = () => {};
  const cancelledPromise = new Promise<unknown>((resolve) => {
    cancelled = resolve;
  });
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      cancelled(reason);
    },
  });
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    cancelled: cancelledPromise,
  };
}

/** A promise and its resolver (`Promise.withResolvers` needs Node 22). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Rejects if `promise` has not settled once `ms` have passed: a watchdog so a failure cannot hang. */
function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, watchdog]).finally(() => clearTimeout(timer));
}

async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | null> {
  const next = await within(reader.read());
  return next.done ? null : decoder.decode(next.value);
}

function harness(
  runner: (request: Request) => Promise<Response>,
  env: Record<string, unknown> = {},
): Harness {
  return createHarness(new MemoryKVStore(), env, { runner });
}

const STREAMING_TYPES = [
  ['text/event-stream', 'data: one\n\n', 'data: two\n\n'],
  ['text/plain; charset=utf-8', '{"type":"one"}', '{"type":"two"}'],
  ['application/x-ndjson', '{"n":1}\n', '{"n":2}\n'],
] as const;

describe('streamed answers', () => {
  it.each(STREAMING_TYPES)(
    'relays %s chunk by chunk: the first arrives before the runner makes the last',
    async (type, first, second) => {
      const body = controlledBody();
      const h = harness(async () => new Response(body.stream, { headers: { 'Content-Type': type } }));
      body.push(first);
      const response = await within(
        h.send('/api/agents/a/stream', { headers: { ...AUTH, 'Accept-Encoding': 'gzip, br' } }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe(type);
      expect(response.headers.get('Content-Encoding')).toBe('identity');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      expect(await readText(reader)).toBe(first);
      // Only now does the runner produce the rest: a buffering gateway would still be waiting.
      body.push(second);
      expect(await readText(reader)).toBe(second);
      body.end();
      expect(await readText(reader)).toBeNull();
      expect(h.received[0]?.headers.get('X-Mastra-User-Id')).toBe('business-api');
    },
  );

  it('leaves a fixed-length answer alone (no Content-Encoding added: the platform may compress it)', async () => {
    const h = harness(async () => Response.json({ ok: true }, { headers: { 'Content-Length': '11' } }));
    const response = await h.send('/api/tools', { headers: AUTH });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Encoding')).toBeNull();
    expect(await jsonOf(response)).toEqual({ ok: true });
  });

  it('keeps an encoding the runner chose itself', async () => {
    const body = controlledBody();
    const h = harness(
      async () =>
        new Response(body.stream, {
          headers: { 'Content-Type': 'text/event-stream', 'Content-Encoding': 'br' },
        }),
    );
    body.end();
    const response = await h.send('/api/agents/a/stream', { headers: AUTH });
    expect(response.headers.get('Content-Encoding')).toBe('br');
  });

  it('never cuts a stream that keeps sending, however long it lasts in total', async () => {
    const body = controlledBody();
    const h = harness(
      async () => new Response(body.stream, { headers: { 'Content-Type': 'text/event-stream' } }),
      {
        RUNNER_TIMEOUT_MS: '40',
        RUNNER_IDLE_TIMEOUT_MS: '200',
      },
    );
    body.push('data: 0\n\n');
    const response = await h.send('/api/agents/a/stream', { headers: AUTH });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const seen: string[] = [];
    const started = Date.now();
    for (let i = 1; Date.now() - started < 500; i++) {
      seen.push((await readText(reader)) ?? 'end');
      await new Promise((resolve) => setTimeout(resolve, 25));
      body.push(`data: ${i}\n\n`);
    }
    body.end();
    while (true) {
      const text = await readText(reader);
      if (text === null) break;
      seen.push(text);
    }
    // Longer in total than both bounds, and nothing lost or reordered.
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual(seen.map((_, i) => `data: ${i}\n\n`));
  });

  it('ends a stream whose runner falls silent past RUNNER_IDLE_TIMEOUT_MS, and cancels the runner', async () => {
    const body = controlledBody();
    const h = harness(
      async () => new Response(body.stream, { headers: { 'Content-Type': 'text/event-stream' } }),
      {
        RUNNER_IDLE_TIMEOUT_MS: '30',
      },
    );
    body.push('data: 1\n\n');
    const response = await h.send('/api/agents/a/stream', { headers: AUTH });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(await readText(reader)).toBe('data: 1\n\n');
    await expect(within(reader.read())).rejects.toThrow(/no chunk within 30 ms/);
    await within(body.cancelled);
    expect(h.reports).toEqual([
      expect.objectContaining({
        code: 'stream_interrupted',
        reason: expect.stringContaining('RunnerTimeoutError'),
      }),
    ]);
  });

  it('passes on a runner failing mid-stream as a broken stream, and reports it', async () => {
    let fail: (error: Error) => void = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: 1\n\n'));
        fail = (error) => controller.error(error);
      },
    });
    const h = harness(async () => new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } }));
    const response = await h.send('/api/agents/a/stream', { headers: AUTH });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(await readText(reader)).toBe('data: 1\n\n');
    fail(new Error('runner crashed'));
    await expect(within(reader.read())).rejects.toThrow();
    expect(h.reports).toEqual([expect.objectContaining({ code: 'stream_interrupted', status: 502 })]);
  });

  it('cancels the runner when the client stops reading (a disconnect)', async () => {
    const body = controlledBody();
    const h = harness(
      async () => new Response(body.stream, { headers: { 'Content-Type': 'text/event-stream' } }),
    );
    body.push('data: 1\n\n');
    const response = await h.send('/api/agents/a/stream', { headers: AUTH });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(await readText(reader)).toBe('data: 1\n\n');
    await reader.cancel(new Error('client went away'));
    await within(body.cancelled);
  });

  it('cancels the runner request when the client aborts before the headers', async () => {
    const client = new AbortController();
    let runnerSignal: AbortSignal | undefined;
    const asked = deferred<void>();
    const h = harness(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          runnerSignal = request.signal;
          asked.resolve();
          request.signal.addEventListener('abort', () => reject(request.signal.reason));
        }),
    );
    const pending = h.send('/api/agents/a/generate', { headers: AUTH, signal: client.signal });
    await within(asked.promise);
    client.abort();
    await within(pending);
    expect(runnerSignal?.aborted).toBe(true);
  });
});

describe('runner timeout and failures', () => {
  it('answers 504 JSON without detail when the headers take longer than RUNNER_TIMEOUT_MS, and aborts the runner', async () => {
    let runnerSignal: AbortSignal | undefined;
    const h = harness(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          runnerSignal = request.signal;
          request.signal.addEventListener('abort', () => reject(request.signal.reason));
        }),
      { RUNNER_TIMEOUT_MS: '20' },
    );
    const response = await within(h.send('/api/agents/a/generate', { headers: AUTH }));
    expect(response.status).toBe(504);
    expect(await jsonOf(response)).toEqual({
      error: 'gateway_timeout',
      message: 'The app did not answer in time.',
    });
    expect(runnerSignal?.aborted).toBe(true);
    expect(h.reports).toEqual([
      expect.objectContaining({
        status: 504,
        reason: expect.stringContaining('no response headers within 20 ms'),
      }),
    ]);
  });

  it('answers 502 JSON without detail when the runner cannot be reached', async () => {
    const h = harness(async () => {
      throw new TypeError('connect ECONNREFUSED 10.0.0.7:4111');
    });
    const response = await h.send('/api/tools', { headers: AUTH });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'bad_gateway', message: 'The app could not be reached.' });
    expect(text).not.toContain('ECONNREFUSED');
  });

  it.each(['0', '-5', '1.5', 'soon', '99999999999'])(
    'refuses RUNNER_TIMEOUT_MS=%j with a 500 naming it',
    async (value) => {
      const h = harness(async () => new Response('never'), { RUNNER_TIMEOUT_MS: value });
      const response = await h.send('/api/tools', { headers: AUTH });
      expect(response.status).toBe(500);
      expect(await jsonOf(response)).toMatchObject({ message: expect.stringContaining('RUNNER_TIMEOUT_MS') });
    },
  );
});

describe('request bodies', () => {
  it('refuses a declared Content-Length over MAX_REQUEST_BODY_BYTES with 413, without asking the runner', async () => {
    const h = harness(async () => new Response('should not be asked'), { MAX_REQUEST_BODY_BYTES: '8' });
    const response = await h.send('/api/agents/a/generate', {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json', 'Content-Length': '20' },
      body: '{"messages":"hello"}',
    });
    expect(response.status).toBe(413);
    expect(await jsonOf(response)).toEqual({
      error: 'payload_too_large',
      message: 'The request body is larger than 8 bytes.',
    });
    expect(h.received).toEqual([]);
  });

  it('streams a chunked body to the runner as it comes (not buffered), and passes one within the limit', async () => {
    const upload = controlledBody();
    const firstSeen = deferred<string>();
    const h = harness(
      async (request) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        let text = '';
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          if (text === '') firstSeen.resolve(decoder.decode(next.value));
          text += decoder.decode(next.value);
        }
        return Response.json({ got: text }, { headers: { 'Content-Length': String(text.length + 10) } });
      },
      { MAX_REQUEST_BODY_BYTES: '64' },
    );
    upload.push('part one;');
    const pending = h.send('/api/agents/a/generate', {
      method: 'POST',
      headers: AUTH,
      body: upload.stream,
      duplex: 'half',
    } as RequestInit);
    // The runner holds the first part while the client has not sent the second.
    expect(await within(firstSeen.promise)).toBe('part one;');
    upload.push('part two');
    upload.end();
    const response = await within(pending);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ got: 'part one;part two' });
  });

  it('cuts a chunked body at the limit and answers 413', async () => {
    const upload = controlledBody();
    const runnerFailed = deferred<unknown>();
    let runnerSignal: AbortSignal | undefined;
    const h = harness(
      async (request) => {
        runnerSignal = request.signal;
        try {
          await request.text();
        } catch (error) {
          runnerFailed.resolve(error);
          throw error;
        }
        return new Response('read it all');
      },
      { MAX_REQUEST_BODY_BYTES: '10' },
    );
    upload.push('0123456789');
    const pending = h.send('/api/agents/a/generate', {
      method: 'POST',
      headers: AUTH,
      body: upload.stream,
      duplex: 'half',
    } as RequestInit);
    upload.push('!');
    upload.end();
    const response = await within(pending);
    expect(response.status).toBe(413);
    expect(await within(runnerFailed.promise)).toBeInstanceOf(Error);
    // The runner's request is aborted, so it never takes the cut body for a whole one.
    expect(runnerSignal?.aborted).toBe(true);
  });
});

describe('request bodies cut at the limit', () => {
  it('answers 413, not the runner answer, when the runner replied to a body that was cut', async () => {
    const upload = controlledBody();
    const h = harness(
      async (request) => {
        // A lenient runner: it takes whatever arrived and answers 200.
        const text = await request.text().catch(() => 'partial');
        return new Response(`got ${text}`);
      },
      { MAX_REQUEST_BODY_BYTES: '4' },
    );
    upload.push('12345');
    upload.end();
    const response = await within(
      h.send('/api/upload', {
        method: 'POST',
        headers: AUTH,
        body: upload.stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
  });
});

describe('sessions on streamed answers', () => {
  it('slides the session cookie and sends the identity headers on a streamed answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const h = createHarness(
        new MemoryKVStore(),
        {},
        {
          tokenTtlSeconds: 7 * 24 * 3600,
          runner: async (request) => {
            const body = controlledBody();
            body.push(`data: ${request.headers.get('X-Mastra-User-Id')}\n\n`);
            body.end();
            return new Response(body.stream, { headers: { 'Content-Type': 'text/event-stream' } });
          },
        },
      );
      const browser = h.browser();
      await browser.navigate('/');
      const first = browser.jar.get('__Host-mastra_session');
      expect(first).toBeDefined();
      vi.setSystemTime(Date.now() + 13 * 3600_000); // past half the 24 h idle window
      const response = await browser.request('/api/agents/a/stream', {
        headers: { Accept: 'text/event-stream' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Encoding')).toBe('identity');
      expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-mastra_session=/)]);
      expect(browser.jar.get('__Host-mastra_session')).not.toBe(first);
      expect(await response.text()).toMatch(/^data: user_/);
      expect(h.received.at(-1)?.headers.get('X-Mastra-User')).toEqual(expect.any(String));
    } finally {
      vi.useRealTimers();
    }
  });
});
