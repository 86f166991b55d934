/**
 * Wire validation: one malformed-field case per field of every Cloud response shape, through
 * the client, each with its exact message; then the parse functions on their own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type MastraCloudClient,
  parseCallbackData,
  parsePermissionsData,
  parseSessionData,
  parseUserData,
  parseVerifyData,
} from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import type { FakeFetch } from './fake-fetch.js';
import { ok } from './fake-fetch.js';
import {
  CALLBACK_DATA,
  clientWith,
  REDIRECT_URI,
  rejectionOf,
  SESSION_WIRE,
  TOKEN,
  USER_WIRE,
  VERIFIER,
  VERIFY_DATA,
} from './fixtures.js';

let fake: FakeFetch | undefined;
afterEach(() => {
  fake?.assertDone();
  fake = undefined;
});

type Json = Record<string, unknown>;
/** A mutation of a valid `data`: its field path and the bad value (`undefined` deletes it). */
type Case = [path: string, value: unknown, problem: string];

/** Returns a deep copy of `data` with `path` (dotted) set to `value`, or deleted when `undefined`. */
function mutate(data: Json, path: string, value: unknown): Json {
  const copy: Json = JSON.parse(JSON.stringify(data));
  const keys = path.split('.');
  let target: Json = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Json;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const NON_EMPTY = 'must be a non-empty string';
const STRING = 'must be a string';
const DATE = 'must be an ISO-8601 date-time';
const DATE_STRING = 'must be an ISO-8601 date string';
const OBJECT = 'must be an object';
const URL_PROBLEM = 'must be an absolute http(s) URL';

function userCases(prefix: string): Case[] {
  return [
    [`${prefix}`, 'not an object', OBJECT],
    [`${prefix}.id`, undefined, NON_EMPTY],
    [`${prefix}.id`, '', NON_EMPTY],
    [`${prefix}.id`, 42, NON_EMPTY],
    [`${prefix}.email`, undefined, STRING],
    [`${prefix}.email`, ['a@b'], STRING],
    [`${prefix}.name`, 7, STRING],
    [`${prefix}.avatar_url`, 7, STRING],
    [`${prefix}.avatar_url`, 'javascript:alert(1)', URL_PROBLEM],
    [`${prefix}.avatar_url`, '/relative.png', URL_PROBLEM],
    [`${prefix}.role`, true, STRING],
    [`${prefix}.created_at`, undefined, DATE_STRING],
    [`${prefix}.created_at`, 1704067200000, DATE_STRING],
    [`${prefix}.created_at`, 'yesterday', DATE],
    [`${prefix}.created_at`, '2024-01-01T00:00:00', DATE],
    [`${prefix}.created_at`, '2024-02-31T00:00:00Z', DATE],
    [`${prefix}.created_at`, '2024-13-01T00:00:00Z', DATE],
    [`${prefix}.metadata`, ['a'], OBJECT],
    [`${prefix}.metadata`, 'x', OBJECT],
  ];
}

function sessionCases(prefix: string): Case[] {
  return [
    [`${prefix}`, [], OBJECT],
    [`${prefix}.id`, undefined, NON_EMPTY],
    [`${prefix}.id`, '', NON_EMPTY],
    [`${prefix}.user_id`, undefined, NON_EMPTY],
    [`${prefix}.user_id`, 5, NON_EMPTY],
    [`${prefix}.expires_at`, undefined, DATE_STRING],
    [`${prefix}.expires_at`, 'soon', DATE],
    [`${prefix}.created_at`, null, DATE_STRING],
    [`${prefix}.created_at`, '2024-01-01', DATE],
  ];
}

const shapes: Array<{
  name: string;
  label: string;
  valid: Json;
  cases: Case[];
  call: (client: MastraCloudClient) => Promise<unknown>;
}> = [
  {
    name: 'callback',
    label: 'callback',
    valid: CALLBACK_DATA,
    cases: [
      ['jwt', undefined, 'must be a bearer token (RFC 6750 b64token)'],
      ['jwt', '', 'must be a bearer token (RFC 6750 b64token)'],
      ['jwt', 'two words', 'must be a bearer token (RFC 6750 b64token)'],
      ...userCases('user'),
      ...sessionCases('session'),
      ['session.user_id', 'someone_else', 'must equal data.user.id'],
    ],
    call: (c) => c.exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
  },
  {
    name: 'verify',
    label: 'verify',
    valid: VERIFY_DATA,
    cases: [...userCases('user'), ['expires_at', 'never', DATE], ['expires_at', 0, DATE_STRING]],
    call: (c) => c.verifyToken(TOKEN),
  },
  {
    name: 'session validate',
    label: 'session',
    valid: { session: SESSION_WIRE },
    cases: sessionCases('session'),
    call: (c) => c.validateSession(TOKEN),
  },
  {
    name: 'user',
    label: 'user',
    valid: { user: USER_WIRE },
    cases: userCases('user'),
    call: (c) => c.getUser('user_1', TOKEN),
  },
  {
    name: 'permissions',
    label: 'permissions',
    valid: { permissions: ['a:b', 'c:d'] },
    cases: [
      ['permissions', undefined, 'must be an array of strings'],
      ['permissions', 'a:b', 'must be an array of strings'],
      ['permissions', { 0: 'a:b' }, 'must be an array of strings'],
      ['permissions', ['a:b', 3], 'ERR_INDEX'],
    ],
    call: (c) => c.getUserPermissions('user_1', TOKEN),
  },
];

for (const shape of shapes) {
  describe(`${shape.name} data`, () => {
    it('accepts the valid sample', async () => {
      const made = clientWith([ok(shape.valid)]);
      fake = made.fake;
      await expect(shape.call(made.client)).resolves.toBeTruthy();
    });

    it.each(shape.cases)('refuses data.%s = %j', async (path, value, problem) => {
      const made = clientWith([ok(mutate(shape.valid, path, value))]);
      fake = made.fake;
      const error = await rejectionOf(shape.call(made.client));
      expect(error).toBeInstanceOf(CloudApiError);
      expect(error).toMatchObject({ status: 502, code: 'bad_response', family: 'unavailable' });
      const expected =
        problem === 'ERR_INDEX'
          ? `${shape.label}: data.permissions[1] must be a string`
          : `${shape.label}: data.${path} ${problem}`;
      expect((error as Error).message).toBe(expected);
    });

    it('refuses data that is not an object', async () => {
      const made = clientWith([ok([shape.valid])]);
      fake = made.fake;
      const error = await rejectionOf(shape.call(made.client));
      expect((error as Error).message).toBe(`${shape.label}: data must be an object`);
    });
  });
}

describe('parse functions', () => {
  it('ignore unknown extra fields', () => {
    const extra = { ...USER_WIRE, password_hash: 'x', nested: { a: 1 } };
    const user = parseUserData({ user: extra, other: true });
    expect(Object.keys(user).sort()).toEqual([
      'avatarUrl',
      'createdAt',
      'email',
      'id',
      'metadata',
      'name',
      'role',
    ]);
  });

  it('read own fields only: an inherited id does not count', () => {
    const inherited = Object.create({ id: 'proto-id' }) as Json;
    Object.assign(inherited, { email: 'e@x', created_at: '2024-01-01T00:00:00Z' });
    expect(() => parseUserData({ user: inherited })).toThrow(/data\.user must be an object|data\.user\.id/);
  });

  it('accept time-zone offsets, fractions and extended years', () => {
    const at = (created_at: string) =>
      parseUserData({ user: { ...USER_WIRE, created_at } }).createdAt?.getTime();
    expect(at('2024-01-01T01:00:00+01:00')).toBe(Date.UTC(2024, 0, 1));
    expect(at('2024-01-01T00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(at('2024-02-29T00:00:00.123Z')).toBe(Date.UTC(2024, 1, 29, 0, 0, 0, 123));
    expect(at('+012345-01-01T00:00:00.000Z')).toBe(Date.parse('+012345-01-01T00:00:00.000Z'));
  });

  it('copy metadata so the caller never shares the parsed object', () => {
    const metadata = { a: 1 };
    const user = parseUserData({ user: { ...USER_WIRE, metadata } });
    expect(user.metadata).toEqual(metadata);
    expect(user.metadata).not.toBe(metadata);
  });

  it('name their call in the message', () => {
    expect(() => parseVerifyData(null)).toThrow('verify: data must be an object');
    expect(() => parseCallbackData(null)).toThrow('callback: data must be an object');
    expect(() => parseSessionData(null)).toThrow('session: data must be an object');
    expect(() => parseUserData(null)).toThrow('user: data must be an object');
    expect(() => parsePermissionsData(null)).toThrow('permissions: data must be an object');
  });

  it('never put the offending value in the message', () => {
    const secret = 'super secret value';
    const error = rejectSync(() => parseCallbackData({ ...CALLBACK_DATA, jwt: secret }));
    expect(error.message).not.toContain(secret);
  });
});

function rejectSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
