/**
 * Field checks for data that came off the wire. Each failure is a `CloudApiError` (status 502,
 * code `bad_response`) whose message names the call and the field path, never the value.
 *
 * @module
 */
import { CloudApiError } from '../errors/index.js';
import { isBearerToken } from '../http/authorization.js';
import { WIRE_ERROR_CODES } from './codes.js';

/** Where a field sits: the call's label and the path inside the envelope (`data.user.id`). */
export type FieldAt = { label: string; path: string };

/** A shape failure: Cloud answered, but not what the contract says (status 502, `bad_response`). */
export function badShape(at: FieldAt, problem: string): CloudApiError {
  return new CloudApiError(`${at.label}: ${at.path} ${problem}`, {
    status: 502,
    code: WIRE_ERROR_CODES.badResponse,
  });
}

/** The child path of `at` (`data` + `user` -> `data.user`; index -> `data.permissions[2]`). */
export function child(at: FieldAt, key: string | number): FieldAt {
  return { label: at.label, path: typeof key === 'number' ? `${at.path}[${key}]` : `${at.path}.${key}` };
}

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Object.prototype of any realm (its own prototype is null), or a null-prototype object.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Reads an own property only, so `__proto__` or inherited names never count as fields. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function expectObject(value: unknown, at: FieldAt): Record<string, unknown> {
  if (!isPlainObject(value)) throw badShape(at, 'must be an object');
  return value;
}

export function expectString(value: unknown, at: FieldAt): string {
  if (typeof value !== 'string') throw badShape(at, 'must be a string');
  return value;
}

export function expectNonEmptyString(value: unknown, at: FieldAt): string {
  if (typeof value !== 'string' || value.length === 0) throw badShape(at, 'must be a non-empty string');
  return value;
}

/** An optional field: absent or `null` gives `undefined`; otherwise `check` decides. */
export function optional<T>(
  value: unknown,
  at: FieldAt,
  check: (value: unknown, at: FieldAt) => T,
): T | undefined {
  return value === undefined || value === null ? undefined : check(value, at);
}

// Date and time with an explicit zone: without one, Date.parse uses the runtime's local zone.
const ISO_DATE_TIME =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with a zone whose calendar date exists (Date.parse rolls `02-31` over). */
export function expectIsoDate(value: unknown, at: FieldAt): Date {
  if (typeof value !== 'string') throw badShape(at, 'must be an ISO-8601 date string');
  const match = ISO_DATE_TIME.exec(value);
  const ms = Date.parse(value);
  if (match === null || !Number.isFinite(ms)) throw badShape(at, 'must be an ISO-8601 date-time');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  if (month < 1 || month > 12 || probe.getUTCDate() !== day) {
    throw badShape(at, 'must be an ISO-8601 date-time');
  }
  return new Date(ms);
}

/** An absolute http(s) URL (an avatar is shown in UIs: no `javascript:` or `data:`). */
export function expectHttpUrl(value: unknown, at: FieldAt): string {
  if (typeof value !== 'string') throw badShape(at, 'must be a string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badShape(at, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badShape(at, 'must be an absolute http(s) URL');
  }
  return value;
}

/** A token Cloud issued, which later goes into an `Authorization` header. */
export function expectBearerToken(value: unknown, at: FieldAt): string {
  if (typeof value !== 'string' || !isBearerToken(value)) {
    throw badShape(at, 'must be a bearer token (RFC 6750 b64token)');
  }
  return value;
}

/** A JSON object, copied so later changes to the parsed body cannot reach the caller. */
export function expectMetadata(value: unknown, at: FieldAt): Record<string, unknown> {
  return { ...expectObject(value, at) };
}

export function expectStringArray(value: unknown, at: FieldAt): string[] {
  if (!Array.isArray(value)) throw badShape(at, 'must be an array of strings');
  return value.map((item, index) => expectString(item, child(at, index)));
}
