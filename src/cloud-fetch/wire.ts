/**
 * Validators for the `data` member of each Cloud answer: snake_case wire -> camelCase library.
 * Unknown extra fields are ignored; optional fields may be absent or `null`.
 *
 * @see CONTRACT.md section 1 (`UserWire`, `SessionWire`, the call table)
 * @module
 */

import type { CloudSession, CloudUserProfile } from './types.js';
import {
  badShape,
  child,
  expectBearerToken,
  expectHttpUrl,
  expectIsoDate,
  expectMetadata,
  expectNonEmptyString,
  expectObject,
  expectString,
  expectStringArray,
  type FieldAt,
  optional,
  own,
} from './wire-checks.js';

/** `data` of `POST /auth/callback`, before the token is attached to the user. */
export type CallbackData = { token: string; user: CloudUserProfile; session: CloudSession };

/** `data` of `POST /auth/verify`. */
export type VerifyData = { user: CloudUserProfile; expiresAt: Date | undefined };

/** `UserWire = { id, email, name?, avatar_url?, role?, created_at, metadata? }` -> profile. */
function parseUserWire(value: unknown, at: FieldAt): CloudUserProfile {
  const wire = expectObject(value, at);
  const user: CloudUserProfile = {
    id: expectNonEmptyString(own(wire, 'id'), child(at, 'id')),
    email: expectString(own(wire, 'email'), child(at, 'email')),
    createdAt: expectIsoDate(own(wire, 'created_at'), child(at, 'created_at')),
  };
  const name = optional(own(wire, 'name'), child(at, 'name'), expectString);
  const avatarUrl = optional(own(wire, 'avatar_url'), child(at, 'avatar_url'), expectHttpUrl);
  const role = optional(own(wire, 'role'), child(at, 'role'), expectString);
  const metadata = optional(own(wire, 'metadata'), child(at, 'metadata'), expectMetadata);
  // Absent stays absent (no `name: undefined` keys), so results compare and serialize cleanly.
  if (name !== undefined) user.name = name;
  if (avatarUrl !== undefined) user.avatarUrl = avatarUrl;
  if (role !== undefined) user.role = role;
  if (metadata !== undefined) user.metadata = metadata;
  return user;
}

/** `SessionWire = { id, user_id, expires_at, created_at }` -> {@link CloudSession}. */
function parseSessionWire(value: unknown, at: FieldAt): CloudSession {
  const wire = expectObject(value, at);
  return {
    id: expectNonEmptyString(own(wire, 'id'), child(at, 'id')),
    userId: expectNonEmptyString(own(wire, 'user_id'), child(at, 'user_id')),
    expiresAt: expectIsoDate(own(wire, 'expires_at'), child(at, 'expires_at')),
    createdAt: expectIsoDate(own(wire, 'created_at'), child(at, 'created_at')),
  };
}

/**
 * Validates `data` of the code exchange: `{ jwt, user: UserWire, session: SessionWire }`.
 * The session must belong to the user.
 *
 * @param data - the envelope's `data`, untrusted.
 * @returns the token (`jwt`), the user profile and the session.
 * @throws {CloudApiError} status 502, code `bad_response`, message `callback: data.<path> ...`.
 */
export function parseCallbackData(data: unknown): CallbackData {
  const at: FieldAt = { label: 'callback', path: 'data' };
  const wire = expectObject(data, at);
  const token = expectBearerToken(own(wire, 'jwt'), child(at, 'jwt'));
  const user = parseUserWire(own(wire, 'user'), child(at, 'user'));
  const session = parseSessionWire(own(wire, 'session'), child(at, 'session'));
  if (session.userId !== user.id) throw badShape(child(at, 'session.user_id'), 'must equal data.user.id');
  return { token, user, session };
}

/**
 * Validates `data` of token verification: `{ user: UserWire, expires_at?: ISO-8601 }`.
 *
 * @param data - the envelope's `data`, untrusted.
 * @returns the user profile and the token's expiry (`undefined` when absent or null).
 * @throws {CloudApiError} status 502, code `bad_response`, message `verify: data.<path> ...`.
 */
export function parseVerifyData(data: unknown): VerifyData {
  const at: FieldAt = { label: 'verify', path: 'data' };
  const wire = expectObject(data, at);
  return {
    user: parseUserWire(own(wire, 'user'), child(at, 'user')),
    expiresAt: optional(own(wire, 'expires_at'), child(at, 'expires_at'), expectIsoDate),
  };
}

/**
 * Validates `data` of session validation: `{ session: SessionWire }`.
 *
 * @param data - the envelope's `data`, untrusted.
 * @returns the session.
 * @throws {CloudApiError} status 502, code `bad_response`, message `session: data.<path> ...`.
 */
export function parseSessionData(data: unknown): CloudSession {
  const at: FieldAt = { label: 'session', path: 'data' };
  const wire = expectObject(data, at);
  return parseSessionWire(own(wire, 'session'), child(at, 'session'));
}

/**
 * Validates `data` of a user look-up: `{ user: UserWire }`.
 *
 * @param data - the envelope's `data`, untrusted.
 * @returns the user profile.
 * @throws {CloudApiError} status 502, code `bad_response`, message `user: data.<path> ...`.
 */
export function parseUserData(data: unknown): CloudUserProfile {
  const at: FieldAt = { label: 'user', path: 'data' };
  const wire = expectObject(data, at);
  return parseUserWire(own(wire, 'user'), child(at, 'user'));
}

/**
 * Validates `data` of a permissions look-up: `{ permissions: string[] }`.
 *
 * @param data - the envelope's `data`, untrusted.
 * @returns the permission strings, in Cloud's order.
 * @throws {CloudApiError} status 502, code `bad_response`, message `permissions: data.<path> ...`.
 */
export function parsePermissionsData(data: unknown): string[] {
  const at: FieldAt = { label: 'permissions', path: 'data' };
  const wire = expectObject(data, at);
  return expectStringArray(own(wire, 'permissions'), child(at, 'permissions'));
}

/**
 * Validates `data` of session destruction: `{}` (any object; members are ignored).
 *
 * @throws {CloudApiError} status 502, code `bad_response` when `data` is not an object.
 */
export function parseDestroyData(data: unknown): void {
  expectObject(data, { label: 'destroy', path: 'data' });
}
