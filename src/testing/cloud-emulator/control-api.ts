/**
 * The optional control API under `/__emulator/`, for tests and demos that reach the emulator
 * over HTTP (a separate Worker or Node process). Same envelope as the Cloud API; every body is
 * validated like any other input.
 */
import { errorResponse, okResponse } from './responses.js';
import type { EmulatorFault, EmulatorRoute, EmulatorUser } from './types.js';
import { checkFault, checkUser, isIdString, isPositiveInteger, isRecord, unknownKeys } from './validate.js';

/** What the control API drives. */
export interface ControlTarget {
  hasUser(userId: string): boolean;
  addUser(user: EmulatorUser): void;
  setLoginUser(userId: string): void;
  issueToken(userId: string, opts?: { ttlSeconds?: number }): string;
  /** A project API token; throws TypeError on a v1 emulator. */
  issueApiToken(): string;
  revokeToken(token: string): void;
  injectFault(fault: EmulatorFault): void;
  clearFaults(): void;
  counts(): Record<EmulatorRoute, number>;
  reset(): void;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_TOKEN_LENGTH = 4096;

type Body = { ok: true; value: Record<string, unknown> } | { ok: false; response: Response };

async function readJson(request: Request): Promise<Body> {
  const type = request.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return {
      ok: false,
      response: errorResponse(400, 'invalid_content_type', 'Send JSON with Content-Type: application/json'),
    };
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES)
    return { ok: false, response: errorResponse(413, 'body_too_large', 'Body too large') };
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return { ok: true, value: parsed };
  } catch {
    return { ok: false, response: errorResponse(400, 'invalid_json', 'The body is not valid JSON') };
  }
  return { ok: false, response: errorResponse(400, 'invalid_body', 'The body must be a JSON object') };
}

function badRequest(message: string): Response {
  return errorResponse(400, 'invalid_request', message);
}

function unknownUser(): Response {
  return errorResponse(404, 'not_found', 'No such user');
}

/** Routes of the control API: action -> method -> handler. */
const ACTIONS: Record<
  string,
  Partial<Record<string, (request: Request, target: ControlTarget) => Promise<Response>>>
> = {
  tokens: {
    POST: async (request, target) => {
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const { userId, ttlSeconds } = body.value;
      if (unknownKeys(body.value, ['userId', 'ttlSeconds']).length > 0)
        return badRequest('Allowed fields: userId, ttlSeconds');
      if (!isIdString(userId)) return badRequest('userId must be a non-empty string');
      if (ttlSeconds !== undefined && !isPositiveInteger(ttlSeconds))
        return badRequest('ttlSeconds must be a positive integer');
      if (!target.hasUser(userId)) return unknownUser();
      return okResponse({
        token: target.issueToken(userId, ttlSeconds === undefined ? undefined : { ttlSeconds }),
      });
    },
  },
  'api-tokens': {
    POST: async (_request, target) => {
      try {
        return okResponse({ token: target.issueApiToken() });
      } catch (error) {
        return errorResponse(400, 'wrong_wire', error instanceof Error ? error.message : 'No API tokens');
      }
    },
  },
  revoke: {
    POST: async (request, target) => {
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const { token } = body.value;
      if (unknownKeys(body.value, ['token']).length > 0) return badRequest('Allowed fields: token');
      if (!isIdString(token, MAX_TOKEN_LENGTH)) return badRequest('token must be a non-empty string');
      target.revokeToken(token);
      return okResponse({});
    },
  },
  'login-user': {
    POST: async (request, target) => {
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const { userId } = body.value;
      if (unknownKeys(body.value, ['userId']).length > 0) return badRequest('Allowed fields: userId');
      if (!isIdString(userId)) return badRequest('userId must be a non-empty string');
      if (!target.hasUser(userId)) return unknownUser();
      target.setLoginUser(userId);
      return okResponse({});
    },
  },
  users: {
    POST: async (request, target) => {
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const user = checkUser(body.value);
      if (!user.ok) return badRequest(user.message);
      target.addUser(user.value);
      return okResponse({});
    },
  },
  faults: {
    POST: async (request, target) => {
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const fault = checkFault(body.value);
      if (!fault.ok) return badRequest(fault.message);
      target.injectFault(fault.value);
      return okResponse({});
    },
    DELETE: async (_request, target) => {
      target.clearFaults();
      return okResponse({});
    },
  },
  counts: {
    GET: async (_request, target) => okResponse(target.counts()),
  },
  reset: {
    POST: async (_request, target) => {
      target.reset();
      return okResponse({});
    },
  },
};

/**
 * Answers a control API request.
 *
 * @param request - the request (its body is consumed).
 * @param action - the path after `/__emulator/`.
 * @param target - the emulator to drive.
 */
export async function handleControl(
  request: Request,
  action: string,
  target: ControlTarget,
): Promise<Response> {
  const methods = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (methods === undefined) return errorResponse(404, 'not_found', 'No such control action');
  const handler = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
  if (handler === undefined) {
    return errorResponse(405, 'method_not_allowed', 'Method not allowed', {
      Allow: Object.keys(methods).join(', '),
    });
  }
  return handler(request, target);
}
