/**
 * A real Mastra server whose streams pause mid-way until the test lets them go on (issue #17):
 * - agent `streamer`: a mock model (`MastraLanguageModelV2Mock` from `@mastra/core`'s test
 *   utilities, no external model) that sends its first text, then waits, then its last;
 * - workflow `paced`: one step that writes a progress event, waits, then returns;
 * - `GET /ndjson`: a plain Hono route on the same app answering `application/x-ndjson`.
 * Each stream takes the {@link Pause} the test armed with `runner.nextPause()`, so the test knows
 * when the runner is holding back its last chunk, releases it, and sees an abort if the client
 * goes away. Mastra's `/api/*` routes trust the gateway's identity headers (as the demo runner's
 * `gatewayAuth` does): this runner must only be reachable through the gateway, as in production.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { decodeUserHeader, USER_HEADER, USER_ID_HEADER } from '../../src/gateway/index.js';
import { getRequestHeader, type IMastraAuthProvider } from '../../src/mastra/index.js';

/** One stream's pause point, driven by the test. */
export class Pause {
  /** Resolves when the runner has sent its first chunk and waits before the last. */
  readonly reached: Promise<void>;
  /** Resolves with the reason when the runner saw the client's abort (its stream was cancelled). */
  readonly aborted: Promise<string>;
  /** Set once the runner has produced its last chunk. */
  lastProduced = false;
  /** Set once the runner saw an abort. */
  abortSeen = false;
  /** Chunks the runner sends after the release, one every {@link TAIL_GAP_MS}, before its last. */
  readonly tail: number;
  #reach: () => void = () => {};
  #release: () => void = () => {};
  #abort: (reason: string) => void = () => {};
  readonly #released: Promise<void>;

  constructor(tail = 0) {
    this.tail = tail;
    this.reached = new Promise((resolve) => {
      this.#reach = resolve;
    });
    this.#released = new Promise((resolve) => {
      this.#release = resolve;
    });
    this.aborted = new Promise((resolve) => {
      this.#abort = resolve;
    });
  }

  /** Called by the runner: waits for {@link release} (or an abort, which ends the wait too). */
  async hold(signal?: AbortSignal): Promise<void> {
    this.#reach();
    const abort = new Promise<void>((resolve) => {
      if (signal === undefined) return;
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.#released, abort]);
    if (signal?.aborted === true) this.sawAbort(`signal: ${String(signal.reason)}`);
  }

  /** Lets the runner produce its last chunk. */
  release(): void {
    this.#release();
  }

  /** Records that the runner saw the abort. */
  sawAbort(reason: string): void {
    this.abortSeen = true;
    this.#abort(reason);
  }

  /**
   * Called by the runner after {@link hold}: sends the tail through `emit`, stopping early on an
   * abort. A disconnect is noticed by the platform when it next writes to the client, so a runner
   * that keeps producing learns of it at its next chunk.
   *
   * @returns whether the runner may produce its last chunk (no abort seen)
   */
  async runTail(emit: (index: number) => void, signal?: AbortSignal): Promise<boolean> {
    for (let i = 0; i < this.tail; i++) {
      if (this.abortSeen || signal?.aborted === true) break;
      try {
        emit(i);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, TAIL_GAP_MS));
    }
    if (signal?.aborted === true && !this.abortSeen) this.sawAbort(`signal: ${String(signal.reason)}`);
    return !this.abortSeen;
  }
}

/** Spacing of a pause's tail chunks. */
export const TAIL_GAP_MS = 20;

interface GatewayUser {
  id: string;
}

/** `server.auth` trusting the identity the gateway forwards (`X-Mastra-User-Id` + `X-Mastra-User`). */
const trustGateway: IMastraAuthProvider<GatewayUser> = {
  name: 'gateway-headers',
  async authenticateToken(_token, request) {
    const id = getRequestHeader(request, USER_ID_HEADER);
    const user = decodeUserHeader(getRequestHeader(request, USER_HEADER) ?? '');
    if (id === null || id === '' || typeof user !== 'object' || user === null) return null;
    return Reflect.get(user, 'id') === id ? { id } : null;
  },
  authorizeUser: (user) => typeof user.id === 'string',
};

export interface StreamingRunner {
  /** Origin, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** Resolves when the runner sees a request whose path starts with `prefix` aborted by its client. */
  requestAborted(prefix: string): Promise<string>;
  /** Resolves with the first piece of the next body `POST /upload` receives, as soon as it arrives. */
  nextUploadStart(): Promise<string>;
  /** Resolves when the next `GET /hang` reaches the runner. */
  nextHang(): Promise<void>;
  /** Resolves with how the next `POST /upload` body ended: `complete <bytes>` or `aborted <bytes>`. */
  nextUploadEnd(): Promise<string>;
  /** Arms the pause the next stream takes (one stream, one pause), with `tail` chunks after it. */
  nextPause(tail?: number): Pause;
  close(): Promise<void>;
}

const FIRST = 'first words, ';
const LAST = 'last words.';
/** The text the agent streams (first before its pause, last after). */
export const AGENT_TEXT = { first: FIRST, last: LAST } as const;

/**
 * Builds the Mastra app and serves it on 127.0.0.1 (port 0).
 *
 * @returns the runner
 */
export async function startStreamingRunner(): Promise<StreamingRunner> {
  const pauses: Pause[] = [];
  const take = (): Pause => pauses.shift() ?? releasedPause();

  const model = new MastraLanguageModelV2Mock({
    doStream: async (options) => {
      const pause = take();
      const stream = new ReadableStream({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({
            type: 'response-metadata',
            id: 'r1',
            modelId: 'mock',
            timestamp: new Date(0),
          });
          controller.enqueue({ type: 'text-start', id: 't1' });
          controller.enqueue({ type: 'text-delta', id: 't1', delta: FIRST });
          await pause.hold(options.abortSignal);
          const goOn = await pause.runTail(
            () => controller.enqueue({ type: 'text-delta', id: 't1', delta: '.' }),
            options.abortSignal,
          );
          if (!goOn) return;
          pause.lastProduced = true;
          try {
            controller.enqueue({ type: 'text-delta', id: 't1', delta: LAST });
            controller.enqueue({ type: 'text-end', id: 't1' });
            controller.enqueue({
              type: 'finish',
              finishReason: 'stop',
              usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
            });
            controller.close();
          } catch {
            // cancelled meanwhile
          }
        },
        cancel(reason) {
          pause.sawAbort(`cancel: ${String(reason)}`);
        },
      });
      return { stream };
    },
  });
  const streamer = new Agent({
    id: 'streamer',
    name: 'Streamer',
    instructions: 'Say something.',
    model,
  });

  const pacedStep = createStep({
    id: 'paced-step',
    inputSchema: z.object({ topic: z.string() }),
    outputSchema: z.object({ done: z.string() }),
    execute: async ({ inputData, writer, abortSignal }) => {
      const pause = take();
      await writer.write({ type: 'progress', text: `started ${inputData.topic}` });
      await pause.hold(abortSignal);
      const goOn = await pause.runTail((i) => {
        void writer.write({ type: 'progress', text: `tail ${i}` });
      }, abortSignal);
      if (goOn) pause.lastProduced = true;
      return { done: inputData.topic };
    },
  });
  const paced = createWorkflow({
    id: 'paced',
    inputSchema: z.object({ topic: z.string() }),
    outputSchema: z.object({ done: z.string() }),
  })
    .then(pacedStep)
    .commit();

  const echo = createTool({
    id: 'echo',
    description: 'Returns its input.',
    inputSchema: z.object({ text: z.string() }),
    execute: async (input) => input,
  });

  const mastra = new Mastra({
    agents: { streamer },
    workflows: { paced },
    tools: { echo },
    server: { auth: trustGateway },
    logger: false,
  });
  const app = new Hono();
  const abortWatchers: Array<{ prefix: string; resolve: (path: string) => void }> = [];
  app.use('*', async (c, next) => {
    const path = c.req.path;
    c.req.raw.signal.addEventListener('abort', () => {
      for (const watcher of abortWatchers.filter((w) => path.startsWith(w.prefix))) {
        abortWatchers.splice(abortWatchers.indexOf(watcher), 1);
        watcher.resolve(path);
      }
    });
    await next();
  });
  const uploadWatchers: Array<(first: string) => void> = [];
  const uploadEndWatchers: Array<(end: string) => void> = [];
  // Reads a request body as it streams in; answers its size once it is all there.
  app.post('/upload', async (c) => {
    const body = c.req.raw.body;
    if (body === null) return c.json({ bytes: 0 });
    const reader = body.getReader();
    let bytes = 0;
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (bytes === 0) uploadWatchers.shift()?.(new TextDecoder().decode(next.value));
        bytes += next.value.byteLength;
      }
    } catch {
      uploadEndWatchers.shift()?.(`aborted ${bytes}`);
      return c.json({ error: 'upload aborted', bytes }, 400);
    }
    uploadEndWatchers.shift()?.(`complete ${bytes}`);
    return c.json({ bytes, user: c.req.header('x-mastra-user-id') ?? null });
  });
  // Never answers: the gateway's runner timeout must give up, and cancel this request.
  const hangWatchers: Array<() => void> = [];
  app.get(
    '/hang',
    (c) =>
      new Promise<Response>((resolve) => {
        hangWatchers.shift()?.();
        c.req.raw.signal.addEventListener('abort', () => resolve(new Response(null, { status: 499 })));
      }),
  );
  // Sends one chunk, then falls silent until its client goes away.
  app.get('/silent', (c) => {
    const signal = c.req.raw.signal;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: hello\n\n'));
        signal.addEventListener('abort', () => controller.close());
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
  });
  app.get('/ndjson', (c) => {
    if ((c.req.header('x-mastra-user-id') ?? '') === '') return c.json({ error: 'no identity' }, 401);
    const pause = take();
    const signal = c.req.raw.signal;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"n":1}\n'));
        await pause.hold(signal);
        const goOn = await pause.runTail(
          (i) => controller.enqueue(encoder.encode(`{"tail":${i}}\n`)),
          signal,
        );
        if (!goOn) return;
        pause.lastProduced = true;
        controller.enqueue(encoder.encode('{"n":2}\n'));
        controller.close();
      },
      cancel(reason) {
        pause.sawAbort(`cancel: ${String(reason)}`);
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } });
  });
  await new MastraServer({ app, mastra }).init();

  const httpServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', reject);
  });
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    nextHang() {
      return new Promise((resolve) => hangWatchers.push(resolve));
    },
    nextUploadEnd() {
      return new Promise((resolve) => uploadEndWatchers.push(resolve));
    },
    nextUploadStart() {
      return new Promise((resolve) => uploadWatchers.push(resolve));
    },
    requestAborted(prefix) {
      return new Promise((resolve) => abortWatchers.push({ prefix, resolve }));
    },
    nextPause(tail = 0) {
      const pause = new Pause(tail);
      pauses.push(pause);
      return pause;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const pause of pauses.splice(0)) pause.release();
        httpServer.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in httpServer) httpServer.closeAllConnections();
      }),
  };
}

/** A pause already released: a stream the test did not arm runs straight through. */
function releasedPause(): Pause {
  const pause = new Pause();
  pause.release();
  return pause;
}
