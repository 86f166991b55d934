import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimpleAuth } from '../../src/composite/index.js';
import { mastraRequest } from './fakes.js';

const admin = { id: 'admin', role: 'admin' };
const reader = { id: 'reader', role: 'reader' };

function simple(headers?: string | string[]) {
  const options: ConstructorParameters<typeof SimpleAuth<typeof admin>>[0] = {
    tokens: { 'admin-token': admin, 'reader-token': reader },
  };
  if (headers !== undefined) options.headers = headers;
  return new SimpleAuth(options);
}

const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

describe('SimpleAuth.authenticateToken', () => {
  it('maps a configured token to its user', async () => {
    const auth = simple();
    expect(await auth.authenticateToken('admin-token', mastraRequest())).toBe(admin);
    expect(await auth.authenticateToken('reader-token', mastraRequest())).toBe(reader);
    expect(await auth.authenticateToken('nope', mastraRequest())).toBeNull();
    expect(await auth.authenticateToken('', mastraRequest())).toBeNull();
  });

  it('reads Authorization minus a Bearer prefix of any case', async () => {
    const auth = simple();
    for (const value of [
      'Bearer reader-token',
      'bearer reader-token',
      'BEARER  reader-token',
      'reader-token',
    ]) {
      expect(await auth.authenticateToken('', mastraRequest({ authorization: value }))).toBe(reader);
    }
    expect(await auth.authenticateToken('bearer admin-token', mastraRequest())).toBe(admin);
  });

  it('reads X-Playground-Access and the extra headers', async () => {
    expect(
      await simple().authenticateToken('', mastraRequest({ 'x-playground-access': 'admin-token' })),
    ).toBe(admin);
    expect(await simple().authenticateToken('', mastraRequest({ 'x-api-key': 'admin-token' }))).toBeNull();
    expect(
      await simple('X-Api-Key').authenticateToken('', mastraRequest({ 'x-api-key': 'admin-token' })),
    ).toBe(admin);
    expect(
      await simple(['X-A', 'X-B']).authenticateToken('', mastraRequest({ 'x-b': 'Bearer reader-token' })),
    ).toBe(reader);
  });

  it('reads the mastra-token cookie last, parsed as a cookie header', async () => {
    const auth = simple();
    const cookie = 'theme=dark; mastra-token=reader-token; other=1';
    expect(await auth.authenticateToken('', mastraRequest({ cookie }))).toBe(reader);
    expect(
      await auth.authenticateToken('', mastraRequest({ cookie: 'xmastra-token=reader-token' })),
    ).toBeNull();
    expect(await auth.authenticateToken('', mastraRequest({ cookie: 'mastra-token=admin%2Dtoken' }))).toBe(
      admin,
    );
  });

  it('tries the token argument before headers, and headers before the cookie', async () => {
    const auth = simple();
    const request = mastraRequest({
      authorization: 'Bearer admin-token',
      'x-playground-access': 'reader-token',
      cookie: 'mastra-token=reader-token',
    });
    expect(await auth.authenticateToken('reader-token', request)).toBe(reader);
    expect(await auth.authenticateToken('unknown', request)).toBe(admin);
    const noAuth = mastraRequest({
      'x-playground-access': 'admin-token',
      cookie: 'mastra-token=reader-token',
    });
    expect(await auth.authenticateToken('', noAuth)).toBe(admin);
  });

  it('works with every request shape', async () => {
    const auth = simple();
    const headers = { Authorization: 'Bearer admin-token' };
    expect(await auth.authenticateToken('', new Request('https://r', { headers }))).toBe(admin);
    expect(await auth.authenticateToken('', { headers })).toBe(admin);
    expect(
      await auth.authenticateToken('', {
        header: (name) => (name === 'Authorization' ? 'admin-token' : undefined),
      }),
    ).toBe(admin);
  });

  it('never treats prototype keys as tokens', async () => {
    const auth = simple();
    for (const key of PROTOTYPE_KEYS) {
      expect(
        await auth.authenticateToken(
          key,
          mastraRequest({ authorization: `Bearer ${key}`, cookie: `mastra-token=${key}` }),
        ),
      ).toBeNull();
    }
  });

  it('never authenticates a string that is not a configured token (property)', async () => {
    const auth = simple();
    const configured = new Set(['admin-token', 'reader-token']);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ unit: 'grapheme' })),
        async (guess) => {
          fc.pre(!configured.has(guess.replace(/^bearer\s+/i, '').trim()));
          expect(await auth.authenticateToken(guess, mastraRequest())).toBeNull();
        },
      ),
    );
  });

  it('refuses bad options with a TypeError that never contains a token', () => {
    const cases: Array<[unknown, string]> = [
      [null, '"options"'],
      [{}, '"options.tokens"'],
      [{ tokens: { '': admin } }, 'entry 0'],
      [{ tokens: { 'secret-one': 'not-an-object' } }, 'entry 0'],
      [{ tokens: { ok: admin }, headers: ['bad header'] }, '"options.headers"'],
    ];
    for (const [options, name] of cases) {
      let thrown: unknown;
      try {
        // @ts-expect-error: deliberately wrong options
        new SimpleAuth(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect(String((thrown as Error).message)).toContain(name);
      expect(String((thrown as Error).message)).not.toContain('secret-one');
    }
  });
});

describe('SimpleAuth users', () => {
  it('authorizes only its own user objects', async () => {
    const auth = simple();
    const user = await auth.authenticateToken('admin-token', mastraRequest());
    expect(user).not.toBeNull();
    expect(auth.authorizeUser(user!, mastraRequest())).toBe(true);
    expect(auth.authorizeUser({ ...admin }, mastraRequest())).toBe(false);
    expect(simple().authorizeUser(admin, mastraRequest())).toBe(true);
    expect(new SimpleAuth({ tokens: { other: { id: 'admin', role: 'admin' } } }).authorizeUser(admin)).toBe(
      false,
    );
  });

  it('finds the current user from headers or cookie, never from a missing token', async () => {
    const auth = simple();
    expect(
      await auth.getCurrentUser(
        new Request('https://r', { headers: { cookie: 'mastra-token=admin-token' } }),
      ),
    ).toBe(admin);
    expect(
      await auth.getCurrentUser(
        new Request('https://r', { headers: { 'x-playground-access': 'reader-token' } }),
      ),
    ).toBe(reader);
    expect(await auth.getCurrentUser(new Request('https://r'))).toBeNull();
  });

  it('looks users up by id, keeping order with null for misses', async () => {
    const auth = simple();
    expect(await auth.getUser('reader')).toBe(reader);
    expect(await auth.getUser('constructor')).toBeNull();
    expect(await auth.getUsers(['admin', 'ghost', 'reader'])).toEqual([admin, null, reader]);
  });

  it('carries its marker and name', () => {
    const auth = simple();
    expect(auth.isSimpleAuth).toBe(true);
    expect(auth.name).toBe('simple');
  });

  it('authenticates nobody without tokens', async () => {
    const auth = new SimpleAuth({ tokens: {} });
    expect(await auth.authenticateToken('', mastraRequest({ authorization: 'Bearer x' }))).toBeNull();
  });
});

describe('SimpleAuth RBAC', () => {
  const service = { id: 'svc', role: 'api' };

  it('grants its own users the configured permissions and role', async () => {
    const auth = new SimpleAuth({ tokens: { 'svc-token': service }, permissions: ['agents:*', '*:read'] });
    const user = await auth.authenticateToken('svc-token', mastraRequest());
    expect(user).toBe(service);
    expect(await auth.getRoles(service)).toEqual(['api']);
    expect(await auth.hasRole(service, 'api')).toBe(true);
    expect(await auth.getPermissions(service)).toEqual(['agents:*', '*:read']);
    expect(await auth.hasPermission(service, 'agents:execute')).toBe(true);
    expect(await auth.hasPermission(service, 'tools:read')).toBe(true);
    expect(await auth.hasPermission(service, 'tools:execute')).toBe(false);
    expect(await auth.hasAllPermissions(service, ['agents:write', 'workflows:read'])).toBe(true);
    expect(await auth.hasAnyPermission(service, ['tools:execute', 'memory:read'])).toBe(true);
  });

  it('grants nothing to users it does not own, and nothing by default', async () => {
    const stranger = { id: 'svc', role: 'api' };
    const withPermissions = new SimpleAuth({ tokens: { t: service }, permissions: ['*'] });
    expect(await withPermissions.getPermissions(stranger)).toEqual([]);
    expect(await withPermissions.getRoles(stranger)).toEqual([]);
    expect(await withPermissions.hasPermission(stranger, 'tools:read')).toBe(false);
    const withoutPermissions = new SimpleAuth({ tokens: { t: service } });
    expect(await withoutPermissions.getPermissions(service)).toEqual([]);
  });

  it('refuses permissions that are not a list of non-empty strings', () => {
    for (const permissions of ['*', [''], [1], null]) {
      expect(() => new SimpleAuth({ tokens: { t: service }, permissions: permissions as never })).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });
});
