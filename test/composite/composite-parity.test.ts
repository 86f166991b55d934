/**
 * CONTRACT 4b parity of CompositeAuth with core's: credentials pass-through, getUserProfileUrl,
 * the union of path rules, an RBAC for all its users, and hiding capabilities nobody has.
 */
import { describe, expect, it } from 'vitest';
import { CompositeAuth } from '../../src/composite/index.js';
import { MastraRBACCloud } from '../../src/provider/index.js';
import { fakeProvider, mastraRequest, sessionMethods, ssoMethods } from './fakes.js';

const request = () => new Request('https://runner.example/api/auth/credentials/sign-in', { method: 'POST' });

function credentials(label: string, extra: Record<string, unknown> = {}) {
  const calls: unknown[][] = [];
  return {
    calls,
    methods: {
      signIn: async (email: string, password: string) => {
        calls.push(['signIn', email, password]);
        if (password !== 'right') throw new Error('Invalid credentials');
        return { user: { id: `${label}-user`, email }, cookies: [`${label}=1; Path=/`] };
      },
      ...extra,
    },
  };
}

describe('credentials pass-through', () => {
  it('exposes none of the members when no provider signs in with credentials', () => {
    const auth = new CompositeAuth([fakeProvider(), fakeProvider({ extra: ssoMethods('sso', []) })]);
    for (const name of ['signIn', 'signUp', 'isSignUpEnabled', 'requestPasswordReset', 'resetPassword']) {
      expect(typeof Reflect.get(auth, name)).toBe('undefined');
    }
  });

  it('forwards every member to the first provider with signIn, and remembers who vouched', async () => {
    const first = credentials('first', {
      signUp: async (email: string) => ({ user: { id: 'new', email } }),
      isSignUpEnabled: () => false,
      requestPasswordReset: async (email: string) => {
        first.calls.push(['requestPasswordReset', email]);
      },
      resetPassword: async (token: string, password: string) => {
        first.calls.push(['resetPassword', token, password]);
      },
    });
    const second = credentials('second');
    const provider = fakeProvider({ extra: first.methods, authorize: () => true });
    const auth = new CompositeAuth([fakeProvider(), provider, fakeProvider({ extra: second.methods })]);

    const result = await auth.signIn?.('a@example.com', 'right', request());
    expect(result).toEqual({
      user: { id: 'first-user', email: 'a@example.com' },
      cookies: ['first=1; Path=/'],
    });
    expect(auth.authenticatedBy(result?.user)).toBe(provider);
    await expect(auth.signIn?.('a@example.com', 'wrong', request())).rejects.toThrow('Invalid credentials');
    expect(await auth.signUp?.('b@example.com', 'pw', undefined, request())).toMatchObject({
      user: { id: 'new' },
    });
    expect(auth.isSignUpEnabled?.()).toBe(false);
    await auth.requestPasswordReset?.('a@example.com');
    await auth.resetPassword?.('reset-token', 'new-password');
    expect(first.calls).toEqual([
      ['signIn', 'a@example.com', 'right'],
      ['signIn', 'a@example.com', 'wrong'],
      ['requestPasswordReset', 'a@example.com'],
      ['resetPassword', 'reset-token', 'new-password'],
    ]);
    expect(second.calls).toEqual([]);
  });

  it('leaves out what the credentials provider lacks; sign-up is off without signUp', () => {
    const auth = new CompositeAuth([fakeProvider({ extra: credentials('only').methods })]);
    expect(typeof auth.signIn).toBe('function');
    expect(auth.signUp).toBeUndefined();
    expect(auth.requestPasswordReset).toBeUndefined();
    expect(auth.resetPassword).toBeUndefined();
    expect(auth.isSignUpEnabled?.()).toBe(false);
    const withSignUp = new CompositeAuth([
      fakeProvider({ extra: { ...credentials('x').methods, signUp: async () => ({ user: { id: 'n' } }) } }),
    ]);
    expect(withSignUp.isSignUpEnabled?.()).toBe(true);
  });
});

describe('getUserProfileUrl', () => {
  it('delegates to the provider that authenticated the user', async () => {
    const a = fakeProvider({
      users: { ta: { id: 'ua' } },
      extra: { getUserProfileUrl: (user: { id: string }) => `https://a.example/u/${user.id}` },
    });
    const b = fakeProvider({ users: { tb: { id: 'ub' } } });
    const auth = new CompositeAuth([a, b]);
    const ua = await auth.authenticateToken('ta', mastraRequest());
    const ub = await auth.authenticateToken('tb', mastraRequest());
    expect(auth.getUserProfileUrl?.(ua)).toBe('https://a.example/u/ua');
    expect(auth.getUserProfileUrl?.(ub)).toBe('');
    expect(auth.getUserProfileUrl?.({ id: 'ua' })).toBe('');
  });

  it('is absent when no provider has one', () => {
    expect(new CompositeAuth([fakeProvider()]).getUserProfileUrl).toBeUndefined();
  });
});

describe('path rules', () => {
  it('public and protected are the union of the providers’ rules', () => {
    const auth = new CompositeAuth([
      fakeProvider({ extra: { public: ['/health'], protected: ['/api/*'] } }),
      fakeProvider(),
      fakeProvider({ extra: { public: [/^\/docs/, ['/status', 'GET']], protected: ['/custom/*'] } }),
    ]);
    expect(auth.public).toEqual(['/health', /^\/docs/, ['/status', 'GET']]);
    expect(auth.protected).toEqual(['/api/*', '/custom/*']);
    const none = new CompositeAuth([fakeProvider()]);
    expect(none.public).toBeUndefined();
    expect(none.protected).toBeUndefined();
  });
});

describe('the rbac option', () => {
  it('answers for every user this composite authenticated, and for nobody else', async () => {
    const ownRbac = {
      getRoles: async () => ['own'],
      hasRole: async () => true,
      getPermissions: async () => ['*'],
      hasPermission: async () => true,
      hasAllPermissions: async () => true,
      hasAnyPermission: async () => true,
    };
    const viewer = { id: 'v', role: 'viewer' };
    const auth = new CompositeAuth([fakeProvider({ users: { t: viewer }, extra: ownRbac })], {
      rbac: new MastraRBACCloud(),
    });
    const user = await auth.authenticateToken('t', mastraRequest());
    expect(await auth.getRoles(user)).toEqual(['viewer']);
    expect(await auth.getPermissions(user)).toEqual(['*:read']);
    expect(await auth.hasPermission(user, 'agents:read')).toBe(true);
    expect(await auth.hasPermission(user, 'agents:execute')).toBe(false);
    expect(await auth.hasAnyPermission(user, ['agents:write', 'tools:read'])).toBe(true);
    expect(await auth.hasAllPermissions(user, ['agents:write', 'tools:read'])).toBe(false);
    expect(await auth.getPermissions({ id: 'v', role: 'owner' })).toEqual([]);
    expect(await auth.getAvailableRoles?.()).toHaveLength(5);
    expect(await auth.getPermissionsForRole?.('member')).toEqual(['*:read', '*:execute']);
    expect(Reflect.get(auth, 'roleMapping')).toBe(auth.rbac && Reflect.get(auth.rbac, 'roleMapping'));
  });

  it('without it, the RBAC extras are absent and the providers answer', async () => {
    const auth = new CompositeAuth([fakeProvider()]);
    expect(auth.rbac).toBeUndefined();
    expect(auth.getAvailableRoles).toBeUndefined();
    expect(auth.getPermissionsForRole).toBeUndefined();
    expect(Reflect.get(auth, 'roleMapping')).toBeUndefined();
  });

  it('refuses something that is not an RBAC provider', () => {
    expect(() => new CompositeAuth([], { rbac: {} as never })).toThrow(/options.rbac/);
  });
});

describe('hideMissing', () => {
  it('removes SSO and session members nobody has, as core does', () => {
    const auth = new CompositeAuth([fakeProvider()], { hideMissing: true });
    for (const name of [
      'getLoginUrl',
      'handleCallback',
      'getLoginButtonConfig',
      'createSession',
      'validateSession',
    ]) {
      expect(typeof Reflect.get(auth, name)).toBe('undefined');
    }
    expect(typeof auth.getClearSessionHeaders).toBe('function');
    expect(typeof auth.getCurrentUser).toBe('function');
  });

  it('keeps the members some provider has', async () => {
    const auth = new CompositeAuth(
      [fakeProvider({ extra: ssoMethods('sso', []) }), fakeProvider({ extra: sessionMethods('s') })],
      { hideMissing: true },
    );
    expect(await auth.getLoginUrl('https://r/cb', 's')).toBe('https://sso.example/login?state=s');
    expect(typeof auth.createSession).toBe('function');
  });

  it('is off by default (CONTRACT 3: the methods throw)', () => {
    expect(() => new CompositeAuth([fakeProvider()]).getLoginUrl('https://r/cb', 's')).toThrow(
      'No SSO provider configured in CompositeAuth',
    );
    expect(() => new CompositeAuth([], { hideMissing: 'yes' as never })).toThrow(/hideMissing/);
  });
});
