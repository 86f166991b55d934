/**
 * Smoke test of `npm start` (scripts/start.mjs): it builds, starts the Cloud emulator, the demo
 * runner and `wrangler dev`, serves a full sign-in through the real Worker, and stops every
 * process on SIGINT. Bounded: the whole test gives up after three minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READY_MS = 150_000;
const STOP_MS = 30_000;

let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await exited(child, STOP_MS).catch(() => child?.kill('SIGKILL'));
  }
});

function exited(proc: ChildProcess, ms: number): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function waitForUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${READY_MS} ms:\n${output}`)),
      READY_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited early (${code}):\n${output}`));
    });
  });
}

/** The `name=value` part of every Set-Cookie, as a Cookie header. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}

describe('npm start', () => {
  it('names a busy port and how to pick another before printing anything else', {
    timeout: 30_000,
  }, async () => {
    const blocker = createServer();
    await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const proc = spawn(process.execPath, ['scripts/start.mjs', '--port', String(port), '--no-build'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      expect(await exited(proc, 20_000)).toBe(1);
      expect(text).toContain(`port ${port} (the gateway) is busy`);
      expect(text).toContain('npm start -- --port N');
      expect(text).not.toMatch(/running|Building/);
    } finally {
      blocker.close();
    }
  });

  it('starts, signs the demo user in through the gateway, and stops cleanly on SIGINT', {
    timeout: 180_000,
  }, async () => {
    child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    const base = await waitForUrl(child);
    expect(output).toMatch(/Signs in as\s+Demo User <demo@example\.com>/);
    expect(output).toMatch(/SESSION_SECRET\s+\S+\s+\(dev only/);

    const login = await fetch(`${base}/auth/login?returnTo=%2Fapi%2Fwhoami`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const cloud = new URL(login.headers.get('Location') ?? '');
    expect(cloud.hostname).toBe('127.0.0.1');
    expect(cloud.pathname).toBe('/auth/oss');
    const flow = cookiesOf(login);
    expect(flow).toMatch(/^mastra_login=/);

    // The emulator asks first, as Cloud does: a page with a "Continue as" button.
    const page = await fetch(cloud, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Continue as Demo User');
    cloud.searchParams.set('approve', '1');
    const oss = await fetch(cloud, { redirect: 'manual' });
    const callback = oss.headers.get('Location') ?? '';
    expect(callback.startsWith(`${base}/auth/callback?`)).toBe(true);
    const signedIn = await fetch(callback, { redirect: 'manual', headers: { Cookie: flow } });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('Location')).toBe('/api/whoami');
    const session = cookiesOf(signedIn);
    expect(session).toMatch(/^mastra_session=/);

    const whoami = await fetch(`${base}/api/whoami`, { headers: { Cookie: session } });
    expect(whoami.status).toBe(200);
    // The runner verified the gateway's signed assertion; no credential reached it.
    expect(await whoami.json()).toMatchObject({
      user: { id: 'user_demo', email: 'demo@example.com' },
      verifiedBy: 'X-Mastra-Identity',
      authorization: 'absent',
    });
    expect(output).toMatch(/\[emulator\] Mastra Cloud emulator listening on/);
    expect(output).toMatch(/Control API\s+http:\/\/127\.0\.0\.1:\d+\/__emulator\//);
    expect(output).toMatch(/--port N.*--wire v1\|released, --no-build/s);
    const anonymous = await fetch(`${base}/api/whoami`);
    expect(anonymous.status).toBe(401);

    // "Cloud down": the emulator is its own process; stopping it leaves the demo running.
    const pid = Number(/pid (\d+)\)/.exec(output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const down = await fetch(`${base}/api/whoami`, { headers: { Authorization: 'Bearer never-seen-token' } });
    expect(down.status).toBe(503);
    expect(output).toMatch(/\[emulator\] stopped .*Cloud is down now/);

    child.kill('SIGINT');
    expect(await exited(child, STOP_MS)).toBe(0);
    await expect(fetch(`${base}/auth/health`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  });
});
