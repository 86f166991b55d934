/**
 * The gateway benchmark's back ends, in one Node child process (bench only):
 * - the upstream runner: a trivial `node:http` server answering `200 {"ok":true}`;
 * - the Mastra Cloud emulator (`createCloudEmulator({ latencyMs })`) served with `serve()`, with
 *   its control API (`/__emulator/tokens`, `/__emulator/users`, `GET /__emulator/counts`).
 *
 * Both bind 127.0.0.1 on free ports. Prints `{"upstream": url, "cloud": url}` as one JSON line,
 * then runs until stdin closes (the parent went away), SIGTERM/SIGINT, or `--max-lifetime-ms`.
 *
 *   node backends.mjs --latency-ms 50 --project-id proj_bench [--max-lifetime-ms 600000]
 *     [--upstream-port 0] [--cloud-port 0]   (0: a free port)
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { serve } from '../src/node/index.js';
import { createCloudEmulator } from '../src/testing/index.js';

const BODY = JSON.stringify({ ok: true, runner: 'bench' });

function nonNegative(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`--${name} must be a non-negative number`);
  return value;
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) reject(new Error('no address'));
      else resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string' },
      'project-id': { type: 'string' },
      'max-lifetime-ms': { type: 'string' },
      'upstream-port': { type: 'string' },
      'cloud-port': { type: 'string' },
    },
  });
  const latencyMs = nonNegative('latency-ms', values['latency-ms'], 50);
  const maxLifetimeMs = nonNegative('max-lifetime-ms', values['max-lifetime-ms'], 15 * 60_000);
  const projectId = values['project-id'] ?? 'proj_bench';

  const upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  upstream.keepAliveTimeout = 60_000;
  const upstreamUrl = await listen(upstream, nonNegative('upstream-port', values['upstream-port'], 0));
  const emulator = createCloudEmulator({ projectId, latencyMs });
  const cloud = await serve((request) => emulator.fetch(request), {
    port: nonNegative('cloud-port', values['cloud-port'], 0),
  });

  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    upstream.closeAllConnections();
    upstream.close();
    void cloud.close().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 2_000).unref();
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  process.stdin.on('end', () => stop(0));
  process.stdin.on('close', () => stop(0));
  process.stdin.resume();
  setTimeout(() => {
    console.error('backends: max lifetime reached, exiting');
    stop(4);
  }, maxLifetimeMs).unref();

  process.stdout.write(
    `${JSON.stringify({ upstream: upstreamUrl, cloud: cloud.url, projectId, latencyMs })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
