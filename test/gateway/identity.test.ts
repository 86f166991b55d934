import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUserHeader, encodeUserHeader, toForwardedUser } from '../../src/gateway/identity.js';

describe('toForwardedUser', () => {
  it('keeps the profile fields and drops every token', () => {
    const user = {
      id: 'user_1',
      email: 'ada@example.com',
      name: 'Ada',
      avatarUrl: 'https://img.example/a.png',
      role: 'admin',
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
      metadata: { team: 'core', apiToken: 'secret-1' },
      sessionToken: 'secret-2',
      accessToken: 'secret-3',
    };
    const forwarded = toForwardedUser(user);
    expect(forwarded).toEqual({
      id: 'user_1',
      email: 'ada@example.com',
      name: 'Ada',
      avatarUrl: 'https://img.example/a.png',
      role: 'admin',
      createdAt: '2026-01-02T03:04:05.000Z',
      metadata: { team: 'core' },
    });
    expect(JSON.stringify(forwarded)).not.toContain('secret');
  });

  it.each([null, 'user', {}, { id: '' }, { id: 42 }, { id: 'a\nb' }, { id: 'x'.repeat(257) }])(
    'refuses a user without a usable id: %j',
    (user) => {
      expect(() => toForwardedUser(user)).toThrow(TypeError);
    },
  );
});

describe('encodeUserHeader / decodeUserHeader', () => {
  it('round-trips any user as base64url JSON', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.stringMatching(/^[\x20-\x7E]{1,40}$/),
          name: fc.string(),
          email: fc.string(),
        }),
        (user) => {
          const header = encodeUserHeader(user);
          expect(header).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeUserHeader(header)).toEqual(user);
        },
      ),
    );
  });

  it('round-trips names outside ASCII (UTF-8 bytes, then base64url)', () => {
    for (const name of [
      'Zoë',
      'Łukasz Ödegård',
      '山田太郎',
      'emoji 🚀',
      'tab\tand\nnewline',
      'lone \uD800',
    ]) {
      const user = { id: 'u1', name };
      const decoded = decodeUserHeader(encodeUserHeader(user));
      // JSON.stringify escapes a lone surrogate, so even that comes back exactly.
      expect(decoded).toEqual(user);
    }
  });

  it('leaves out metadata that would make the header too large', () => {
    const header = encodeUserHeader({ id: 'u', metadata: { blob: 'x'.repeat(10_000) } });
    expect(decodeUserHeader(header)).toEqual({ id: 'u' });
  });

  it('decodes garbage to null', () => {
    expect(decodeUserHeader('not base64!')).toBeNull();
    expect(decodeUserHeader('AAAA')).toBeNull();
  });
});
