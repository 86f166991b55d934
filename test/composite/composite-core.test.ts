import { describe, expect, it } from 'vitest';
import { CompositeAuth } from '../../src/composite/index.js';
import { CloudApiError, ConfigError, StorageUnavailableError } from '../../src/errors/index.js';
import { fakeProvider, mastraRequest } from './fakes.js';

const outage = () => new CloudApiError('Cloud did not answer', { status: 503 });
const rejection = () => new CloudApiError('bad token', { status: 401, code: 'invalid_token' });

describe('CompositeAuth.authenticateToken', () => {
  it('returns the first provider user and does not ask later providers', async () => {
    const alice = { id: 'alice' };
    const a = fakeProvider({ users: { t1: alice } });
    const b = fakeProvider({ users: { t1: { id: 'other' } } });
    const auth = new CompositeAuth([a, b]);
    expect(await auth.authenticateToken('t1', mastraRequest())).toBe(alice);
    expect(b.calls).toEqual([]);
  });

  it('falls through a null answer and a throwing provider, passing token and request unchanged', async () => {
    const bob = { id: 'bob' };
    const request = mastraRequest({ authorization: 'Bearer t2' });
    const nothing = fakeProvider();
    const broken = fakeProvider({
      authenticate: () => {
        throw new Error('boom');
      },
    });
    const good = fakeProvider({ users: { t2: bob } });
    const auth = new CompositeAuth([nothing, broken, good]);
    expect(await auth.authenticateToken('t2', request)).toBe(bob);
    for (const provider of [nothing, broken, good]) {
      expect(provider.calls[0]?.args[0]).toBe('t2');
      expect(provider.calls[0]?.args[1]).toBe(request);
    }
  });

  it('reports each provider error with the provider name and operation, never the token', async () => {
    const errors: unknown[][] = [];
    const failure = new Error('boom');
    const named = fakeProvider({
      name: 'flaky',
      authenticate: () => Promise.reject(failure),
    });
    const unnamed = fakeProvider({
      authenticate: () => {
        throw failure;
      },
    });
    const auth = new CompositeAuth([named, unnamed], {
      onError: (report, error) => errors.push([error, report.provider, report.operation, report.source]),
    });
    expect(await auth.authenticateToken('secret-token', mastraRequest())).toBeNull();
    expect(errors).toEqual([
      [failure, 'flaky', 'authenticateToken', 'composite'],
      [failure, 'providers[1]', 'authenticateToken', 'composite'],
    ]);
    expect(JSON.stringify(errors.map((entry) => entry.slice(1)))).not.toContain('secret-token');
  });

  it('survives an onError handler that throws', async () => {
    const auth = new CompositeAuth([fakeProvider({ authenticate: () => Promise.reject(new Error('x')) })], {
      onError: () => {
        throw new Error('handler bug');
      },
    });
    expect(await auth.authenticateToken('t', mastraRequest())).toBeNull();
  });

  it('throws the outage when nobody accepted and a provider was unavailable', async () => {
    const down = outage();
    const auth = new CompositeAuth([
      fakeProvider(),
      fakeProvider({ authenticate: () => Promise.reject(down) }),
      fakeProvider({ authenticate: () => Promise.reject(new StorageUnavailableError('kv down')) }),
    ]);
    const error = await auth.authenticateToken('t', mastraRequest()).catch((e: unknown) => e);
    expect(error).toBe(down);
    expect(error).toMatchObject({ family: 'unavailable', status: 503 });
  });

  it('throws a misconfiguration when nobody accepted (an outage still wins over it)', async () => {
    const wrongProject = new CloudApiError('verify: invalid project', {
      status: 400,
      code: 'invalid_project',
    });
    const misconfigured = new CompositeAuth([
      fakeProvider(),
      fakeProvider({ authenticate: () => Promise.reject(wrongProject) }),
    ]);
    expect(await misconfigured.authenticateToken('t', mastraRequest()).catch((e: unknown) => e)).toBe(
      wrongProject,
    );
    const down = outage();
    const both = new CompositeAuth([
      fakeProvider({ authenticate: () => Promise.reject(wrongProject) }),
      fakeProvider({ authenticate: () => Promise.reject(down) }),
    ]);
    expect(await both.authenticateToken('t', mastraRequest()).catch((e: unknown) => e)).toBe(down);
  });

  it('returns null (a definitive no) when providers only rejected', async () => {
    const auth = new CompositeAuth([
      fakeProvider({ authenticate: () => Promise.reject(rejection()) }),
      fakeProvider({ authenticate: () => Promise.reject(new Error('plain')) }),
      fakeProvider(),
    ]);
    expect(await auth.authenticateToken('t', mastraRequest())).toBeNull();
  });

  it('prefers a later provider user over an earlier outage', async () => {
    const carol = { id: 'carol' };
    const auth = new CompositeAuth([
      fakeProvider({ authenticate: () => Promise.reject(outage()) }),
      fakeProvider({ users: { t: carol } }),
    ]);
    expect(await auth.authenticateToken('t', mastraRequest())).toBe(carol);
  });

  it('authenticates nobody without providers', async () => {
    const auth = new CompositeAuth([]);
    expect(await auth.authenticateToken('t', mastraRequest())).toBeNull();
  });
});

describe('CompositeAuth.authorizeUser', () => {
  it('lets only the authenticating provider decide (B permissive rule does not admit A users)', async () => {
    const fromA = { id: 'a-user' };
    const a = fakeProvider({ users: { ta: fromA }, authorize: () => false });
    const b = fakeProvider({ authorize: () => true });
    const auth = new CompositeAuth([a, b]);
    const request = mastraRequest();
    const user = await auth.authenticateToken('ta', request);
    expect(await auth.authorizeUser(user, request)).toBe(false);
    expect(b.calls.filter((call) => call.method === 'authorizeUser')).toEqual([]);
    expect(auth.authenticatedBy(user)).toBe(a);
  });

  it('admits a user its authenticator admits even when an earlier provider refuses everyone', async () => {
    const fromB = { id: 'b-user' };
    const a = fakeProvider({ authorize: () => false });
    const b = fakeProvider({ users: { tb: fromB }, authorize: (user) => user === fromB });
    const auth = new CompositeAuth([a, b]);
    const user = await auth.authenticateToken('tb', mastraRequest());
    expect(await auth.authorizeUser(user, mastraRequest())).toBe(true);
  });

  it('refuses users this instance did not authenticate, and primitives', async () => {
    const permissive = fakeProvider({ users: { t: 'primitive-user' }, authorize: () => true });
    const auth = new CompositeAuth([permissive]);
    expect(await auth.authorizeUser({ id: 'forged' }, mastraRequest())).toBe(false);
    const primitive = await auth.authenticateToken('t', mastraRequest());
    expect(primitive).toBe('primitive-user');
    expect(await auth.authorizeUser(primitive, mastraRequest())).toBe(false);
    expect(await auth.authorizeUser(null, mastraRequest())).toBe(false);
  });

  it('does not admit a user authenticated by another CompositeAuth instance', async () => {
    const user = { id: 'u' };
    const provider = fakeProvider({ users: { t: user } });
    const first = new CompositeAuth([provider]);
    const second = new CompositeAuth([provider]);
    await first.authenticateToken('t', mastraRequest());
    expect(await second.authorizeUser(user, mastraRequest())).toBe(false);
    expect(await first.authorizeUser(user, mastraRequest())).toBe(true);
  });

  it('policy any: one provider suffices; all: every provider must agree', async () => {
    const user = { id: 'u' };
    const strict = fakeProvider({ users: { t: user }, authorize: () => false });
    const lax = fakeProvider({ authorize: () => true });
    const any = new CompositeAuth([strict, lax], { authorizePolicy: 'any' });
    const all = new CompositeAuth([strict, lax], { authorizePolicy: 'all' });
    const allLax = new CompositeAuth([lax, fakeProvider({ users: { t: user } })], { authorizePolicy: 'all' });
    for (const auth of [any, all, allLax]) await auth.authenticateToken('t', mastraRequest());
    expect(await any.authorizeUser(user, mastraRequest())).toBe(true);
    expect(await all.authorizeUser(user, mastraRequest())).toBe(false);
    expect(await allLax.authorizeUser(user, mastraRequest())).toBe(true);
    expect(await any.authorizeUser({ id: 'stranger' }, mastraRequest())).toBe(false);
  });

  it('policy any: an outage with no admission is thrown, not turned into a refusal', async () => {
    const user = { id: 'u' };
    const down = outage();
    const auth = new CompositeAuth(
      [
        fakeProvider({ users: { t: user }, authorize: () => false }),
        fakeProvider({ authorize: () => Promise.reject(down) }),
      ],
      { authorizePolicy: 'any' },
    );
    await auth.authenticateToken('t', mastraRequest());
    await expect(auth.authorizeUser(user, mastraRequest())).rejects.toBe(down);
  });

  it('never mixes concurrent authentications by different providers', async () => {
    const users = Array.from({ length: 40 }, (_, i) => ({ id: `u${i}` }));
    const byToken = (offset: number) =>
      Object.fromEntries(users.filter((_, i) => i % 2 === offset).map((user) => [user.id, user]));
    const delayed = (table: Record<string, unknown>, ticks: number) => async (token: string) => {
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      return table[token] ?? null;
    };
    const even = fakeProvider({
      authenticate: delayed(byToken(0), 3),
      authorize: (u) => byToken(0)[(u as { id: string }).id] === u,
    });
    const odd = fakeProvider({
      authenticate: delayed(byToken(1), 1),
      authorize: (u) => byToken(1)[(u as { id: string }).id] === u,
    });
    const auth = new CompositeAuth([even, odd]);
    const results = await Promise.all(
      users.map(async (user) => {
        const found = await auth.authenticateToken(user.id, mastraRequest());
        return { found, allowed: await auth.authorizeUser(found, mastraRequest()) };
      }),
    );
    results.forEach(({ found, allowed }, i) => {
      expect(found).toBe(users[i]);
      expect(auth.authenticatedBy(found)).toBe(i % 2 === 0 ? even : odd);
      expect(allowed).toBe(true);
    });
  });
});

describe('CompositeAuth.mapUserToResourceId', () => {
  it('is absent when no provider defines one', () => {
    expect(new CompositeAuth([fakeProvider()]).mapUserToResourceId).toBeUndefined();
  });

  it('asks the authenticating provider, else falls back to user.id', async () => {
    const mapped = { id: 'm' };
    const plain = { id: 'plain-id' };
    const mapper = fakeProvider({
      users: { tm: mapped },
      extra: { mapUserToResourceId: () => 'resource-m' },
    });
    const other = fakeProvider({ users: { tp: plain } });
    const auth = new CompositeAuth([mapper, other]);
    await auth.authenticateToken('tm', mastraRequest());
    await auth.authenticateToken('tp', mastraRequest());
    expect(auth.mapUserToResourceId?.(mapped)).toBe('resource-m');
    expect(auth.mapUserToResourceId?.(plain)).toBe('plain-id');
    expect(auth.mapUserToResourceId?.(mapped)).toBe('resource-m');
  });

  it('never returns an empty value', async () => {
    const blank = { id: 'fallback' };
    const noId = { name: 'x' };
    const mapper = fakeProvider({ users: { b: blank, n: noId }, extra: { mapUserToResourceId: () => '  ' } });
    const auth = new CompositeAuth([mapper]);
    await auth.authenticateToken('b', mastraRequest());
    await auth.authenticateToken('n', mastraRequest());
    expect(auth.mapUserToResourceId?.(blank)).toBe('fallback');
    let thrown: unknown;
    try {
      auth.mapUserToResourceId?.(noId);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ setting: 'mapUserToResourceId', family: 'misconfigured', status: 500 });
  });
});

describe('CompositeAuth markers, rules and arguments', () => {
  it('carries a marker when any provider has it', () => {
    const cloud = fakeProvider({ extra: { isMastraCloudAuth: true } });
    const simple = fakeProvider({ extra: { isSimpleAuth: true } });
    expect(new CompositeAuth([fakeProvider(), cloud]).isMastraCloudAuth).toBe(true);
    expect(new CompositeAuth([fakeProvider(), cloud]).isSimpleAuth).toBe(false);
    expect(new CompositeAuth([simple]).isSimpleAuth).toBe(true);
    expect(new CompositeAuth([fakeProvider({ extra: { isSimpleAuth: 'yes' } })]).isSimpleAuth).toBe(false);
  });

  it('unions the providers path rules and leaves them unset when none has any', () => {
    const a = fakeProvider({ extra: { protected: ['/custom/*'], public: ['/health'] } });
    const b = fakeProvider({ extra: { protected: [/^\/x/, ['/y', 'GET']] } });
    const auth = new CompositeAuth([a, b]);
    expect(auth.protected).toEqual(['/custom/*', /^\/x/, ['/y', 'GET']]);
    expect(auth.public).toEqual(['/health']);
    const bare = new CompositeAuth([fakeProvider()]);
    expect(bare.protected).toBeUndefined();
    expect(bare.public).toBeUndefined();
  });

  it('keeps its own copy of the provider list', async () => {
    const list = [fakeProvider()];
    const auth = new CompositeAuth(list);
    list.push(fakeProvider({ users: { t: { id: 'late' } } }));
    expect(auth.providers).toHaveLength(1);
    expect(await auth.authenticateToken('t', mastraRequest())).toBeNull();
  });

  it.each([
    ['not an array', 'nope', {}, 'ERR_INVALID_ARG_TYPE', '"providers"'],
    [
      'a provider without authorizeUser',
      [{ authenticateToken: async () => null }],
      {},
      'ERR_INVALID_ARG_TYPE',
      '"providers[0]"',
    ],
    ['a bad policy', [], { authorizePolicy: 'some' }, 'ERR_INVALID_ARG_VALUE', 'authorizePolicy'],
    ['a bad onError', [], { onError: 'log' }, 'ERR_INVALID_ARG_TYPE', 'onError'],
    ['null options', [], null, 'ERR_INVALID_ARG_TYPE', '"options"'],
  ])('refuses %s with a TypeError naming it', (_label, providers, options, code, name) => {
    // @ts-expect-error: deliberately wrong arguments
    const build = () => new CompositeAuth(providers, options);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(name);
    try {
      build();
    } catch (error) {
      expect(error).toMatchObject({ code });
    }
  });
});
