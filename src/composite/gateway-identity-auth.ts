import {
  IDENTITY_HEADER,
  type IdentityKey,
  type IdentityKeyMaterial,
  importVerifyKey,
  parseIdentityKey,
  verifyIdentity,
} from '../crypto/identity-assertion.js';
import type { IMastraAuthProvider, MastraAuthRequest } from '../mastra/interfaces.js';
import { getRequestHeader } from '../mastra/request.js';
import { invalidArg } from './invalid-arg.js';

/** Options of {@link createGatewayIdentityAuth}. */
export interface GatewayIdentityAuthOptions {
  /**
   * The key the gateway signs with (`IDENTITY_SIGNING_KEY`): the same HS256 secret; or, for an
   * Ed25519 key, its public JWK or the gateway's JWKS (`GET /auth/jwks`, `{ "keys": [...] }`),
   * as an object or JSON text. A JWKS with several keys supports rotation.
   */
  key: string | object;
  /** The gateway's public origin (`PUBLIC_ORIGIN`), e.g. `https://app.example`: the `iss` claim. */
  issuer: string;
  /** This runner's name as the gateway addresses it (`IDENTITY_AUDIENCE`): the `aud` claim. */
  audience: string;
  /** Clock skew allowed between gateway and runner, in seconds; default 5, at most 30. */
  clockToleranceSeconds?: number;
}

/** The user an assertion names. */
export interface GatewayIdentityUser {
  id: string;
  email?: string;
  name?: string;
  role?: string;
}

const DEFAULT_TOLERANCE_SECONDS = 5;
const MAX_TOLERANCE_SECONDS = 30;

/**
 * The runner side of the gateway's signed identity (import from `mastra-edge-auth/composite`):
 * a Mastra auth provider that accepts a request only when it carries a valid `X-Mastra-Identity`
 * assertion (signature, `typ`, `iss`, `aud`, `exp`/`iat` within the skew, lifetime <= 60 s).
 * The plain `X-Mastra-User-Id` / `X-Mastra-User` headers are never enough on their own, and an
 * `X-Mastra-User-Id` that disagrees with the assertion's `sub` is refused.
 *
 * Use it as `server.auth`, or inside `CompositeAuth` next to other providers.
 *
 * @example
 * ```ts
 * const auth = createGatewayIdentityAuth({
 *   key: env.IDENTITY_SIGNING_KEY, // Workers bindings, or a copy of the Node environment
 *   issuer: 'https://app.example',
 *   audience: 'mastra-runner',
 * });
 * new Mastra({ server: { auth } });
 * ```
 * @param options - see {@link GatewayIdentityAuthOptions}
 * @returns the provider
 * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) naming the bad option
 */
export function createGatewayIdentityAuth(options: GatewayIdentityAuthOptions): GatewayIdentityAuth {
  return new GatewayIdentityAuth(options);
}

/** See {@link createGatewayIdentityAuth}. */
export class GatewayIdentityAuth implements IMastraAuthProvider<GatewayIdentityUser> {
  readonly name = 'gateway-identity';
  readonly #materials: readonly IdentityKeyMaterial[];
  readonly #issuer: string;
  readonly #audience: string;
  readonly #tolerance: number;
  readonly #ownUsers = new WeakSet<object>();
  /** Imported on first use and kept (never a shared promise: workerd forbids cross-request awaits). */
  #keys: readonly IdentityKey[] | undefined;

  constructor(options: GatewayIdentityAuthOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArg('ERR_INVALID_ARG_TYPE', '"options" must be an object');
    }
    this.#materials = keyMaterials(options.key);
    this.#issuer = nonEmpty(options.issuer, 'issuer');
    this.#audience = nonEmpty(options.audience, 'audience');
    const tolerance = options.clockToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > MAX_TOLERANCE_SECONDS) {
      throw invalidArg(
        'ERR_INVALID_ARG_VALUE',
        `"options.clockToleranceSeconds" must be an integer from 0 to ${MAX_TOLERANCE_SECONDS}`,
      );
    }
    this.#tolerance = tolerance;
  }

  /**
   * Reads `X-Mastra-Identity` from the request (the `token` argument is ignored: the gateway
   * removes `Authorization` by default) and returns the user it names, or null.
   */
  async authenticateToken(_token: string, request: MastraAuthRequest): Promise<GatewayIdentityUser | null> {
    const assertion = getRequestHeader(request, IDENTITY_HEADER);
    if (assertion === null) return null;
    if (this.#keys === undefined) this.#keys = await Promise.all(this.#materials.map(importVerifyKey));
    const keys = this.#keys;
    const claims = await verifyIdentity(assertion.trim(), keys, {
      issuer: this.#issuer,
      audience: this.#audience,
      clockToleranceSeconds: this.#tolerance,
    });
    if (claims === null) return null;
    const plainId = getRequestHeader(request, 'X-Mastra-User-Id');
    if (plainId !== null && plainId !== claims.id) return null;
    const user: GatewayIdentityUser = { id: claims.id };
    if (claims.email !== undefined) user.email = claims.email;
    if (claims.name !== undefined) user.name = claims.name;
    if (claims.role !== undefined) user.role = claims.role;
    this.#ownUsers.add(user);
    return user;
  }

  /** Admits only users this instance returned from a verified assertion. */
  authorizeUser(user: GatewayIdentityUser): boolean {
    return typeof user === 'object' && user !== null && this.#ownUsers.has(user);
  }
}

function keyMaterials(key: unknown): IdentityKeyMaterial[] {
  let value = key;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalidArg('ERR_INVALID_ARG_VALUE', '"options.key" looks like JSON but does not parse');
    }
  }
  const set: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'keys') : undefined;
  const list: unknown[] = Array.isArray(set) ? set : [value];
  if (list.length === 0) throw invalidArg('ERR_INVALID_ARG_VALUE', '"options.key" has no keys');
  return list.map((entry, index) => {
    try {
      return parseIdentityKey(entry);
    } catch (error) {
      const where = list.length > 1 || value !== entry ? `"options.key" entry ${index}` : '"options.key"';
      throw invalidArg(
        'ERR_INVALID_ARG_VALUE',
        `${where}: ${error instanceof Error ? error.message : 'invalid'}`,
      );
    }
  });
}

function nonEmpty(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidArg('ERR_INVALID_ARG_TYPE', `"options.${option}" must be a non-empty string`);
  }
  return value.trim();
}
