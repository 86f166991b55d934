/** Responses in the Cloud envelope `{ ok, data?, error?: { message, code, status } }`, and wire shapes. */
import type { SessionRecord } from './store.js';
import type { EmulatorUser } from './types.js';

/** Headers of every JSON answer. */
function jsonHeaders(extra?: Record<string, string>): Headers {
  const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  if (extra !== undefined) for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

/** A success envelope. */
export function okResponse(data: unknown, status = 200): Response {
  return new Response(JSON.stringify({ ok: true, data }), { status, headers: jsonHeaders() });
}

/** A failure envelope with the same status in HTTP and in `error.status`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Response {
  return new Response(JSON.stringify({ ok: false, error: { message, code, status } }), {
    status,
    headers: jsonHeaders(headers),
  });
}

/** A raw JSON body (used by faults to send broken envelopes). */
export function rawJsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: jsonHeaders() });
}

/** A browser redirect (no body). */
export function redirectResponse(location: string, status = 302): Response {
  return new Response(null, { status, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

/** `UserWire = { id, email, name?, avatar_url?, role?, created_at, metadata? }`. */
export function toUserWire(user: EmulatorUser): Record<string, unknown> {
  const wire: Record<string, unknown> = { id: user.id, email: user.email };
  if (user.name !== undefined) wire.name = user.name;
  if (user.avatarUrl !== undefined) wire.avatar_url = user.avatarUrl;
  wire.role = user.role;
  wire.created_at = (user.createdAt ?? new Date(0)).toISOString();
  if (user.metadata !== undefined) wire.metadata = user.metadata;
  return wire;
}

/** The released verify answer of a user token: `{ sub, email, name?, avatar_url?, role }`. */
export function toReleasedUser(user: EmulatorUser): Record<string, unknown> {
  const wire: Record<string, unknown> = { sub: user.id, email: user.email };
  if (user.name !== undefined) wire.name = user.name;
  if (user.avatarUrl !== undefined) wire.avatar_url = user.avatarUrl;
  wire.role = user.role;
  return wire;
}

/**
 * An answer in the released wire: the same answer with its v1 envelope taken off (`data` as the
 * body; an error as `{ code, message }`; `ok: true` without data as `{}`). Answers that are not
 * an envelope (redirects, non-JSON faults) pass unchanged.
 */
export async function toReleasedAnswer(response: Response): Promise<Response> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.startsWith('application/json')) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  if (typeof body !== 'object' || body === null || typeof Reflect.get(body, 'ok') !== 'boolean') {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  let raw: unknown;
  if (Reflect.get(body, 'ok') === true) raw = Reflect.get(body, 'data') ?? {};
  else {
    const error: unknown = Reflect.get(body, 'error');
    const detail = typeof error === 'object' && error !== null ? error : {};
    raw = { code: Reflect.get(detail, 'code'), message: Reflect.get(detail, 'message') };
  }
  return new Response(JSON.stringify(raw), { status: response.status, headers: response.headers });
}

/** `SessionWire = { id, user_id, expires_at, created_at }`. */
export function toSessionWire(session: SessionRecord): Record<string, unknown> {
  return {
    id: session.id,
    user_id: session.userId,
    expires_at: new Date(session.expiresAt).toISOString(),
    created_at: new Date(session.createdAt).toISOString(),
  };
}
