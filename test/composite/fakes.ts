/**
 * Hand-written providers for the composite tests: each records its calls and answers from a
 * script, so tests can check who was asked, with what, and in which order.
 */
import type { IMastraAuthProvider, MastraAuthRequest, Session, User } from '../../src/mastra/index.js';

export type Call = { method: string; args: unknown[] };

export interface FakeProvider extends IMastraAuthProvider<unknown> {
  readonly calls: Call[];
  [capability: string]: unknown;
}

export interface FakeOptions {
  name?: string;
  /** token -> user (or a function deciding); missing -> null. */
  users?: Record<string, unknown>;
  authenticate?: (token: string, request: MastraAuthRequest) => unknown;
  authorize?: (user: unknown) => boolean | Promise<boolean>;
  extra?: Record<string, unknown>;
}

/** A provider with only the two required methods (plus whatever `extra` adds). */
export function fakeProvider(options: FakeOptions = {}): FakeProvider {
  const calls: Call[] = [];
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const provider: FakeProvider = {
    calls,
    async authenticateToken(token, request) {
      record('authenticateToken', [token, request]);
      if (options.authenticate) return options.authenticate(token, request);
      return options.users?.[token] ?? null;
    },
    async authorizeUser(user) {
      record('authorizeUser', [user]);
      return options.authorize ? options.authorize(user) : true;
    },
    ...options.extra,
  };
  if (options.name !== undefined) provider.name = options.name;
  return provider;
}

/** SSO methods recording their calls into `calls`. */
export function ssoMethods(label: string, calls: Call[], more: Record<string, unknown> = {}) {
  return {
    getLoginUrl: (redirectUri: string, state: string) => {
      calls.push({ method: 'getLoginUrl', args: [redirectUri, state] });
      return `https://${label}.example/login?state=${state}`;
    },
    handleCallback: async (code: string, state: string) => {
      calls.push({ method: 'handleCallback', args: [code, state] });
      return {
        user: { id: `${label}-user` },
        tokens: { accessToken: `${label}-at` },
        cookies: [`${label}=1`],
      };
    },
    getLoginButtonConfig: () => ({ provider: label, text: `Sign in with ${label}` }),
    ...more,
  };
}

/** Session methods over an in-memory map. */
export function sessionMethods(label: string, sessions: Map<string, Session> = new Map()) {
  const make = (userId: string): Session => ({
    id: `${label}-${userId}`,
    userId,
    expiresAt: new Date(2_000_000_000_000),
    createdAt: new Date(1_000_000_000_000),
  });
  return {
    sessions,
    createSession: async (userId: string) => {
      const session = make(userId);
      sessions.set(session.id, session);
      return session;
    },
    validateSession: async (id: string) => sessions.get(id) ?? null,
    refreshSession: async (id: string) => sessions.get(id) ?? null,
    destroySession: async (id: string) => {
      sessions.delete(id);
    },
    getSessionIdFromRequest: (request: Request) => request.headers.get(`x-${label}-session`),
    getSessionHeaders: (session: Session) => ({ 'Set-Cookie': `${label}=${session.id}; Path=/` }),
    getClearSessionHeaders: () => ({ 'Set-Cookie': `${label}=; Path=/; Max-Age=0` }),
  };
}

/** User methods over a fixed list. */
export function userMethods(users: User[], withBatch = false) {
  const byId = new Map(users.map((user) => [user.id, user]));
  const methods: Record<string, unknown> = {
    getCurrentUser: async (request: Request) => byId.get(request.headers.get('x-user') ?? '') ?? null,
    getUser: async (id: string) => byId.get(id) ?? null,
  };
  if (withBatch) methods.getUsers = async (ids: string[]) => ids.map((id) => byId.get(id) ?? null);
  return methods;
}

/** A request as the Mastra server hands it to authenticateToken. */
export function mastraRequest(headers: Record<string, string> = {}): MastraAuthRequest {
  const raw = new Request('https://runner.example/api/tools', { headers });
  return { raw, headers: raw.headers, header: (name: string) => raw.headers.get(name) ?? undefined };
}
