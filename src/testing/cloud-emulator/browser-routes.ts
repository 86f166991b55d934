/** The browser routes: `GET /auth/oss` (sign-in, answers with the code) and `GET /auth/logout`. */
import type { RouteContext } from './context.js';
import { CODE_CHALLENGE } from './encoding.js';
import { errorResponse, redirectResponse } from './responses.js';
import { isHttpUrl } from './validate.js';

const MAX_STATE_LENGTH = 4096;

/** The one value of a query parameter; `null` when it is missing or repeated. */
function single(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  return values.length === 1 ? (values[0] ?? null) : null;
}

/**
 * `GET /auth/oss?project_id&redirect_uri&state&code_challenge&code_challenge_method=S256`:
 * signs the login user in and answers 302 to `redirect_uri` with `code` and `state` added
 * (its own query parameters kept). Without `autoApprove`, it first shows a sign-in page whose
 * "Continue as ..." button repeats the request with `approve=1`.
 */
export function handleOss(ctx: RouteContext, autoApprove = true): Response {
  const params = ctx.url.searchParams;
  const projectId = single(params, 'project_id');
  if (projectId === null) return errorResponse(400, 'invalid_project', 'project_id is required, once');
  if (projectId !== ctx.projectId)
    return errorResponse(400, 'invalid_project', 'project_id does not match this project');
  const redirectUri = single(params, 'redirect_uri');
  if (!isHttpUrl(redirectUri) || redirectUri.includes('#')) {
    return errorResponse(
      400,
      'invalid_redirect_uri',
      'redirect_uri must be an absolute http(s) URL without fragment, given once',
    );
  }
  const state = single(params, 'state');
  if (state === null || state.length === 0 || state.length > MAX_STATE_LENGTH) {
    return errorResponse(
      400,
      'invalid_state',
      `state is required, once, at most ${MAX_STATE_LENGTH} characters`,
    );
  }
  const challenge = single(params, 'code_challenge');
  if (challenge === null || !CODE_CHALLENGE.test(challenge)) {
    return errorResponse(400, 'invalid_code_challenge', 'code_challenge must be 43 base64url characters');
  }
  if (single(params, 'code_challenge_method') !== 'S256') {
    return errorResponse(400, 'invalid_code_challenge_method', 'code_challenge_method must be S256');
  }
  const user = ctx.store.users.get(ctx.store.loginUserId);
  if (user === undefined) return errorResponse(500, 'internal_error', 'The login user does not exist');
  if (!autoApprove && single(params, 'approve') !== '1') return signInPage(params, user);
  const code = ctx.store.createCode(user.id, challenge, redirectUri);
  // Appended to the raw query so the redirect_uri's own parameters stay byte for byte.
  const target = new URL(redirectUri);
  const added = `code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`;
  target.search = target.search.length > 1 ? `${target.search}&${added}` : added;
  return redirectResponse(target.href);
}

/** The emulator's sign-in page: who would be signed in, and a button that says so. */
function signInPage(params: URLSearchParams, user: { name?: string; email: string }): Response {
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const fields = [...params]
    .filter(([name]) => name !== 'approve')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const who = user.name === undefined ? user.email : `${user.name} (${user.email})`;
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Mastra Cloud emulator</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:32rem;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><h1>Sign in to Mastra Cloud</h1><p>Local emulator: no password.</p>
<form method="get" action="/auth/oss">${fields}<input type="hidden" name="approve" value="1">
<button type="submit">Continue as ${escapeHtml(who)}</button></form></body></html>`;
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** `GET /auth/logout?redirect_uri`: answers 302 to `redirect_uri`. */
export function handleLogout(ctx: RouteContext): Response {
  const redirectUri = single(ctx.url.searchParams, 'redirect_uri');
  if (!isHttpUrl(redirectUri)) {
    return errorResponse(
      400,
      'invalid_redirect_uri',
      'redirect_uri must be an absolute http(s) URL, given once',
    );
  }
  return redirectResponse(new URL(redirectUri).href);
}
