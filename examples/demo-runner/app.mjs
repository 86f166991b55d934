/**
 * The demo runner: a real Mastra app (`@mastra/core` + `@mastra/hono`) with one tool (no model,
 * no API key needed). Mastra's own `/api/*` routes and the two routes of its own are protected
 * by {@link gatewayAuth}: only a request carrying a valid `X-Mastra-Identity` from the gateway
 * gets through.
 * - `GET /` an HTML page: who you are, what arrived, a "Log out" button;
 * - `GET /api/whoami` JSON `{ user, headers, authorization, cookies }`.
 *
 * @module
 */
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { decodeForwardedUser, gatewayAuth } from './gateway-auth.mjs';

/** Headers echoed by `/api/whoami` (never `Authorization` or `Cookie` values). */
const SHOWN_HEADERS = ['x-mastra-user-id', 'x-forwarded-host', 'x-forwarded-proto'];

const echoTool = createTool({
  id: 'echo',
  description: 'Returns its input.',
  execute: async (input) => input,
});

/** What the runner tells about a request whose identity it verified. */
export function describeRequest(request, user) {
  const headers = {};
  for (const name of SHOWN_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return {
    user,
    verifiedBy: 'X-Mastra-Identity',
    forwardedUser: decodeForwardedUser(request.headers.get('x-mastra-user')),
    headers,
    authorization: request.headers.has('authorization') ? 'present' : 'absent',
    cookies: (request.headers.get('cookie') ?? '')
      .split(';')
      .map((pair) => pair.split('=')[0]?.trim())
      .filter(Boolean),
  };
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The demo page: who the runner verified you are, and a logout button (a plain form post). */
export function renderPage(request, user) {
  const seen = describeRequest(request, user);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mastra demo runner</title>
<style>body{font:16px system-ui;margin:2rem;max-width:48rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style></head>
<body><h1>Mastra demo runner</h1>
<p>Signed in as <strong>${escapeHtml(String(user.name ?? user.id))}</strong> (${escapeHtml(String(user.email ?? ''))})</p>
<form method="post" action="/auth/logout"><button type="submit">Log out</button></form>
<h2>What the runner received</h2><pre>${escapeHtml(JSON.stringify(seen, null, 2))}</pre>
<p><a href="/api/whoami">/api/whoami</a> · <a href="/api/tools">/api/tools</a> (Mastra) · <a href="/auth/me">/auth/me</a> (gateway)</p>
</body></html>`;
}

/**
 * Builds the demo runner's fetch handler.
 *
 * @param {{ key: string | object, issuer: string, audience: string }} identity - see `identitySettings`
 * @returns {Promise<(request: Request) => Promise<Response>>}
 */
export async function createDemoRunner(identity) {
  const auth = gatewayAuth(identity);
  const mastra = new Mastra({ tools: { echo: echoTool }, server: { auth }, logger: false });
  const app = new Hono();
  // The runner's own routes check the assertion themselves (Mastra's auth guards only its own routes).
  const verified = async (c) => {
    const user = await auth.authenticateToken('', c.req);
    return user !== null && auth.authorizeUser(user) ? user : null;
  };
  const refused = (c) => c.json({ error: 'unauthorized', message: 'No valid X-Mastra-Identity.' }, 401);
  app.get('/', async (c) => {
    const user = await verified(c);
    return user === null ? refused(c) : c.html(renderPage(c.req.raw, user));
  });
  app.get('/api/whoami', async (c) => {
    const user = await verified(c);
    return user === null ? refused(c) : c.json(describeRequest(c.req.raw, user));
  });
  await new MastraServer({ app, mastra }).init();
  return async (request) => app.fetch(request);
}
