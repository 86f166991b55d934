/**
 * The auth interfaces a Mastra server calls, as published in `@mastra/core` 1.71.0.
 * Declared here so the package has no runtime dependency on Mastra; the server checks shapes,
 * not classes.
 *
 * @see CONTRACT.md section 2
 * @module
 */

/** What a Mastra server hands a provider: a fetch Request, or its framework's wrapper. */
export type MastraAuthRequest =
  | Request
  | {
      raw?: Request;
      headers?: Headers | Record<string, string | string[] | undefined>;
      header?(name: string): string | undefined;
    };

/** HTTP methods a {@link PathRule} may name (`@mastra/core` `Methods`). */
export type PathMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'ALL';

/**
 * A path rule as Mastra accepts it in `protected` / `public`: a path pattern, a RegExp, or a
 * pattern with the methods it covers. The method is Mastra's `Methods` union, not any string:
 * a wider type would make providers unassignable to `server.auth`.
 */
export type PathRule = string | RegExp | [string, PathMethod | PathMethod[]];

export interface IMastraAuthProvider<U = unknown> {
  name?: string;
  protected?: PathRule[];
  public?: PathRule[];
  authenticateToken(token: string, request: MastraAuthRequest): Promise<U | null>;
  authorizeUser(user: U, request: MastraAuthRequest): Promise<boolean> | boolean;
  mapUserToResourceId?(user: U): string | undefined | null;
}

export interface User {
  id: string;
  email?: string;
  name?: string;
  avatarUrl?: string;
}

export interface EEUser extends User {
  metadata?: Record<string, unknown>;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  metadata?: Record<string, unknown>;
}

export interface SSOLoginConfig {
  provider: string;
  text: string;
  icon?: string;
  description?: string;
}

export interface SSOCallbackResult<U> {
  user: U;
  tokens: { accessToken: string; refreshToken?: string; idToken?: string; expiresAt?: Date };
  cookies?: string[];
}

export interface ISSOProvider<U = EEUser> {
  getLoginUrl(redirectUri: string, state: string): string | Promise<string>;
  getLoginCookies?(redirectUri: string, state: string): string[] | undefined;
  handleCallback(code: string, state: string): Promise<SSOCallbackResult<U>>;
  getLoginButtonConfig(): SSOLoginConfig;
  getLogoutUrl?(redirectUri: string, request?: Request): string | null | Promise<string | null>;
}

export interface ISessionProvider<S extends Session = Session> {
  createSession(userId: string, metadata?: Record<string, unknown>): Promise<S>;
  validateSession(sessionId: string): Promise<S | null>;
  destroySession(sessionId: string): Promise<void>;
  refreshSession(sessionId: string): Promise<S | null>;
  getSessionIdFromRequest(request: Request): string | null;
  getSessionHeaders(session: S): Record<string, string>;
  getClearSessionHeaders(): Record<string, string>;
}

export interface IUserProvider<U extends User = User> {
  getCurrentUser(request: Request): Promise<U | null>;
  getUser(userId: string): Promise<U | null>;
  getUsers?(userIds: string[]): Promise<Array<U | null>>;
  getUserProfileUrl?(user: U): string;
}

export interface IRBACProvider<U = unknown> {
  getRoles(user: U): Promise<string[]>;
  hasRole(user: U, role: string): Promise<boolean>;
  getPermissions(user: U): Promise<string[]>;
  hasPermission(user: U, permission: string): Promise<boolean>;
  hasAllPermissions(user: U, permissions: string[]): Promise<boolean>;
  hasAnyPermission(user: U, permissions: string[]): Promise<boolean>;
  /** Studio's "View as role": every role, and what each one grants. */
  getAvailableRoles?(): Promise<Array<{ id: string; name: string }>>;
  getPermissionsForRole?(roleId: string): Promise<string[]>;
}

/** What a credentials sign-in or sign-up gives the server: the user, and cookies to set. */
export interface CredentialsResult<U = unknown> {
  user: U;
  token?: string;
  cookies?: string[];
}

/** Email and password sign-in (`POST /api/auth/credentials/sign-in`); the server duck-types `signIn`. */
export interface ICredentialsProvider<U = unknown> {
  signIn(email: string, password: string, request: Request): Promise<CredentialsResult<U>>;
  signUp?(
    email: string,
    password: string,
    name: string | undefined,
    request: Request,
  ): Promise<CredentialsResult<U>>;
  requestPasswordReset?(email: string): Promise<void>;
  resetPassword?(token: string, newPassword: string): Promise<void>;
  isSignUpEnabled?(): boolean;
}
