/**
 * Enforces the request side of wire contract v1 before any route logic runs, answering every
 * violation with a 400 envelope whose `code` names it. A strict emulator is how client bugs
 * (a missing header, a token in a URL, a GET with a body) surface in tests.
 *
 * @see CONTRACT.md section 1
 */
import { errorResponse } from './responses.js';
import type { RouteSpec } from './routes.js';
import type { EmulatorWire } from './types.js';
import { isRecord } from './validate.js';

/** What passed the checks: the bearer token (if any) and the JSON body (routes with `body: 'json'`). */
export type ContractResult =
  | { ok: true; token: string | undefined; body: Record<string, unknown> | undefined }
  | { ok: false; response: Response };

/** The largest request body the emulator reads. */
const MAX_BODY_BYTES = 64 * 1024;

/** `Bearer <token68>` (RFC 6750 section 2.1), with exactly one space. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

const decoder = new TextDecoder('utf-8', { fatal: true });

function violation(
  code: string,
  message: string,
  status = 400,
  headers?: Record<string, string>,
): ContractResult {
  return { ok: false, response: errorResponse(status, code, message, headers) };
}

/**
 * Checks method, query, headers and body of a request for a Cloud route.
 *
 * @param request - the incoming request (its body is consumed).
 * @param spec - the matched route.
 * @param projectId - the expected `X-Project-ID`.
 * @returns the bearer token and parsed body, or the 4xx answer to send.
 */
export async function enforceContract(
  request: Request,
  spec: RouteSpec,
  projectId: string,
  wire: EmulatorWire = 'v1',
): Promise<ContractResult> {
  if (request.method !== spec.method) {
    return violation('method_not_allowed', `Use ${spec.method} for this route`, 405, { Allow: spec.method });
  }
  const names: string[] = [];
  new URL(request.url).searchParams.forEach((_value, name) => {
    names.push(name);
  });
  const allowed = spec.credentialParams ?? [];
  const credential = names.find((name) => isCredentialName(name) && !allowed.includes(name));
  if (credential !== undefined) {
    return violation(
      'token_in_query',
      `Credentials must not be sent in the query string (parameter ${credential})`,
    );
  }
  if (spec.api) {
    const project = request.headers.get('X-Project-ID');
    if (project === null) return violation('invalid_project', 'Missing X-Project-ID header');
    if (project !== projectId)
      return violation('invalid_project', 'X-Project-ID does not match this project');
    if (!acceptsJson(request.headers.get('Accept'))) {
      return violation('invalid_accept', 'The Accept header must allow application/json');
    }
  }
  const authorization = request.headers.get('Authorization');
  let token: string | undefined;
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    if (match?.[1] === undefined) {
      return violation('invalid_authorization', 'Authorization must be exactly "Bearer <token>"');
    }
    token = match[1];
  } else if (spec.bearer) {
    return violation(
      'missing_authorization',
      'This call acts for a user: send Authorization: Bearer <token>',
    );
  }
  if (spec.method === 'GET') {
    if (hasBody(request)) return violation('body_not_allowed', 'GET requests must not carry a body');
    return { ok: true, token, body: undefined };
  }
  return readBody(request, spec, token, wire);
}

async function readBody(
  request: Request,
  spec: RouteSpec,
  token: string | undefined,
  wire: EmulatorWire,
): Promise<ContractResult> {
  const length = request.headers.get('Content-Length');
  if (length !== null && Number(length) > MAX_BODY_BYTES) {
    return violation('body_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`, 413);
  }
  const bytes = request.body === null ? new Uint8Array(0) : new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return violation('body_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`, 413);
  }
  if (spec.body === 'none') {
    if (bytes.byteLength > 0 && wire === 'released' && spec.route === 'session.destroy') {
      return violation(
        'wrong_wire',
        'This Cloud speaks the released wire: session destroy takes no body (the Bearer token is the session)',
      );
    }
    if (bytes.byteLength > 0) return violation('body_not_allowed', 'This call takes no body');
    return { ok: true, token, body: undefined };
  }
  if (mediaType(request.headers.get('Content-Type')) !== 'application/json') {
    return violation('invalid_content_type', 'JSON bodies must be sent with Content-Type: application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    return violation('invalid_json', 'The body is not valid JSON');
  }
  if (!isRecord(parsed)) return violation('invalid_body', 'The body must be a JSON object');
  if (wire === 'released' && (Object.hasOwn(parsed, 'ok') || Object.hasOwn(parsed, 'data'))) {
    return violation(
      'wrong_wire',
      'This Cloud speaks the released wire: bodies are raw JSON, not a {ok,data} envelope',
    );
  }
  return { ok: true, token, body: parsed };
}

/**
 * A GET carries a body when the runtime kept one, or when the framing headers announce one
 * (fetch `Request` cannot hold a GET body, so adapters drop it but keep the headers).
 */
function hasBody(request: Request): boolean {
  if (request.body !== null) return true;
  const length = request.headers.get('Content-Length');
  return (length !== null && length.trim() !== '0') || request.headers.has('Transfer-Encoding');
}

/** The lower-cased media type of a `Content-Type`, without parameters. */
function mediaType(value: string | null): string | undefined {
  return value?.split(';')[0]?.trim().toLowerCase();
}

/** Whether an `Accept` header lets the answer be `application/json` (a missing one does not: the contract says send it). */
export function acceptsJson(accept: string | null): boolean {
  if (accept === null) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Query parameter names that would carry a credential (`token`, `access_token`, `jwt`, `apiKey`, ...). */
export function isCredentialName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    normalized.includes('token') ||
    normalized.includes('jwt') ||
    normalized.includes('apikey') ||
    ['authorization', 'bearer', 'key', 'secret', 'password', 'session', 'sessionid'].includes(normalized)
  );
}
