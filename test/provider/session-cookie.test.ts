import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../src/errors/index.js';
import { Sealer } from '../../src/provider/seal.js';
import { openSession, sealSession } from '../../src/provider/session-cookie.js';
import { SECRET } from './helpers.js';

const NOW = Date.UTC(2026, 0, 1);
const input = {
  sessionId: 'sess_1',
  userId: 'user_1',
  token: 'header.payload.signature',
  createdAt: NOW,
  absoluteExpiresAt: NOW + 3_600_000,
};

describe('session cookie', () => {
  it('seals the session and opens it back', async () => {
    const sealer = new Sealer(SECRET);
    const sealed = await sealSession(sealer, input, { nowMs: NOW, idleSeconds: 600, secure: true });
    expect(sealed?.claims.expiresAt).toBe(NOW + 600_000);
    expect(sealed?.cookie).toMatch(
      /^__Host-mastra_session=[A-Za-z0-9_.-]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(sealed?.handle).not.toContain(input.token);
    expect(await openSession(sealer, sealed?.handle, NOW)).toEqual({ ...input, expiresAt: NOW + 600_000 });
    expect(await openSession(sealer, sealed?.handle, NOW + 600_000)).toBeNull();
  });

  it('never outlives the absolute end, and refuses to seal past it', async () => {
    const sealer = new Sealer(SECRET);
    const capped = await sealSession(sealer, input, {
      nowMs: NOW + 3_000_000,
      idleSeconds: 3600,
      secure: true,
    });
    expect(capped?.claims.expiresAt).toBe(input.absoluteExpiresAt);
    expect(
      await sealSession(sealer, input, { nowMs: input.absoluteExpiresAt, idleSeconds: 60, secure: true }),
    ).toBeNull();
  });

  it('refuses a token too large for a cookie with a bad_response error', async () => {
    const sealer = new Sealer(SECRET);
    const error = await sealSession(
      sealer,
      { ...input, token: 'a'.repeat(2900) },
      { nowMs: NOW, idleSeconds: 60, secure: true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({ status: 502, code: 'bad_response', family: 'unavailable' });
  });

  it('refuses payloads with missing or wrong fields', async () => {
    const sealer = new Sealer(SECRET);
    const exp = Math.floor(NOW / 1000) + 60;
    for (const payload of [
      { uid: 'u', tok: 't', cat: NOW, abs: NOW + 3_600_000 },
      { sid: 's', uid: 'u', tok: 7, cat: NOW, abs: NOW + 3_600_000 },
      { sid: 's', uid: 'u', tok: 't', cat: 'x', abs: NOW + 3_600_000 },
      { sid: 's', uid: 'u', tok: 't', cat: NOW, abs: NOW },
    ]) {
      expect(await openSession(sealer, await sealer.seal('session', payload, exp), NOW)).toBeNull();
    }
  });
});
