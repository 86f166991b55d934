/**
 * A Node fleet: two separate Node processes, each the gateway (createGateway -> createCloudAuth)
 * behind the Node adapter, sharing one real redis-server. A browser signs in through A and
 * reaches B with the same cookie; it logs out through A and B refuses the cookie within one
 * round trip (B held the user in its L1, which lives seconds longer). Then Redis goes down:
 * B answers 503, never 200.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { type CloudEmulator, createCloudEmulator } from '../../src/testing/index.js';
import { CookieJar, navigate } from '../mastra/cookie-jar.js';
import { type RunningRedis, startRedis } from './redis-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD = `${ROOT}.test-build/fleet-${process.pid}`;
const PROJECT_ID = 'proj_fleet';
const SESSION_SECRET = 'fleet-session-secret-0123456789-abcdef';

let redis: RunningRedis;
let cloud: ServedHandler;
let runner: ServedHandler;
let emulator: CloudEmulator;
const children: ChildProcess[] = [];

async function startProcess(): Promise<string> {
  const child = spawn(process.execPath, [`${ROOT}test/node/fleet-process.mjs`], {
    env: {
      ...process.env,
      FLEET_BUILD: BUILD,
      REDIS_PORT: String(redis.port),
      REDIS_PREFIX: 'fleet:',
      RUNNER_URL: runner.url,
      CLOUD_URL: cloud.url,
      PROJECT_ID,
      SESSION_SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  for await (const line of lines) {
    const parsed: unknown = JSON.parse(line);
    const url = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'url') : undefined;
    if (typeof url === 'string') return url;
  }
  throw new Error('fleet process exited before listening');
}

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--outDir', BUILD],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  redis = await startRedis();
  emulator = createCloudEmulator({ projectId: PROJECT_ID });
  cloud = await serve((request) => emulator.fetch(request));
  runner = await serve(async (request) =>
    Response.json({ path: new URL(request.url).pathname, userId: request.headers.get('X-Mastra-User-Id') }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await cloud?.close();
  await runner?.close();
  await redis?.stop();
  rmSync(BUILD, { recursive: true, force: true });
});

/** One request with the jar's cookies (127.0.0.1: cookies are not port-specific), redirects not followed. */
async function send(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.headerFor(url);
  if (cookie !== undefined) headers.set('Cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

describe('a Node fleet sharing Redis', () => {
  it('login on A, logout on A, refused on B within one round trip; Redis down is 503 on B', async () => {
    const [a, b] = await Promise.all([startProcess(), startProcess()]);
    const jar = new CookieJar();
    // Node's fetch sends Sec-Fetch-Mode: cors, so start at the login route a navigation is sent to.
    const { response: landed } = await navigate(`${a}/auth/login?returnTo=%2Fagents`, jar);
    expect(landed.status).toBe(200);
    expect(await landed.json()).toMatchObject({ path: '/agents', userId: expect.any(String) });
    // B serves the same cookie (from Redis, then from its own L1).
    for (let i = 0; i < 3; i++) expect((await send(jar, `${b}/api/whoami`)).status).toBe(200);

    const stolen = jar.clone();
    const logout = await send(jar, `${a}/auth/logout`, { method: 'POST', headers: { Origin: a } });
    expect(logout.status).toBe(200);
    const loggedOutAt = performance.now();
    // The logout cleared the jar; replay the copy taken before it against B, as an attacker would.
    let refusedAfter = Number.NaN;
    for (let i = 0; i < 200; i++) {
      const response = await send(stolen, `${b}/api/whoami`);
      await response.body?.cancel();
      if (response.status === 401) {
        refusedAfter = performance.now() - loggedOutAt;
        break;
      }
      expect(response.status).toBe(200);
    }
    expect(refusedAfter).toBeLessThan(1_000);

    // Redis down: B can neither trust its cache nor read revocations: 503, never 200.
    const fresh = new CookieJar();
    const { response: again } = await navigate(`${a}/auth/login?returnTo=%2Fagents`, fresh);
    expect(again.status).toBe(200);
    await redis.kill();
    const during = await send(fresh, `${b}/api/whoami`);
    expect(during.status).toBe(503);
  }, 60_000);
});
