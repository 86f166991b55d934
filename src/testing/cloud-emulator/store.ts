/**
 * The emulator's state: users, tokens (each with one session), authorization codes. Pure
 * bookkeeping against an injected millisecond clock; no HTTP here.
 */
import { randomId } from './encoding.js';
import type { EmulatorUser } from './types.js';

export interface SessionRecord {
  id: string;
  userId: string;
  token: string;
  createdAt: number;
  expiresAt: number;
}

export interface TokenRecord {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

interface CodeRecord {
  userId: string;
  challenge: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

export type TokenLookup =
  | { status: 'valid'; token: TokenRecord; user: EmulatorUser }
  | { status: 'unknown' }
  | { status: 'expired' };

export type CodeRedemption =
  | { status: 'valid'; userId: string; challenge: string; redirectUri: string }
  | { status: 'unknown' | 'used' | 'expired' };

export interface StoreConfig {
  now: () => number;
  users: readonly EmulatorUser[];
  loginUserId: string;
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  sessionTtlSeconds: number | undefined;
}

/** The emulator's in-memory state. */
export class EmulatorStore {
  readonly users = new Map<string, EmulatorUser>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly apiTokens = new Set<string>();
  loginUserId: string;

  constructor(private readonly config: StoreConfig) {
    this.loginUserId = config.loginUserId;
    this.reset();
  }

  now(): number {
    return this.config.now();
  }

  /** Back to the configured users and login user; forgets tokens, sessions and codes. */
  reset(): void {
    this.users.clear();
    for (const user of this.config.users) this.addUser(user);
    this.loginUserId = this.config.loginUserId;
    this.tokens.clear();
    this.sessions.clear();
    this.codes.clear();
    this.apiTokens.clear();
  }

  /** Issues a project API token (no user, no session, no expiry). */
  issueApiToken(): string {
    const token = `pat_${randomId()}`;
    this.apiTokens.add(token);
    return token;
  }

  isApiToken(token: string): boolean {
    return this.apiTokens.has(token);
  }

  /** Adds or replaces a (validated) user, stamping `createdAt` from the clock when absent. */
  addUser(user: EmulatorUser): void {
    this.users.set(user.id, { ...user, createdAt: user.createdAt ?? new Date(this.now()) });
  }

  /** Issues a token and its session; the session never outlives the token. */
  issueToken(
    userId: string,
    ttlSeconds = this.config.tokenTtlSeconds,
  ): { token: string; session: SessionRecord } {
    const now = this.now();
    const token = randomId();
    const expiresAt = now + ttlSeconds * 1000;
    const sessionTtl = this.config.sessionTtlSeconds;
    const session: SessionRecord = {
      id: `sess_${randomId(16)}`,
      userId,
      token,
      createdAt: now,
      expiresAt: sessionTtl === undefined ? expiresAt : Math.min(expiresAt, now + sessionTtl * 1000),
    };
    this.tokens.set(token, { userId, sessionId: session.id, expiresAt });
    this.sessions.set(session.id, session);
    return { token, session };
  }

  /** Forgets a token and ends its session. */
  revokeToken(token: string): void {
    this.apiTokens.delete(token);
    const record = this.tokens.get(token);
    if (record === undefined) return;
    this.tokens.delete(token);
    this.sessions.delete(record.sessionId);
  }

  lookupToken(token: string): TokenLookup {
    const record = this.tokens.get(token);
    if (record === undefined) return { status: 'unknown' };
    const user = this.users.get(record.userId);
    if (user === undefined) return { status: 'unknown' };
    if (this.now() >= record.expiresAt) return { status: 'expired' };
    return { status: 'valid', token: record, user };
  }

  getSession(sessionId: string): SessionRecord | undefined {
    return this.sessions.get(sessionId);
  }

  /** Ends a session and revokes its token. */
  destroySession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session !== undefined) this.revokeToken(session.token);
  }

  /** A new single-use code for the login user, bound to a challenge and an exact redirect URI. */
  createCode(userId: string, challenge: string, redirectUri: string): string {
    const now = this.now();
    for (const [code, record] of this.codes) if (now >= record.expiresAt) this.codes.delete(code);
    const code = randomId();
    this.codes.set(code, {
      userId,
      challenge,
      redirectUri,
      expiresAt: now + this.config.codeTtlSeconds * 1000,
      used: false,
    });
    return code;
  }

  /** Uses up a code (even when the caller then refuses the redemption) and reports what it was. */
  redeemCode(code: string): CodeRedemption {
    const record = this.codes.get(code);
    if (record === undefined) return { status: 'unknown' };
    if (record.used) return { status: 'used' };
    record.used = true;
    if (this.now() >= record.expiresAt) return { status: 'expired' };
    return {
      status: 'valid',
      userId: record.userId,
      challenge: record.challenge,
      redirectUri: record.redirectUri,
    };
  }
}
