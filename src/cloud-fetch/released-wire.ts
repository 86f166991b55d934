/**
 * Validators of the released profile's answers (CONTRACT 1b): raw JSON bodies, no envelope.
 * Unknown extra fields are ignored; optional fields may be absent or `null`.
 *
 * @see CONTRACT.md section 1b
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { WIRE_ERROR_CODES } from './codes.js';
import type { CloudUserProfile } from './types.js';
import type { VerifyData } from './wire.js';
import {
  badShape,
  child,
  expectBearerToken,
  expectHttpUrl,
  expectNonEmptyString,
  expectObject,
  expectString,
  type FieldAt,
  optional,
  own,
} from './wire-checks.js';

/** The user a project API token verifies as (CONTRACT 1b). */
export const API_TOKEN_USER: Readonly<CloudUserProfile> = Object.freeze({ id: 'api-token', role: 'api' });

/** Longest token lifetime believed: a year (a larger `expires_in` is a unit mistake or garbage). */
const MAX_EXPIRES_IN_SECONDS = 365 * 86_400;

/** Body of `POST /auth/callback`: `{ access_token, token_type: "Bearer", expires_in }`. */
export type ReleasedExchange = { token: string; expiresInSeconds: number };

/** Body of `POST /auth/session/validate`: `{ userId, expiresAt, createdAt }` (epoch ms). */
export type ReleasedSession = { userId: string; expiresAt: Date; createdAt: Date };

/**
 * Validates the code exchange's answer.
 *
 * @throws {CloudApiError} 502 `bad_response` naming the field
 */
export function parseReleasedExchange(body: unknown): ReleasedExchange {
  const at: FieldAt = { label: 'callback', path: 'body' };
  const wire = expectObject(body, at);
  const token = expectBearerToken(own(wire, 'access_token'), child(at, 'access_token'));
  const type = optional(own(wire, 'token_type'), child(at, 'token_type'), expectString);
  if (type !== undefined && type.toLowerCase() !== 'bearer')
    throw badShape(child(at, 'token_type'), "must be 'Bearer'");
  const expiresIn = own(wire, 'expires_in');
  if (
    typeof expiresIn !== 'number' ||
    !Number.isInteger(expiresIn) ||
    expiresIn <= 0 ||
    expiresIn > MAX_EXPIRES_IN_SECONDS
  ) {
    throw badShape(
      child(at, 'expires_in'),
      `must be an integer number of seconds from 1 to ${MAX_EXPIRES_IN_SECONDS}`,
    );
  }
  return { token, expiresInSeconds: expiresIn };
}

/**
 * Validates a verify answer: a user token's `{ sub, email, name?, avatar_url?, role? }`, or a
 * project API token's `{ valid: true, role: "api", token_type: "project_api_token" }`.
 *
 * @returns the profile (no expiry: the released verify does not send one)
 * @throws {CloudApiError} 502 `bad_response` naming the field; 401 `invalid_token` for `valid: false`
 */
export function parseReleasedVerify(body: unknown): VerifyData {
  const at: FieldAt = { label: 'verify', path: 'body' };
  const wire = expectObject(body, at);
  if (own(wire, 'token_type') === 'project_api_token') {
    if (own(wire, 'valid') !== true) throw notValid();
    if (own(wire, 'role') !== 'api')
      throw badShape(child(at, 'role'), "must be 'api' for a project API token");
    return { user: { ...API_TOKEN_USER }, expiresAt: undefined };
  }
  if (own(wire, 'valid') === false) throw notValid();
  const user: CloudUserProfile = {
    id: expectNonEmptyString(own(wire, 'sub'), child(at, 'sub')),
    email: expectString(own(wire, 'email'), child(at, 'email')),
  };
  const name = optional(own(wire, 'name'), child(at, 'name'), expectString);
  const avatarUrl = optional(own(wire, 'avatar_url'), child(at, 'avatar_url'), expectHttpUrl);
  const role = optional(own(wire, 'role'), child(at, 'role'), expectString);
  if (name !== undefined) user.name = name;
  if (avatarUrl !== undefined) user.avatarUrl = avatarUrl;
  if (role !== undefined) user.role = role;
  return { user, expiresAt: undefined };
}

/**
 * Validates a session answer.
 *
 * @throws {CloudApiError} 502 `bad_response` naming the field
 */
export function parseReleasedSession(body: unknown): ReleasedSession {
  const at: FieldAt = { label: 'session', path: 'body' };
  const wire = expectObject(body, at);
  return {
    userId: expectNonEmptyString(own(wire, 'userId'), child(at, 'userId')),
    expiresAt: expectEpochMs(own(wire, 'expiresAt'), child(at, 'expiresAt')),
    createdAt: expectEpochMs(own(wire, 'createdAt'), child(at, 'createdAt')),
  };
}

/** Milliseconds since the epoch, as an integer a `Date` can hold. */
function expectEpochMs(value: unknown, at: FieldAt): Date {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 8.64e15) {
    throw badShape(at, 'must be epoch milliseconds (a non-negative integer)');
  }
  return new Date(value);
}

function notValid(): CloudApiError {
  return new CloudApiError('verify: Cloud says the token is not valid', {
    status: 401,
    code: WIRE_ERROR_CODES.invalidToken,
  });
}
