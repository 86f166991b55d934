/** endSession: what a logout reports about its revocation, and what it waits for. */
import { describe, expect, it } from 'vitest';
import { harness, mastraLogin, mastraRequest } from './helpers.js';

function background() {
  const pending: Promise<unknown>[] = [];
  return { waitUntil: (p: Promise<unknown>) => void pending.push(p), settle: () => Promise.all(pending) };
}

async function signedIn(h: ReturnType<typeof harness>) {
  const { result, sessionCookie } = await mastraLogin(h);
  const handle = sessionCookie.slice(sessionCookie.indexOf('=') + 1);
  return { token: result.tokens.accessToken, handle };
}

describe('endSession', () => {
  it('right after login, waits for nothing but the revocation mark (no one-write-per-second wait)', async () => {
    const h = harness({ onError: () => {} });
    const { token, handle } = await signedIn(h);
    const bg = background();
    const before = h.clock.now();
    expect(await h.provider.endSession(handle, bg)).toBe('stored');
    // The session record was written at login less than a second ago: its deletion waits, but
    // after the answer. No virtual time passed before the answer.
    expect(h.clock.now()).toBe(before);
    await bg.settle();
    expect(h.kv.records().some((r) => r.key.startsWith('session:'))).toBe(false);
    await expect(h.other().authenticateToken(token, mastraRequest())).resolves.toBeNull();
  });

  it("says 'pending' when KV refuses the mark, refuses the token here, and retries the write in the background", async () => {
    const reports: string[] = [];
    const h = harness({ onError: (c) => reports.push(c.operation) });
    const { token, handle } = await signedIn(h);
    h.kv.failNext('put', { times: 2 });
    const bg = background();
    expect(await h.provider.endSession(handle, bg)).toBe('pending');
    expect(reports).toContain('destroySession');
    await expect(h.provider.authenticateToken(token, mastraRequest())).resolves.toBeNull();
    await bg.settle();
    expect(h.kv.records().some((r) => r.key.startsWith('revoked:'))).toBe(true);
    await expect(h.other().authenticateToken(token, mastraRequest())).resolves.toBeNull();
  });

  it("never says 'stored' without KV: 'local'; nothing to end: 'none'", async () => {
    const h = harness({ kv: undefined });
    const { handle } = await signedIn(h);
    expect(await h.provider.endSession(handle)).toBe('local');
    expect(await h.provider.endSession('not-a-handle')).toBe('none');
    expect(
      await h.provider.authenticateToken('', mastraRequest({ Cookie: `__Host-mastra_session=${handle}` })),
    ).toBeNull();
  });
});
