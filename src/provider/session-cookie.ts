import { CloudApiError } from '../errors/index.js';
import { providerCookie } from './cookies.js';
import type { OpenedPayload, Sealer } from './seal.js';

/**
 * What the sealed session cookie carries: enough to serve a request right after login without a
 * read-after-write dependency on KV. The cookie value itself is the opaque session handle that
 * `getSessionIdFromRequest` returns and `validateSession` opens.
 */
export interface SessionClaims {
  /** Cloud's session id (what `destroySession` sends to Cloud). */
  sessionId: string;
  userId: string;
  /** The Cloud token (Bearer for verify, session and permission calls). Encrypted in the cookie. */
  token: string;
  /** When the session began (ms since the epoch). */
  createdAt: number;
  /** The hard end (ms): Cloud's session expiry; sliding refreshes never pass it. */
  absoluteExpiresAt: number;
  /** The current (sliding) end of this cookie (ms). */
  expiresAt: number;
}

/** A freshly sealed session cookie. */
export interface SealedSession {
  /** The sealed value: the session handle. */
  handle: string;
  /** The `Set-Cookie` value carrying it. */
  cookie: string;
  claims: SessionClaims;
}

/** Inputs of {@link sealSession}. */
export interface SealSessionInput {
  sessionId: string;
  userId: string;
  token: string;
  createdAt: number;
  absoluteExpiresAt: number;
}

/** Limits on what a session cookie may hold; Cloud ids are short, tokens a few KB at most. */
const MAX_ID_LENGTH = 256;
const MAX_TOKEN_LENGTH = 3000;

/**
 * Seals a session into its cookie. The cookie lives `idleSeconds` from `nowMs` (sliding), never
 * past `absoluteExpiresAt`.
 *
 * @param sealer - the provider's sealer
 * @param input - session id, user id, token, start and hard end
 * @param options - current time, sliding window and cookie mode
 * @returns the sealed session, or `null` when the session has already reached its hard end
 * @throws CloudApiError (502 `bad_response`, family unavailable) when Cloud's token or ids are too
 *   large to fit in a cookie
 */
export async function sealSession(
  sealer: Sealer,
  input: SealSessionInput,
  options: { nowMs: number; idleSeconds: number; secure: boolean },
): Promise<SealedSession | null> {
  if (
    input.sessionId.length > MAX_ID_LENGTH ||
    input.userId.length > MAX_ID_LENGTH ||
    input.token.length > MAX_TOKEN_LENGTH
  ) {
    throw tooLarge();
  }
  const nowSeconds = Math.floor(options.nowMs / 1000);
  const exp = Math.min(nowSeconds + options.idleSeconds, Math.floor(input.absoluteExpiresAt / 1000));
  if (exp <= nowSeconds) return null;
  const handle = await sealer.seal(
    'session',
    {
      sid: input.sessionId,
      uid: input.userId,
      tok: input.token,
      cat: input.createdAt,
      abs: input.absoluteExpiresAt,
    },
    exp,
  );
  let cookie: string;
  try {
    cookie = providerCookie('session', handle, exp - nowSeconds, options.secure);
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge();
    throw error;
  }
  return { handle, cookie, claims: { ...input, expiresAt: exp * 1000 } };
}

/**
 * Opens a session handle. Never throws: anything tampered, expired, sealed for another purpose or
 * holding unexpected fields gives `null`.
 *
 * @param sealer - the provider's sealer
 * @param handle - the session cookie value (untrusted)
 * @param nowMs - the current time
 */
export async function openSession(
  sealer: Sealer,
  handle: unknown,
  nowMs: number,
): Promise<SessionClaims | null> {
  const payload = await sealer.open('session', handle, new Date(nowMs));
  return payload === null ? null : parseSessionClaims(payload);
}

function parseSessionClaims(p: OpenedPayload): SessionClaims | null {
  const { sid, uid, tok, cat, abs, exp } = p;
  if (!isBoundedString(sid, MAX_ID_LENGTH) || !isBoundedString(uid, MAX_ID_LENGTH)) return null;
  if (!isBoundedString(tok, MAX_TOKEN_LENGTH)) return null;
  if (!isTime(cat) || !isTime(abs) || !isTime(exp)) return null;
  const expiresAt = exp * 1000;
  if (expiresAt > abs || cat > abs) return null;
  return { sessionId: sid, userId: uid, token: tok, createdAt: cat, absoluteExpiresAt: abs, expiresAt };
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function tooLarge(): CloudApiError {
  return new CloudApiError('Cloud returned a session too large to keep in a cookie', {
    status: 502,
    code: 'bad_response',
  });
}
