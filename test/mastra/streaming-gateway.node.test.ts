/**
 * Issue #17 end to end: the real gateway (`worker.ts` in workerd through `wrangler dev`, whose
 * entry applies Cloudflare's response compression to `text/plain` like the edge does) in front of
 * a real Mastra server whose streams pause mid-way until the test releases them
 * (./streaming-runner.ts), with the Cloud emulator over HTTP for Cloud tokens.
 *
 * - Chunk arrival, measured by the test client with and without `Accept-Encoding: gzip`, for the
 *   agent stream (SSE), the workflow stream (chunked `text/plain`) and an `application/x-ndjson`
 *   route: the first chunk must arrive while the runner is still holding back its last one (an
 *   event-driven check; a buffering or compressing gateway never delivers it, and the watchdog
 *   fails the test instead of hanging).
 * - A client that disconnects mid-stream: the runner sees the abort.
 * - `@mastra/client-js` through the gateway: tools list and execute, agent stream, workflow
 *   stream, with a service token and with a Cloud token.
 *
 * Measured arrival times are printed (`STREAM_TIMINGS=1`); nothing asserts on their size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MastraClient } from '@mastra/client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/index.js';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { type CloudEmulator, createCloudEmulator } from '../../src/testing/index.js';
import { type RunningWorker, startWranglerDev } from '../support/wrangler-dev.js';
import { AGENT_TEXT, type Pause, type StreamingRunner, startStreamingRunner } from './streaming-runner.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECT_ID = 'proj_streams';
const SERVICE_TOKEN = 'svc-streams-token-0123456789abcdefghij';
const SESSION_SECRET = 'streams-session-secret-0123456789abcdefghij';
const USER = { id: 'user_dana', email: 'dana@example.com', name: 'Dana', role: 'member' } as const;
/** Watchdog for one awaited event: a failure shows as a clear error, never a hang. */
const WATCHDOG_MS = 15_000;
/** Bounds given to the gateway: short enough for a test, long enough for a loaded machine. */
const RUNNER_TIMEOUT_MS = 6000;
const RUNNER_IDLE_TIMEOUT_MS = 8000;
const MAX_REQUEST_BODY_BYTES = 64 * 1024;

let emulator: CloudEmulator;
let cloud: ServedHandler;
let runner: StreamingRunner;
let gateway: { url: string; close(): Promise<void> };
let state: string;

beforeAll(async () => {
  emulator = createCloudEmulator({ projectId: PROJECT_ID, users: [USER] });
  cloud = await serve((request) => emulator.fetch(request));
  runner = await startStreamingRunner();
  state = mkdtempSync(join(tmpdir(), 'mea-streams-'));
  gateway = await wranglerDev({
    UPSTREAM_URL: runner.url,
    MASTRA_CLOUD_API_URL: cloud.url,
    PROJECT_ID,
    SESSION_SECRET,
    BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
    AUTH_COOKIE_SECURE: 'false',
    RUNNER_TIMEOUT_MS: String(RUNNER_TIMEOUT_MS),
    RUNNER_IDLE_TIMEOUT_MS: String(RUNNER_IDLE_TIMEOUT_MS),
    MAX_REQUEST_BODY_BYTES: String(MAX_REQUEST_BODY_BYTES),
  });
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await runner?.close();
  await cloud?.close();
  if (state !== undefined) rmSync(state, { recursive: true, force: true });
});

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${WATCHDOG_MS} ms`)), WATCHDOG_MS);
  });
  return Promise.race([promise, watchdog]).finally(() => clearTimeout(timer));
}

interface Arrival {
  /** ms since the request was sent */
  at: number;
  text: string;
}

/** Reads a body chunk by chunk, noting when each arrived. */
class ChunkLog {
  readonly arrivals: Arrival[] = [];
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #start: number;

  constructor(body: ReadableStream<Uint8Array>, start: number) {
    this.#reader = body.getReader();
    this.#start = start;
  }

  get text(): string {
    return this.arrivals.map((a) => a.text).join('');
  }

  /** Reads until the text so far contains `marker` (or the body ends). */
  async until(marker: string): Promise<void> {
    while (!this.text.includes(marker)) {
      if (!(await this.#next())) return;
    }
  }

  async toEnd(): Promise<void> {
    while (await this.#next()) {}
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }

  async #next(): Promise<boolean> {
    const { done, value } = await this.#reader.read();
    if (done) return false;
    this.arrivals.push({
      at: performance.now() - this.#start,
      text: this.#decoder.decode(value, { stream: true }),
    });
    return true;
  }
}

const API = { Authorization: `Bearer ${SERVICE_TOKEN}`, 'Content-Type': 'application/json' };

interface StreamCase {
  name: string;
  contentType: string;
  /** Text that only the chunk produced before the pause contains. */
  firstMarker: string;
  /** Text that only the chunks after the pause contain. */
  lastMarker: string;
  open(headers: Record<string, string>, signal?: AbortSignal): Promise<Response>;
  /** Path prefix of the streaming request on the runner. */
  path: string;
  /**
   * Whether the runner's work stops with the stream. A workflow run outlives its stream by
   * Mastra's design (a client reconnects with `observe`): only its HTTP stream is cancelled.
   */
  stopsWithStream: boolean;
}

const CASES: StreamCase[] = [
  {
    name: 'agent stream (SSE)',
    contentType: 'text/event-stream',
    firstMarker: AGENT_TEXT.first,
    lastMarker: AGENT_TEXT.last,
    path: '/api/agents/streamer/stream',
    stopsWithStream: true,
    open: (headers, signal) =>
      fetch(`${gateway.url}/api/agents/streamer/stream`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
        ...(signal !== undefined && { signal }),
      }),
  },
  {
    name: 'workflow stream (chunked text/plain)',
    contentType: 'text/plain',
    firstMarker: 'started t1',
    lastMarker: 'workflow-finish',
    path: '/api/workflows/paced/stream',
    stopsWithStream: false,
    open: async (headers, signal) => {
      const created = await fetch(`${gateway.url}/api/workflows/paced/create-run`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      const { runId } = (await created.json()) as { runId: string };
      return fetch(`${gateway.url}/api/workflows/paced/stream?runId=${encodeURIComponent(runId)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ inputData: { topic: 't1' } }),
        ...(signal !== undefined && { signal }),
      });
    },
  },
  {
    name: 'ndjson route',
    contentType: 'application/x-ndjson',
    firstMarker: '{"n":1}',
    lastMarker: '{"n":2}',
    path: '/ndjson',
    stopsWithStream: true,
    open: (headers, signal) =>
      fetch(`${gateway.url}/ndjson`, { headers, ...(signal !== undefined && { signal }) }),
  },
];

const ENCODINGS = [
  ['identity', 'identity'],
  ['gzip', 'gzip, deflate, br'],
] as const;

const timings: string[] = [];

describe('streams through the real gateway', () => {
  for (const c of CASES) {
    for (const [label, acceptEncoding] of ENCODINGS) {
      it(`${c.name}, Accept-Encoding: ${label}: the first chunk arrives before the runner makes the last`, async () => {
        const pause: Pause = runner.nextPause();
        const start = performance.now();
        const response = await within(
          c.open({ ...API, 'Accept-Encoding': acceptEncoding }),
          'response headers',
        );
        const headersAt = performance.now() - start;
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain(c.contentType);
        const log = new ChunkLog(response.body as ReadableStream<Uint8Array>, start);
        await within(log.until(c.firstMarker), 'first chunk');
        await within(pause.reached, 'runner pause');
        // The event that matters: the client holds the first chunk while the last does not exist yet.
        expect(pause.lastProduced).toBe(false);
        expect(log.text).toContain(c.firstMarker);
        expect(log.text).not.toContain(c.lastMarker);
        expect(response.headers.get('content-encoding') ?? 'identity').toBe('identity');
        const firstAt = log.arrivals.at(-1)?.at ?? Number.NaN;
        const releasedAt = performance.now() - start;
        pause.release();
        await within(log.toEnd(), 'end of stream');
        expect(pause.lastProduced).toBe(true);
        expect(log.text.indexOf(c.firstMarker)).toBeLessThan(log.text.indexOf(c.lastMarker));
        const lastAt = log.arrivals.at(-1)?.at ?? Number.NaN;
        timings.push(
          `${c.name.padEnd(36)} ${label.padEnd(8)} headers ${headersAt.toFixed(1)} ms, first chunk ${firstAt.toFixed(1)} ms, released ${releasedAt.toFixed(1)} ms, last chunk ${lastAt.toFixed(1)} ms, ${log.arrivals.length} reads`,
        );
      }, 60_000);
    }
  }

  for (const c of CASES) {
    it(`${c.name}: a client that disconnects mid-stream cancels the runner's request`, async () => {
      // After the release the runner keeps producing (200 chunks, 20 ms apart) unless it is
      // stopped: the platform notices a gone client when it next writes to it.
      const pause = runner.nextPause(200);
      const client = new AbortController();
      const response = await within(c.open(API, client.signal), 'response headers');
      const log = new ChunkLog(response.body as ReadableStream<Uint8Array>, performance.now());
      await within(log.until(c.firstMarker), 'first chunk');
      await within(pause.reached, 'runner pause');
      const requestAborted = runner.requestAborted(c.path);
      client.abort();
      pause.release();
      expect(await within(requestAborted, 'runner sees its request aborted')).toBe(c.path);
      if (c.stopsWithStream) {
        expect(await within(pause.aborted, 'runner stops generating')).toMatch(/cancel|signal/);
        expect(pause.lastProduced).toBe(false);
      }
    }, 60_000);
  }

  it('prints the measured arrival times', () => {
    if (process.env.STREAM_TIMINGS === '1') console.log(`\n${timings.join('\n')}`);
    expect(timings.length).toBe(CASES.length * ENCODINGS.length);
  });
});

describe('the gateway on Node (mastra-edge-auth/node serve)', () => {
  it('a client that goes away before the runner answers cancels the runner request at once', async () => {
    const handler = createGateway({ onError: () => {} });
    const env = { UPSTREAM_URL: runner.url, SESSION_SECRET, BUSINESS_JWT_TOKEN: SERVICE_TOKEN };
    const server = await serve((request) => handler.fetch(request, env));
    try {
      const reached = runner.nextHang();
      const aborted = runner.requestAborted('/hang');
      const client = new AbortController();
      const pending = fetch(`${server.url}/hang`, { headers: API, signal: client.signal }).catch(
        () => 'aborted',
      );
      await within(reached, 'runner gets the request');
      client.abort();
      expect(await within(pending, 'client side')).toBe('aborted');
      expect(await within(aborted, 'runner sees the abort')).toBe('/hang');
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('@mastra/client-js through the gateway', () => {
  const tokens = () => [
    ['service token', SERVICE_TOKEN],
    ['Cloud token', emulator.issueToken(USER.id)],
  ];

  it('lists and executes tools, streams an agent and a workflow, with a service token and a Cloud token', async () => {
    for (const [label, token] of tokens()) {
      const client = new MastraClient({
        baseUrl: gateway.url,
        headers: { Authorization: `Bearer ${token}` },
        retries: 0,
      });
      const tools = await client.listTools();
      expect(Object.keys(tools), label).toContain('echo');
      expect(await client.getTool('echo').execute({ data: { text: 'hi' } }), label).toEqual({ text: 'hi' });

      const agentText: string[] = [];
      const agentStream = await client.getAgent('streamer').stream('hello');
      await agentStream.processDataStream({
        onChunk: async (chunk) => {
          if (chunk.type === 'text-delta') agentText.push(chunk.payload.text);
        },
      });
      expect(agentText.join(''), label).toBe(`${AGENT_TEXT.first}${AGENT_TEXT.last}`);

      const run = await client.getWorkflow('paced').createRun();
      const stream = await run.stream({ inputData: { topic: label } });
      const types: string[] = [];
      for await (const chunk of stream as unknown as AsyncIterable<{ type: string }>) types.push(chunk.type);
      expect(types[0], label).toBe('workflow-start');
      expect(types, label).toContain('workflow-finish');
    }
    const refused = new MastraClient({
      baseUrl: gateway.url,
      headers: { Authorization: 'Bearer nope' },
      retries: 0,
    });
    await expect(refused.listTools()).rejects.toThrow(/401/);
  }, 120_000);
});

describe('bounds on the runner, in workerd', () => {
  it('answers 504 JSON when the runner sends no headers within RUNNER_TIMEOUT_MS, and the runner sees the abort', async () => {
    const aborted = runner.requestAborted('/hang');
    const response = await within(fetch(`${gateway.url}/hang`, { headers: API }), '504');
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      error: 'gateway_timeout',
      message: 'The app did not answer in time.',
    });
    expect(await within(aborted, 'runner sees the abort')).toBe('/hang');
  }, 60_000);

  it('ends a stream whose runner falls silent for RUNNER_IDLE_TIMEOUT_MS, and the runner sees the abort', async () => {
    const aborted = runner.requestAborted('/silent');
    const response = await within(fetch(`${gateway.url}/silent`, { headers: API }), 'headers');
    expect(response.status).toBe(200);
    const log = new ChunkLog(response.body as ReadableStream<Uint8Array>, performance.now());
    await within(log.until('hello'), 'first chunk');
    // The gateway errors the stream; `wrangler dev`'s own proxy may pass that on as a plain end.
    await within(
      log.toEnd().catch(() => undefined),
      'stream end',
    );
    expect(log.text).toBe('data: hello\n\n');
    expect(await within(aborted, 'runner sees the abort')).toBe('/silent');
  }, 60_000);

  it('streams a chunked request body to the runner as it is sent, not buffered whole', async () => {
    const upload = new TransformStream<Uint8Array, Uint8Array>();
    const writer = upload.writable.getWriter();
    const started = runner.nextUploadStart();
    const pending = fetch(`${gateway.url}/upload`, {
      method: 'POST',
      headers: API,
      body: upload.readable,
      duplex: 'half',
    } as RequestInit);
    await writer.write(new TextEncoder().encode('part one;'));
    // The runner holds the first part while the client has not sent the rest.
    expect(await within(started, 'runner reads the first part')).toBe('part one;');
    await writer.write(new TextEncoder().encode('part two'));
    await writer.close();
    const response = await within(pending, 'answer');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 17, user: 'business-api' });
  }, 60_000);

  // Last in the file: after a chunked upload cut mid-way, `wrangler dev`'s proxy answers the next
  // non-GET request with 503 "Your worker restarted mid-request" (workerd itself does not: checked
  // with Miniflare alone).
  it('answers 413 for a body over MAX_REQUEST_BODY_BYTES, declared or chunked', async () => {
    const big = new Uint8Array(MAX_REQUEST_BODY_BYTES + 1);
    const declared = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: API, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'payload_too_large' });

    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent <= MAX_REQUEST_BODY_BYTES; sent += 8192)
          controller.enqueue(new Uint8Array(8192));
        controller.close();
      },
    });
    const uploadEnd = runner.nextUploadEnd();
    const streamed = await within(
      fetch(`${gateway.url}/upload`, {
        method: 'POST',
        headers: API,
        body: chunked,
        duplex: 'half',
      } as RequestInit),
      '413',
    );
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: 'payload_too_large' });
    // The runner saw a broken upload, never a clean end of a truncated body.
    expect(await within(uploadEnd, 'runner sees the upload end')).toMatch(/^aborted /);
  }, 60_000);
});

/** Starts `wrangler dev` on the gateway (`worker.ts`). */
function wranglerDev(vars: Record<string, string>): Promise<RunningWorker> {
  return startWranglerDev({ cwd: ROOT, persistTo: state, vars, readyTimeoutMs: 150_000 });
}
