/**
 * The wire profiles: for each, the API prefix, how an answer is processed (enveloped or raw),
 * the request bodies, the answer parsers and the browser logout query. The client holds one and
 * never asks which it is.
 *
 * @see CONTRACT.md sections 1 (v1) and 1b (released)
 * @module
 */
import { isBearerToken } from '../http/authorization.js';
import type { CloudCapabilities, CloudWire } from './api.js';
import { processEnvelope } from './envelope.js';
import { processRaw } from './raw.js';
import { parseReleasedExchange, parseReleasedSession, parseReleasedVerify } from './released-wire.js';
import type { CloudSession, CloudUserProfile } from './types.js';
import {
  parseCallbackData,
  parseDestroyData,
  parsePermissionsData,
  parseSessionData,
  parseUserData,
  parseVerifyData,
  type VerifyData,
} from './wire.js';

/** What a code exchange answered: the user and session when the profile's callback names them. */
export interface ExchangeAnswer {
  token: string;
  user?: CloudUserProfile;
  session?: CloudSession;
  /** The token's lifetime from now, when the callback gives one instead of a session. */
  expiresInSeconds?: number;
}

/** What a session validation answered; `id` is absent when the session is the token itself. */
export type SessionAnswer = Omit<CloudSession, 'id'> & { id?: string };

/** Options of answer processing (see `processEnvelope` / `processRaw`). */
export interface ProcessOptions {
  maxBytes: number;
  signal: AbortSignal;
  redact: readonly string[];
  /** Any 2xx will do; the body is not read (raw profiles' destroy). */
  ignoreBody?: boolean;
}

/** Everything that differs between two Clouds. */
export interface WireProfile {
  readonly wire: CloudWire;
  readonly capabilities: CloudCapabilities;
  /** Prefix of API paths when the `apiPrefix` option is not given. */
  readonly defaultApiPrefix: string;
  /** Answer -> validated value (the envelope's `data`, or the raw body). */
  process<T>(
    response: Response,
    parse: (data: unknown) => T,
    label: string,
    opts: ProcessOptions,
  ): Promise<T>;
  exchangeBody(p: { code: string; codeVerifier: string; redirectUri: string }): Record<string, string>;
  parseExchange(data: unknown): ExchangeAnswer;
  parseVerify(data: unknown): VerifyData;
  parseSession(data: unknown): SessionAnswer;
  /** Body of the session destroy call, if it has one. */
  destroyBody(sessionId: string): Record<string, string> | undefined;
  parseDestroy(data: unknown): void;
  /** Whether the destroy answer's body is read (validated) or any 2xx will do. */
  readonly destroyIgnoresBody: boolean;
  parseUser(data: unknown): CloudUserProfile;
  parsePermissions(data: unknown): string[];
  /** Query of the browser logout URL. */
  logoutQuery(redirectUri: string, idTokenHint: string | undefined): Record<string, string>;
}

/** Seed 001's wire: `/api/v1`, `{ ok, data }` envelope, snake_case, users and permissions endpoints. */
export const V1_PROFILE: WireProfile = {
  wire: 'v1',
  capabilities: Object.freeze({ hasUsersEndpoint: true, callbackReturnsSession: true }),
  defaultApiPrefix: '/api/v1',
  process: (response, parse, label, opts) => processEnvelope(response, parse, label, opts),
  exchangeBody: (p) => ({ code: p.code, code_verifier: p.codeVerifier, redirect_uri: p.redirectUri }),
  parseExchange: parseCallbackData,
  parseVerify: parseVerifyData,
  parseSession: parseSessionData,
  destroyBody: (sessionId) => ({ sessionId }),
  parseDestroy: parseDestroyData,
  destroyIgnoresBody: false,
  parseUser: parseUserData,
  parsePermissions: parsePermissionsData,
  logoutQuery: (redirectUri) => ({ redirect_uri: redirectUri }),
};

/** What `@mastra/auth-cloud` 1.1.x speaks: root paths, raw JSON, the access token as the session. */
export const RELEASED_PROFILE: WireProfile = {
  wire: 'released',
  capabilities: Object.freeze({ hasUsersEndpoint: false, callbackReturnsSession: false }),
  defaultApiPrefix: '',
  process: (response, parse, label, opts) => processRaw(response, parse, label, opts),
  exchangeBody: (p) => ({ code: p.code, redirect_uri: p.redirectUri, code_verifier: p.codeVerifier }),
  parseExchange: parseReleasedExchange,
  parseVerify: parseReleasedVerify,
  parseSession: parseReleasedSession,
  destroyBody: () => undefined,
  parseDestroy: () => {},
  destroyIgnoresBody: true,
  parseUser: () => {
    throw new Error('the released profile has no users endpoint');
  },
  parsePermissions: () => {
    throw new Error('the released profile has no permissions endpoint');
  },
  logoutQuery: (redirectUri, idTokenHint) => ({
    post_logout_redirect_uri: redirectUri,
    // Cloud's own logout parameter: the one place a token goes into a URL this package builds.
    ...(idTokenHint !== undefined && isBearerToken(idTokenHint) && { id_token_hint: idTokenHint }),
  }),
};

/** The profile of a wire name. */
export function profileOf(wire: CloudWire): WireProfile {
  return wire === 'released' ? RELEASED_PROFILE : V1_PROFILE;
}
