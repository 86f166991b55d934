/**
 * The few HTML pages the gateway shows a person: an error met by navigation, and "Signed out".
 * One line of what happened and one link; no internal detail, no script, nothing fetched.
 *
 * @module
 */

/** A link on a page. */
export interface PageLink {
  readonly href: string;
  readonly text: string;
}

/** What a page says. */
export interface Page {
  readonly title: string;
  readonly message: string;
  readonly link: PageLink;
  /** Render the link as a button (a form GET), e.g. "Sign in". */
  readonly button?: boolean;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Whether the client would rather read HTML than JSON: `Accept` gives `text/html` a weight above
 * zero and at least that of `application/json`, and the request is not a script's `fetch`
 * (`Sec-Fetch-Mode` absent or `navigate`). Browsers navigating or posting a form qualify;
 * `fetch`, curl and API clients do not.
 *
 * @param request - the incoming request
 * @returns true for a page load or form submission
 */
export function prefersHtml(request: Request): boolean {
  const mode = request.headers.get('Sec-Fetch-Mode');
  if (mode !== null && mode !== 'navigate') return false;
  const accept = request.headers.get('Accept');
  if (accept === null || accept.length > 1024) return false;
  let html = 0;
  let json = 0;
  for (const range of accept.toLowerCase().split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'text/html') html = Math.max(html, q);
    else if (type === 'application/json') json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}

/**
 * A small HTML page made by the gateway.
 *
 * @param status - HTTP status
 * @param page - title, one-line message, one link
 * @param headers - extra headers (`WWW-Authenticate`, `Retry-After`) and cookies to set
 * @returns the response
 */
export function htmlResponse(
  status: number,
  page: Page,
  headers: { readonly set?: Readonly<Record<string, string>>; readonly cookies?: readonly string[] } = {},
): Response {
  const out = new Headers(SECURITY_HEADERS);
  for (const [name, value] of Object.entries(headers.set ?? {})) out.set(name, value);
  for (const cookie of headers.cookies ?? []) out.append('Set-Cookie', cookie);
  const action = page.button
    ? `<form method="get" action="${escapeHtml(page.link.href)}"><button type="submit">${escapeHtml(page.link.text)}</button></form>`
    : `<p><a href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>`;
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:32rem;padding:0 1rem;color:#222}button{font:inherit;padding:.4rem 1rem}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>${action}</body></html>`;
  return new Response(body, { status, headers: out });
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @param text - any text
 * @returns the escaped text
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
