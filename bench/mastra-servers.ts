/**
 * The Mastra-server benchmark's back ends, in one Node child process (bench only): two real
 * Mastra servers (`@mastra/core` + `@mastra/hono` on `@hono/node-server`, as
 * `test/mastra/harness.ts` starts them) with the same tool, one with
 * `server.auth = createCloudAuth(env)`, one with no auth, one with a trivial provider (Mastra's
 * auth middleware alone), and the Cloud emulator. Prints one JSON line
 * `{ noAuth, trivialAuth, cloudAuth, cloud, tokens, serviceToken }`, then runs
 * until stdin closes, SIGTERM/SIGINT, or `--max-lifetime-ms`. Everything binds 127.0.0.1.
 *
 *   node mastra-servers.mjs --latency-ms 50 --tokens 100 [--max-lifetime-ms 600000]
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { createCloudAuth } from '../src/composite/index.js';
import { MemoryKVStore } from '../src/kv-session/index.js';
import { serve } from '../src/node/index.js';
import { createCloudEmulator } from '../src/testing/index.js';
import { startMastra } from '../test/mastra/harness.js';
import { positiveInt } from './args.js';

const PROJECT_ID = 'proj_bench_mastra';
const SERVICE_TOKEN = 'svc_bench_mastra_0123456789abcdef0123456789';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string' },
      tokens: { type: 'string' },
      'max-lifetime-ms': { type: 'string' },
    },
  });
  const latencyMs = Number(values['latency-ms'] ?? '50');
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new TypeError('--latency-ms must be >= 0');
  const tokenCount = positiveInt('tokens', values.tokens, 100);
  const maxLifetimeMs = positiveInt('max-lifetime-ms', values['max-lifetime-ms'], 15 * 60_000);

  const emulator = createCloudEmulator({ projectId: PROJECT_ID, latencyMs });
  const cloud = await serve((request) => emulator.fetch(request));
  const users = Array.from({ length: tokenCount }, (_, i) => `user_mastra_${i}`);
  for (const [i, id] of users.entries()) {
    emulator.addUser({ id, email: `mastra${i}@example.com`, name: `Mastra ${i}`, role: 'member' });
  }
  const tokens = users.map((id) => emulator.issueToken(id));
  // A Node server's shared tier is an in-process MemoryKVStore here (a fleet would use Redis):
  // with no shared tier at all, every token is re-verified with Cloud each L1 lifetime (5 s).
  const auth = createCloudAuth(
    {
      PROJECT_ID,
      MASTRA_CLOUD_API_URL: cloud.url,
      BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
      SESSION_SECRET: 'bench-mastra-session-secret-0123456789abcdef',
    },
    { cloudOptions: { kv: new MemoryKVStore() } },
  );
  const cloudAuth = await startMastra({ auth });
  const noAuth = await startMastra({});
  // Diagnostic floor: Mastra's own auth middleware with a provider that decides nothing (every
  // token is the same user), to split "auth in Mastra" from "this library's decision".
  const anyUser = { id: 'any' };
  const trivialAuth = await startMastra({
    auth: { authenticateToken: async (token: string) => (token ? anyUser : null), authorizeUser: () => true },
  });

  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([cloudAuth.close(), noAuth.close(), cloud.close()]).finally(() =>
      process.exit(code),
    );
    setTimeout(() => process.exit(code), 2_000).unref();
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  process.stdin.on('end', () => stop(0));
  process.stdin.on('close', () => stop(0));
  process.stdin.resume();
  setTimeout(() => {
    console.error('mastra-servers: max lifetime reached, exiting');
    stop(4);
  }, maxLifetimeMs).unref();

  process.stdout.write(
    `${JSON.stringify({ noAuth: noAuth.url, trivialAuth: trivialAuth.url, cloudAuth: cloudAuth.url, cloud: cloud.url, tokens, serviceToken: SERVICE_TOKEN })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
