/**
 * Properties of the wire -> library mapping: every valid UserWire/SessionWire maps to the right
 * camelCase values, and no input whatsoever makes the process half throw anything but CloudApiError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCallbackData,
  parsePermissionsData,
  parseSessionData,
  parseUserData,
  parseVerifyData,
  processEnvelope,
} from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';

const isoDate = fc
  .date({ min: new Date(Date.UTC(-9999, 0, 1)), max: new Date(Date.UTC(99999, 0, 1)), noInvalidDate: true })
  .map((d) => d.toISOString());

const nonEmpty = fc.string({ minLength: 1 });

const userWire = fc.record(
  {
    id: nonEmpty,
    email: fc.string(),
    name: fc.option(fc.string(), { nil: null }),
    avatar_url: fc.option(fc.webUrl(), { nil: null }),
    role: fc.option(fc.string(), { nil: null }),
    created_at: isoDate,
    metadata: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: null }),
    unknown_extra: fc.jsonValue(),
  },
  { requiredKeys: ['id', 'email', 'created_at'] },
);

const sessionWire = fc.record({ id: nonEmpty, user_id: nonEmpty, expires_at: isoDate, created_at: isoDate });

/** What the wire should become: camelCase, nulls dropped, dates parsed. */
function expectedUser(wire: Record<string, unknown>): Record<string, unknown> {
  const user: Record<string, unknown> = {
    id: wire.id,
    email: wire.email,
    createdAt: new Date(String(wire.created_at)),
  };
  if (wire.name !== undefined && wire.name !== null) user.name = wire.name;
  if (wire.avatar_url !== undefined && wire.avatar_url !== null) user.avatarUrl = wire.avatar_url;
  if (wire.role !== undefined && wire.role !== null) user.role = wire.role;
  if (wire.metadata !== undefined && wire.metadata !== null) user.metadata = wire.metadata;
  return user;
}

/** Sends `data` through a real JSON body, as Cloud would. */
function envelope(data: unknown): Response {
  return new Response(JSON.stringify({ ok: true, data }), {
    headers: { 'content-type': 'application/json' },
  });
}

/** The value as it comes back from JSON (so -0 is 0 and undefined members vanish). */
function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

describe('wire -> library mapping', () => {
  it('maps any valid UserWire to the camelCase user', async () => {
    await fc.assert(
      fc.asyncProperty(userWire, async (wire) => {
        const user = await processEnvelope(envelope({ user: wire }), parseUserData, 'user');
        expect(user).toStrictEqual(expectedUser(viaJson(wire)));
      }),
    );
  });

  it('maps any valid SessionWire to the camelCase session', async () => {
    await fc.assert(
      fc.asyncProperty(sessionWire, async (wire) => {
        const session = await processEnvelope(envelope({ session: wire }), parseSessionData, 'session');
        expect(session).toStrictEqual({
          id: wire.id,
          userId: wire.user_id,
          expiresAt: new Date(wire.expires_at),
          createdAt: new Date(wire.created_at),
        });
      }),
    );
  });

  it('maps any valid callback data, keeping the token and a session of the same user', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/);
    fc.assert(
      fc.property(token, userWire, sessionWire, (jwt, user, session) => {
        const wire = viaJson({ jwt, user, session: { ...session, user_id: user.id } });
        const result = parseCallbackData(wire);
        expect(result.token).toBe(jwt);
        expect(result.user).toStrictEqual(expectedUser(wire.user));
        expect(result.session.userId).toBe(user.id);
      }),
    );
  });

  it('maps verify data with or without expires_at', () => {
    fc.assert(
      fc.property(userWire, fc.option(isoDate, { nil: null }), (user, expiresAt) => {
        const result = parseVerifyData(viaJson({ user, expires_at: expiresAt }));
        expect(result.expiresAt).toStrictEqual(expiresAt === null ? undefined : new Date(expiresAt));
      }),
    );
  });

  it('returns any array of strings as the permissions, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (permissions) => {
        expect(parsePermissionsData({ permissions })).toStrictEqual(permissions);
      }),
    );
  });
});

describe('junk', () => {
  const parsers = [parseUserData, parseSessionData, parseVerifyData, parseCallbackData, parsePermissionsData];

  it('makes the parse functions throw only CloudApiError (502 bad_response)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom(...parsers), (junk, parse) => {
        try {
          parse(junk);
        } catch (error) {
          expect(error).toBeInstanceOf(CloudApiError);
          expect(error).toMatchObject({ status: 502, code: 'bad_response', family: 'unavailable' });
        }
      }),
    );
  });

  it('makes the parse functions throw only CloudApiError for near-valid JSON', () => {
    const nearUser = fc.record({ id: fc.jsonValue(), email: fc.jsonValue(), created_at: fc.jsonValue() });
    fc.assert(
      fc.property(nearUser, fc.jsonValue(), (user, other) => {
        for (const data of [{ user }, { user, session: other, jwt: other }, { session: user }]) {
          for (const parse of parsers) {
            try {
              parse(data);
            } catch (error) {
              expect(error).toBeInstanceOf(CloudApiError);
            }
          }
        }
      }),
    );
  });

  it('makes processEnvelope reject only with CloudApiError, whatever the body and status', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({ ok: fc.boolean(), data: fc.jsonValue(), error: fc.jsonValue() }, { requiredKeys: [] })
        .map((v) => JSON.stringify(v)),
      fc.uint8Array().map((bytes) => bytes),
    );
    const status = fc.constantFrom(200, 201, 204, 301, 400, 401, 404, 429, 500, 503);
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/problem+json', '');
    await fc.assert(
      fc.asyncProperty(body, status, contentType, async (content, code, type) => {
        const nullBody = code === 204 || code === 301;
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
        const response = new Response(nullBody ? null : content, { status: code, headers });
        try {
          await processEnvelope(response, parseVerifyData, 'verify', { maxBytes: 1024 });
        } catch (error) {
          expect(error).toBeInstanceOf(CloudApiError);
        }
      }),
    );
  });
});
