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

/** `SessionWire = { id, user_id, expires_at, created_at }`. */
export function toSessionWire(session: SessionRecord): Record<string, unknown> {
  return {
    id: session.id,
    user_id: session.userId,
    expires_at: new Date(session.expiresAt).toISOString(),
    created_at: new Date(session.createdAt).toISOString(),
  };
}
