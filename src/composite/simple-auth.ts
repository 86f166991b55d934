import { parseCookie } from 'cookie';
import {
  constantTimeIndexOf,
  constantTimeStringIndexOf,
  secretCodeUnits,
  sha256,
} from '../crypto/constant-time.js';
import { InvalidRequestError } from '../errors/index.js';
import type {
  CredentialsResult,
  ICredentialsProvider,
  IMastraAuthProvider,
  IRBACProvider,
  MastraAuthRequest,
} from '../mastra/interfaces.js';
import { getRequestHeader } from '../mastra/request.js';
import { MAX_TOKEN_LENGTH } from '../policy/limits.js';
import * as permissions from '../policy/permissions.js';
import { invalidArg } from './invalid-arg.js';
import { ServiceSessions } from './service-session.js';
import { DEFAULT_TOKEN_HEADERS, TOKEN_COOKIE, tokenCandidates } from './token-candidates.js';

/** Options of {@link SimpleAuth}. */
export interface SimpleAuthOptions<U extends object> {
  /** Token -> user. Own keys only; every token non-empty (at most `MAX_TOKEN_LENGTH`, 4096 characters); every user an object. */
  tokens: Record<string, U>;
  /** Extra header names read after `Authorization` and `X-Playground-Access` (a `Bearer ` prefix is removed). */
  headers?: string | string[];
  /**
   * Permissions every configured user holds when a Mastra server enforces RBAC (`server.rbac`);
   * `resource:action` with `*` wildcards. Default none: RBAC then refuses these users.
   */
  permissions?: string[];
  /**
   * Key material (at least 32 bytes, e.g. `SESSION_SECRET`) for the cookie `signIn` sets.
   * Default: a key derived from all the configured tokens.
   */
  sessionSecret?: string;
  /** `secure: false` is for plain-http development only (no `Secure` on the sign-in cookie). Default true. */
  cookies?: { secure?: boolean };
}

/**
 * Fixed service tokens mapped to fixed users (import from `mastra-edge-auth/composite`).
 *
 * A request's token is taken from, in order: the `token` argument, `Authorization`,
 * `X-Playground-Access`, the extra `headers` (each minus a `Bearer ` prefix of any case, which the
 * Mastra server leaves on `bearer x`), then the `mastra-token` cookie; the first candidate that
 * is a configured token wins. Each candidate is compared in full against every configured token
 * (`constantTimeStringIndexOf`: synchronous, no hashing), so the time taken does not depend on
 * which token (if any) matched or where a guess differs; inherited keys (`constructor`,
 * `__proto__`, `toString`) are never tokens.
 * `authorizeUser` admits only this instance's own user objects.
 *
 * Credentials sign-in (Mastra Studio's login form): `signIn(email, password)` takes a service
 * token as the password (the email is ignored) and sets a `mastra-token` cookie that holds the
 * token's digest, sealed (never the token); requests then authenticate with that cookie.
 * `signUp` refuses and `isSignUpEnabled()` is `false`.
 *
 * @example
 * ```ts
 * const service = new SimpleAuth({ tokens: { [env.BUSINESS_JWT_TOKEN]: { id: 'business-api', role: 'api' } } });
 * ```
 * @see CONTRACT.md section 4
 */
export class SimpleAuth<U extends object = { id: string }>
  implements IMastraAuthProvider<U>, IRBACProvider<U>, ICredentialsProvider<U>
{
  /** Marker the Mastra server reads (SimpleAuth needs no EE licence). */
  readonly isSimpleAuth = true;
  readonly name = 'simple';

  readonly #tokens: readonly string[];
  /** The configured tokens' code units, precomputed for the constant-time comparison. */
  readonly #secrets: readonly Uint16Array[];
  readonly #users: readonly U[];
  readonly #ownUsers: ReadonlySet<U>;
  readonly #usersById = new Map<string, U>();
  readonly #headerNames: readonly string[];
  readonly #permissions: readonly string[];
  readonly #sessions: ServiceSessions;
  /** Digests of `#tokens`, computed on first use; never a shared promise (workerd: no cross-request awaits). */
  #digests: readonly Uint8Array[] | undefined;

  /**
   * @param options - See {@link SimpleAuthOptions}.
   * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) naming the bad option, never a token.
   */
  constructor(options: SimpleAuthOptions<U>) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArg('ERR_INVALID_ARG_TYPE', '"options" must be an object');
    }
    const tokens: unknown = options.tokens;
    if (typeof tokens !== 'object' || tokens === null) {
      throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.tokens" must be an object');
    }
    const keys = Object.keys(tokens);
    const users = keys.map((token, index): U => {
      if (token === '' || token.length > MAX_TOKEN_LENGTH) {
        throw invalidArg(
          'ERR_INVALID_ARG_VALUE',
          `"options.tokens" entry ${index}: a token must be 1 to ${MAX_TOKEN_LENGTH} characters`,
        );
      }
      const user: unknown = Reflect.get(tokens, token);
      if (typeof user !== 'object' || user === null) {
        throw invalidArg(
          'ERR_INVALID_ARG_TYPE',
          `"options.tokens" entry ${index}: the user must be an object`,
        );
      }
      return options.tokens[token]!;
    });
    this.#tokens = Object.freeze(keys);
    this.#secrets = Object.freeze(keys.map(secretCodeUnits));
    this.#users = Object.freeze(users);
    this.#ownUsers = new Set(users);
    for (const user of users) {
      const id: unknown = Reflect.get(user, 'id');
      if (typeof id === 'string' && !this.#usersById.has(id)) this.#usersById.set(id, user);
    }
    this.#headerNames = Object.freeze([...DEFAULT_TOKEN_HEADERS, ...headerList(options.headers)]);
    this.#permissions = Object.freeze(permissionList(options.permissions));
    this.#sessions = new ServiceSessions({
      sessionSecret: optionalString(options.sessionSecret, 'sessionSecret'),
      tokens: this.#tokens,
      secure: options.cookies?.secure !== false,
    });
  }

  /**
   * Find the user of the first candidate token (see the class description) that is configured.
   *
   * @param token - The token the server extracted (may be empty).
   * @param request - Any request shape the Mastra server hands over.
   * @returns The configured user, or `null`.
   */
  async authenticateToken(token: string, request: MastraAuthRequest): Promise<U | null> {
    const candidates = tokenCandidates(typeof token === 'string' ? token : null, request, this.#headerNames);
    return this.#userFor(candidates) ?? this.#signedInUser(request);
  }

  /** `true` only for a user object this instance returned (its own configured users). */
  authorizeUser(user: U, _request?: MastraAuthRequest): boolean {
    return this.#ownUsers.has(user);
  }

  /** The user of the request's headers or `mastra-token` cookie, as in {@link authenticateToken}. */
  async getCurrentUser(request: Request): Promise<U | null> {
    return this.#userFor(tokenCandidates(null, request, this.#headerNames)) ?? this.#signedInUser(request);
  }

  /**
   * Credentials sign-in with a service token as the password (the email is ignored).
   *
   * @returns the token's user and a `mastra-token` cookie holding the token's digest, sealed (no `token`)
   * @throws InvalidRequestError 401 when the password is not a configured token (the server answers 401)
   */
  async signIn(_email: string, password: string, _request?: Request): Promise<CredentialsResult<U>> {
    const candidate = typeof password === 'string' && password.length <= MAX_TOKEN_LENGTH ? password : '';
    const index = candidate === '' ? -1 : constantTimeStringIndexOf(candidate, this.#secrets);
    const user = this.#users[index];
    if (user === undefined)
      throw new InvalidRequestError('invalid_request', 'Invalid token', { status: 401 });
    return { user, cookies: [await this.#sessions.cookie((await this.#digestList())[index]!)] };
  }

  /** @throws InvalidRequestError 400 always: service tokens are configured, not signed up for. */
  async signUp(): Promise<CredentialsResult<U>> {
    throw new InvalidRequestError('invalid_request', 'Sign up is not supported with service tokens');
  }

  /** Always `false`: Studio shows no sign-up form. */
  isSignUpEnabled(): boolean {
    return false;
  }

  /** Deletes the sign-in cookie (for logout). */
  getClearSessionHeaders(): Record<string, string> {
    return { 'Set-Cookie': this.#sessions.clearCookie() };
  }

  /** The configured user whose `id` is `userId` (the first one, if several share it), else `null`. */
  async getUser(userId: string): Promise<U | null> {
    return (typeof userId === 'string' && this.#usersById.get(userId)) || null;
  }

  /** {@link getUser} for each id, in order, `null` for misses. */
  async getUsers(userIds: string[]): Promise<Array<U | null>> {
    if (!Array.isArray(userIds)) throw invalidArg('ERR_INVALID_ARG_TYPE', '"userIds" must be an array');
    return Promise.all(userIds.map((userId) => this.getUser(userId)));
  }

  /** The `role` of one of this instance's users (when it is a string); none for anyone else. */
  async getRoles(user: U): Promise<string[]> {
    return this.#ownUsers.has(user) ? permissions.rolesOf(user) : [];
  }

  async hasRole(user: U, role: string): Promise<boolean> {
    return (await this.getRoles(user)).includes(role);
  }

  /** The configured `permissions` for this instance's users; none for anyone else. */
  async getPermissions(user: U): Promise<string[]> {
    return this.#ownUsers.has(user) ? [...this.#permissions] : [];
  }

  async hasPermission(user: U, permission: string): Promise<boolean> {
    return permissions.hasPermission(await this.getPermissions(user), permission);
  }

  async hasAllPermissions(user: U, required: string[]): Promise<boolean> {
    return permissions.hasAllPermissions(await this.getPermissions(user), required);
  }

  async hasAnyPermission(user: U, required: string[]): Promise<boolean> {
    return permissions.hasAnyPermission(await this.getPermissions(user), required);
  }

  #userFor(candidates: readonly string[]): U | null {
    if (this.#secrets.length === 0) return null;
    for (const candidate of candidates) {
      const index = constantTimeStringIndexOf(candidate, this.#secrets);
      if (index >= 0) return this.#users[index] ?? null;
    }
    return null;
  }

  /** The user of a sign-in cookie (see {@link signIn}), else `null`. */
  async #signedInUser(request: MastraAuthRequest): Promise<U | null> {
    if (this.#tokens.length === 0) return null;
    const header = getRequestHeader(request, 'cookie');
    const value = header === null ? undefined : parseCookie(header, { decode: (raw) => raw })[TOKEN_COOKIE];
    if (value === undefined) return null;
    const digest = await this.#sessions.open(value);
    if (digest === null) return null;
    return this.#users[constantTimeIndexOf(digest, await this.#digestList())] ?? null;
  }

  async #digestList(): Promise<readonly Uint8Array[]> {
    const digests = this.#digests ?? (await Promise.all(this.#tokens.map(sha256)));
    this.#digests = digests;
    return digests;
  }
}

function headerList(headers: unknown): string[] {
  if (headers === undefined) return [];
  const list: unknown[] = Array.isArray(headers) ? headers : [headers];
  return list.map((name, index) => {
    if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw invalidArg('ERR_INVALID_ARG_VALUE', `"options.headers" entry ${index} must be a header name`);
    }
    return name;
  });
}

function permissionList(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && entry !== '')) {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.permissions" must be an array of non-empty strings');
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw invalidArg('ERR_INVALID_ARG_TYPE', `"options.${name}" must be a string`);
  return value;
}
