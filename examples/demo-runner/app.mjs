/**
 * The demo runner: a real Mastra app (`@mastra/core` + `@mastra/hono`) with one tool (no model,
 * no API key needed), Mastra's own `/api/*` routes protected by {@link gatewayAuth}, and two
 * routes of its own that show what the runner received from the gateway:
 * - `GET /` an HTML page;
 * - `GET /api/whoami` JSON `{ user, headers }`.
 *
 * @module
 */
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { forwardedUser, gatewayAuth } from './gateway-auth.mjs';

/** Headers echoed by `/api/whoami` (never `Authorization` or `Cookie` values). */
const SHOWN_HEADERS = ['x-mastra-user-id', 'x-mastra-user', 'x-forwarded-host', 'x-forwarded-proto'];

const echoTool = createTool({
  id: 'echo',
  description: 'Returns its input.',
  execute: async (input) => input,
});

/** What the runner tells about the request it received. */
export function describeRequest(request) {
  const headers = {};
  for (const name of SHOWN_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return {
    user: forwardedUser(request),
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

/** The demo page: who the runner thinks you are, and a logout button. */
export function renderPage(request) {
  const seen = describeRequest(request);
  const who = seen.user
    ? `<p>Signed in as <strong>${escapeHtml(String(seen.user.name ?? seen.user.id))}</strong> (${escapeHtml(String(seen.user.email ?? ''))})</p>`
    : '<p>No user was forwarded (public path).</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mastra demo runner</title>
<style>body{font:16px system-ui;margin:2rem;max-width:48rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style></head>
<body><h1>Mastra demo runner</h1>${who}
<h2>What the runner received</h2><pre>${escapeHtml(JSON.stringify(seen, null, 2))}</pre>
<p><a href="/api/whoami">/api/whoami</a> · <a href="/api/tools">/api/tools</a> (Mastra) · <a href="/auth/me">/auth/me</a> (gateway)</p>
<button id="logout">Log out</button>
<script>document.getElementById('logout').onclick=async()=>{const r=await fetch('/auth/logout',{method:'POST'});const b=await r.json();document.body.insertAdjacentHTML('beforeend','<pre>'+JSON.stringify(b,null,2)+'</pre>');};</script>
</body></html>`;
}

/**
 * Builds the demo runner's fetch handler.
 *
 * @returns {Promise<(request: Request) => Promise<Response>>}
 */
export async function createDemoRunner() {
  const mastra = new Mastra({ tools: { echo: echoTool }, server: { auth: gatewayAuth }, logger: false });
  const app = new Hono();
  app.get('/', (c) => c.html(renderPage(c.req.raw)));
  await new MastraServer({ app, mastra }).init();
  // Mastra's auth guards only Mastra's own routes; this one shows whatever arrived (the gateway decided).
  app.get('/api/whoami', (c) => c.json(describeRequest(c.req.raw)));
  return async (request) => app.fetch(request);
}
