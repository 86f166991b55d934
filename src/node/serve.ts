/**
 * Serves a Web-standard handler (`Request` in, `Response` out) over `node:http`, for the local
 * demo, the emulator script and Node tests. Node-only: library code never imports it.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** TCP port; default 0 (a free port, see `url`). */
  port?: number;
  /** Address to bind; default `127.0.0.1` (loopback only). */
  hostname?: string;
}

/** A running server. */
export interface ServedHandler {
  /** Origin of the server, e.g. `http://127.0.0.1:8788`. */
  url: string;
  /** Stops accepting requests and closes every open connection. */
  close(): Promise<void>;
}

/**
 * Serves `handler` over HTTP/1.1. The conversion is faithful: repeated request headers stay
 * separate entries, each `Set-Cookie` of the answer goes out as its own header, bodies stream
 * both ways, redirects are passed on as they are (status and `Location`), and the Request's
 * `signal` aborts when the client goes away. A GET or HEAD body is not handed on (a fetch
 * `Request` cannot hold one) but its `Content-Length` / `Transfer-Encoding` headers are.
 * When the handler rejects, the connection is closed without an answer, so the client sees a
 * network error (the error's name and message are written to `console.error`).
 *
 * @param handler - the fetch handler.
 * @param options - port and address.
 * @returns the server's URL and a `close()`.
 * @throws TypeError for a bad option; rejects when the port cannot be bound.
 * @example
 * ```ts
 * import { serve } from 'mastra-edge-auth/node';
 * const server = await serve(async () => new Response('hi'), { port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function serve(
  handler: (request: Request) => Promise<Response>,
  options: ServeOptions = {},
): Promise<ServedHandler> {
  if (typeof handler !== 'function') throw new TypeError('serve: handler must be a function');
  const { port = 0, hostname = '127.0.0.1' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError('serve: options.port must be 0-65535');
  if (typeof hostname !== 'string' || hostname === '')
    throw new TypeError('serve: options.hostname must be a host');

  const server = createServer((req, res) => {
    void respond(handler, req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${bound}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function respond(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished)
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
  });
  let request: Request;
  try {
    request = toRequest(req, controller.signal);
  } catch {
    req.resume();
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad Request');
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    if (!controller.signal.aborted) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      console.error(`serve: the handler failed (${name}: ${message}); closing the connection`);
    }
    req.resume();
    res.destroy();
    return;
  }
  await writeResponse(response, req, res, controller.signal);
}

/** Builds the fetch `Request` for an incoming message. @throws on a malformed Host or header. */
function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`;
  const url = new URL(req.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined && !name.startsWith(':')) headers.append(name, value);
  }
  const method = req.method ?? 'GET';
  const framed =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  if (method === 'GET' || method === 'HEAD' || !framed || empty) {
    req.resume();
    return new Request(url, { method, headers, signal });
  }
  const init: RequestInit & { duplex: 'half' } = {
    method,
    headers,
    signal,
    body: bodyStream(req),
    duplex: 'half',
  };
  return new Request(url, init);
}

/** The request body as a pull-based stream (back-pressure reaches the socket). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else if (value instanceof Uint8Array) controller.enqueue(value);
        else if (typeof value === 'string') controller.enqueue(new TextEncoder().encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      req.destroy();
    },
  });
}

async function writeResponse(
  response: Response,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText !== '') res.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onAbort = (): void => {
    void reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Resolves when the socket can take more data (or has closed). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resume) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resume();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
