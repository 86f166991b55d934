/**
 * The gateway's signed identity assertion (`X-Mastra-Identity`): a short-lived JWT the gateway
 * signs for every authenticated request it proxies, and the runner verifies. Like Cloudflare
 * Access's `Cf-Access-Jwt-Assertion`: the plain `X-Mastra-User*` headers are a convenience, this
 * is what a runner trusts.
 *
 * Keys: an HS256 secret (at least 32 bytes, shared by gateway and runner) or an Ed25519 JWK
 * (the gateway holds the private key; the runner only the public one, e.g. from `/auth/jwks`).
 *
 * @module
 */
import {
  type CryptoKey,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';

/** The header carrying the assertion to the runner. */
export const IDENTITY_HEADER = 'X-Mastra-Identity';
/** The assertion's `typ`: a token of another kind signed with the same key is never accepted. */
export const IDENTITY_TYPE = 'mastra-identity+jwt';
/** An assertion lives at most this long (`exp - iat`). */
export const IDENTITY_MAX_TTL_SECONDS = 60;
/** The shortest HS256 secret accepted, in UTF-8 bytes (RFC 7518 section 3.2: at least the hash size). */
export const MIN_IDENTITY_SECRET_BYTES = 32;
/** An assertion longer than this is refused before it is parsed. */
export const MAX_IDENTITY_LENGTH = 8192;

/** Key material, checked but not yet imported (importing is async; parsing config is not). */
export type IdentityKeyMaterial =
  | { readonly alg: 'HS256'; readonly secret: Uint8Array<ArrayBuffer> }
  | { readonly alg: 'EdDSA'; readonly jwk: Readonly<JWK>; readonly private: boolean };

/** A key ready to sign or verify with. */
export interface IdentityKey {
  readonly alg: 'HS256' | 'EdDSA';
  readonly key: CryptoKey;
  /** RFC 7638 thumbprint of the public key (EdDSA only): the JWT's `kid`. */
  readonly kid: string | undefined;
  /** The public JWK with `kid`, `alg` and `use` (EdDSA only), for a JWKS. */
  readonly publicJwk: JWK | undefined;
}

/** The user fields an assertion carries besides `sub`. */
export interface IdentityClaims {
  readonly id: string;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly role?: string | undefined;
}

/**
 * Checks key material: a JSON Ed25519 JWK (`{"kty":"OKP","crv":"Ed25519","x":...}`, with `d`
 * to sign), else an HS256 secret of at least 32 bytes.
 *
 * @param raw - the secret text, a JWK as JSON text, or a JWK object
 * @returns the checked material
 * @throws TypeError describing the problem (never the value)
 */
export function parseIdentityKey(raw: unknown): IdentityKeyMaterial {
  let value = raw;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      throw new TypeError('the key looks like JSON but does not parse');
    }
  }
  if (typeof value === 'string') {
    const secret = new TextEncoder().encode(value);
    if (secret.length < MIN_IDENTITY_SECRET_BYTES) {
      throw new TypeError(`an HS256 secret must be at least ${MIN_IDENTITY_SECRET_BYTES} bytes`);
    }
    return { alg: 'HS256', secret };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('the key must be a secret string or an Ed25519 JWK');
  }
  const field = (name: string): string | undefined => {
    const found: unknown = Reflect.get(value, name);
    return typeof found === 'string' && /^[A-Za-z0-9_-]+$/.test(found) ? found : undefined;
  };
  if (Reflect.get(value, 'kty') !== 'OKP' || Reflect.get(value, 'crv') !== 'Ed25519') {
    throw new TypeError('a JWK key must be an Ed25519 key (kty "OKP", crv "Ed25519")');
  }
  const x = field('x');
  if (x === undefined) throw new TypeError('the JWK has no valid "x"');
  const d = field('d');
  const jwk: JWK = d === undefined ? { kty: 'OKP', crv: 'Ed25519', x } : { kty: 'OKP', crv: 'Ed25519', x, d };
  return { alg: 'EdDSA', jwk, private: d !== undefined };
}

/**
 * Imports checked material for signing (HS256 secret or a private Ed25519 JWK).
 *
 * @param material - from {@link parseIdentityKey}
 * @returns the key, with `kid` and the public JWK for EdDSA
 * @throws TypeError when an EdDSA JWK has no private part, or the platform refuses the key
 */
export async function importSigningKey(material: IdentityKeyMaterial): Promise<IdentityKey> {
  if (material.alg === 'HS256')
    return {
      alg: 'HS256',
      key: await hmacKey(material.secret, 'sign'),
      kid: undefined,
      publicJwk: undefined,
    };
  if (!material.private) throw new TypeError('an EdDSA signing key needs the private part ("d")');
  return importEd25519(material.jwk, true);
}

/**
 * Imports checked material for verifying (HS256 secret, or an Ed25519 JWK: the private part, if
 * any, is dropped).
 *
 * @param material - from {@link parseIdentityKey}
 * @returns the key
 */
export async function importVerifyKey(material: IdentityKeyMaterial): Promise<IdentityKey> {
  if (material.alg === 'HS256')
    return {
      alg: 'HS256',
      key: await hmacKey(material.secret, 'verify'),
      kid: undefined,
      publicJwk: undefined,
    };
  return importEd25519(material.jwk, false);
}

async function hmacKey(secret: Uint8Array<ArrayBuffer>, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

async function importEd25519(jwk: Readonly<JWK>, signing: boolean): Promise<IdentityKey> {
  const publicPart: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '' };
  const kid = await calculateJwkThumbprint(publicPart);
  const imported = await importJWK(signing ? { ...jwk } : publicPart, 'EdDSA');
  if (imported instanceof Uint8Array) throw new TypeError('an Ed25519 JWK imported as a secret');
  return { alg: 'EdDSA', key: imported, kid, publicJwk: { ...publicPart, kid, alg: 'EdDSA', use: 'sig' } };
}

/**
 * Signs an assertion: `iss`, `aud`, `sub`, `iat`, `exp` (at most 60 s later), a random `jti`,
 * and the user's `email`, `name`, `role` when known. Header `typ` is {@link IDENTITY_TYPE}.
 *
 * @param key - from {@link importSigningKey}
 * @param claims - issuer (the gateway's public origin), audience (the runner), user, lifetime
 * @returns the compact JWT
 */
export async function signIdentity(
  key: IdentityKey,
  claims: {
    readonly issuer: string;
    readonly audience: string;
    readonly user: IdentityClaims;
    readonly ttlSeconds?: number;
    readonly nowSeconds?: number;
  },
): Promise<string> {
  const now = claims.nowSeconds ?? Math.floor(Date.now() / 1000);
  const ttl = Math.min(
    Math.max(Math.floor(claims.ttlSeconds ?? IDENTITY_MAX_TTL_SECONDS), 1),
    IDENTITY_MAX_TTL_SECONDS,
  );
  const { user } = claims;
  const payload: Record<string, string> = {};
  if (user.email !== undefined) payload.email = user.email;
  if (user.name !== undefined) payload.name = user.name;
  if (user.role !== undefined) payload.role = user.role;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, typ: IDENTITY_TYPE, ...(key.kid !== undefined && { kid: key.kid }) })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomId())
    .sign(key.key);
}

/**
 * Verifies an assertion: signature with the one expected algorithm, `typ`, `iss`, `aud`, `exp`
 * and `iat` (with `clockToleranceSeconds` of skew), a lifetime of at most 60 s, and `sub`/`jti`
 * present. Never throws.
 *
 * @param assertion - the header value
 * @param keys - the verify keys (several during a key rotation; `kid` picks one when present)
 * @param expected - issuer, audience, skew tolerance, clock
 * @returns the user the assertion names, or null when anything is wrong
 */
export async function verifyIdentity(
  assertion: string,
  keys: readonly IdentityKey[],
  expected: {
    readonly issuer: string;
    readonly audience: string;
    readonly clockToleranceSeconds: number;
    readonly nowSeconds?: number;
  },
): Promise<IdentityClaims | null> {
  if (assertion.length === 0 || assertion.length > MAX_IDENTITY_LENGTH) return null;
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(assertion).kid;
  } catch {
    return null;
  }
  for (const key of keys) {
    if (key.kid !== undefined && kid !== undefined && kid !== key.kid) continue;
    try {
      const { payload } = await jwtVerify(assertion, key.key, {
        algorithms: [key.alg],
        typ: IDENTITY_TYPE,
        issuer: expected.issuer,
        audience: expected.audience,
        clockTolerance: expected.clockToleranceSeconds,
        maxTokenAge: IDENTITY_MAX_TTL_SECONDS + expected.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        ...(expected.nowSeconds !== undefined && { currentDate: new Date(expected.nowSeconds * 1000) }),
      });
      const { sub, exp, iat } = payload;
      if (typeof sub !== 'string' || sub === '' || exp === undefined || iat === undefined) return null;
      if (exp - iat > IDENTITY_MAX_TTL_SECONDS) return null;
      const user: { id: string; email?: string; name?: string; role?: string } = { id: sub };
      for (const field of ['email', 'name', 'role'] as const) {
        const value: unknown = payload[field];
        if (typeof value === 'string') user[field] = value;
      }
      return user;
    } catch {
      // Wrong key, bad signature, expired, wrong issuer or audience: try the next key, else refuse.
    }
  }
  return null;
}

function randomId(): string {
  let binary = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
