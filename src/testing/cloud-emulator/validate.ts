/**
 * Hand validators for values that reach the emulator from outside: users and faults given to
 * the API or to the control API. Each returns the checked value or a message naming the field.
 */
import { EMULATOR_ROUTES, type EmulatorFault, type EmulatorRoute, type EmulatorUser } from './types.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const ROLES: ReadonlySet<string> = new Set(['owner', 'admin', 'member', 'viewer']);
const ROUTES: ReadonlySet<string> = new Set(EMULATOR_ROUTES);
const MAX_ID_LENGTH = 256;

/** A plain object (not an array, not null, prototype Object or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Names of `value`'s own keys that are not in `allowed`. */
export function unknownKeys(value: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((key) => !allowed.includes(key));
}

/** A non-empty string of at most `max` characters without control characters. */
export function isIdString(value: unknown, max = MAX_ID_LENGTH): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !hasControlCharacter(value);
}

/** No lone surrogates: the id must survive `encodeURIComponent` to appear in a path. */
function isWellFormed(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function isRoute(value: unknown): value is EmulatorRoute {
  return typeof value === 'string' && ROUTES.has(value);
}

function isRole(value: unknown): value is EmulatorUser['role'] {
  return typeof value === 'string' && ROLES.has(value);
}

/** A whole number of seconds, at least 1. */
export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Checks a user. `createdAt` may be a `Date` or, from JSON, an ISO-8601 string.
 *
 * @param value - the candidate user.
 * @param label - how to name it in messages (`user`, `users[1]`).
 */
export function checkUser(value: unknown, label = 'user'): Checked<EmulatorUser> {
  if (!isRecord(value)) return { ok: false, message: `${label} must be an object` };
  const extra = unknownKeys(value, ['id', 'email', 'name', 'avatarUrl', 'role', 'createdAt', 'metadata']);
  if (extra.length > 0) return { ok: false, message: `${label} has unknown field ${extra[0]}` };
  const { id, email, name, avatarUrl, role, createdAt, metadata } = value;
  if (!isIdString(id) || !isWellFormed(id)) {
    return {
      ok: false,
      message: `${label}.id must be a non-empty string (at most 256 characters, well-formed Unicode)`,
    };
  }
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    return { ok: false, message: `${label}.email must be an email address` };
  }
  if (name !== undefined && typeof name !== 'string')
    return { ok: false, message: `${label}.name must be a string` };
  if (avatarUrl !== undefined && !isHttpUrl(avatarUrl)) {
    return { ok: false, message: `${label}.avatarUrl must be an absolute http(s) URL` };
  }
  if (!isRole(role))
    return { ok: false, message: `${label}.role must be one of owner, admin, member, viewer` };
  const created = checkDate(createdAt);
  if (created === null)
    return { ok: false, message: `${label}.createdAt must be a valid Date or ISO-8601 string` };
  if (metadata !== undefined && !isRecord(metadata)) {
    return { ok: false, message: `${label}.metadata must be a plain object` };
  }
  const user: EmulatorUser = { id, email, role };
  if (name !== undefined) user.name = name;
  if (avatarUrl !== undefined) user.avatarUrl = avatarUrl;
  if (created !== undefined) user.createdAt = created;
  if (metadata !== undefined) user.metadata = structuredClone(metadata);
  return { ok: true, value: user };
}

/** `undefined` stays `undefined`; a valid Date or ISO string becomes a Date; anything else is `null`. */
function checkDate(value: unknown): Date | undefined | null {
  if (value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : new Date(value.getTime());
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

/** An absolute `http:` or `https:` URL string. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const FAULT_FIELDS: Record<EmulatorFault['kind'], readonly string[]> = {
  http_error: ['status'],
  ok_false: ['status', 'code', 'message'],
  non_json: [],
  ok_without_data: [],
  bad_shape: [],
  delay: ['ms'],
  hang: [],
  network_error: [],
  redirect: [],
};

function isFaultKind(value: unknown): value is EmulatorFault['kind'] {
  return typeof value === 'string' && Object.hasOwn(FAULT_FIELDS, value);
}

function isStatus(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks a fault; returns a fresh copy so later changes to the input do not leak in. */
export function checkFault(value: unknown): Checked<EmulatorFault> {
  if (!isRecord(value)) return { ok: false, message: 'fault must be an object' };
  const { kind, route, times } = value;
  if (!isFaultKind(kind))
    return { ok: false, message: `fault.kind must be one of ${Object.keys(FAULT_FIELDS).join(', ')}` };
  const extra = unknownKeys(value, ['kind', 'route', 'times', ...FAULT_FIELDS[kind]]);
  if (extra.length > 0) return { ok: false, message: `fault has unknown field ${extra[0]} for kind ${kind}` };
  if (route !== undefined && !isRoute(route))
    return { ok: false, message: `fault.route must be one of ${EMULATOR_ROUTES.join(', ')}` };
  if (times !== undefined && !isPositiveInteger(times))
    return { ok: false, message: 'fault.times must be a positive integer' };
  const base: { route?: EmulatorRoute; times?: number } = {};
  if (route !== undefined) base.route = route;
  if (times !== undefined) base.times = times;
  switch (kind) {
    case 'http_error':
      if (!isStatus(value.status, 400, 599))
        return { ok: false, message: 'fault.status must be an integer from 400 to 599' };
      return { ok: true, value: { ...base, kind, status: value.status } };
    case 'ok_false': {
      const { status, code, message } = value;
      if (!isStatus(status, 400, 599))
        return { ok: false, message: 'fault.status must be an integer from 400 to 599' };
      if (code !== undefined && !isIdString(code, 100))
        return { ok: false, message: 'fault.code must be a short string' };
      if (message !== undefined && typeof message !== 'string')
        return { ok: false, message: 'fault.message must be a string' };
      const fault: EmulatorFault = { ...base, kind, status };
      if (code !== undefined) fault.code = code;
      if (message !== undefined) fault.message = message;
      return { ok: true, value: fault };
    }
    case 'delay':
      if (typeof value.ms !== 'number' || !Number.isFinite(value.ms) || value.ms < 0 || value.ms > 600_000) {
        return { ok: false, message: 'fault.ms must be a number from 0 to 600000' };
      }
      return { ok: true, value: { ...base, kind, ms: value.ms } };
    default:
      return { ok: true, value: { ...base, kind } };
  }
}
