import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOUD_ERROR_CODES,
  CloudApiError,
  ConfigError,
  EdgeAuthError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorFamily,
  INVALID_REQUEST_CODES,
  InvalidRequestError,
  isRejection,
  isUnavailable,
  RateLimitedError,
  StorageUnavailableError,
} from '../../src/errors/index.js';
import { errorResponse } from '../../src/gateway/error-response.js';

/** The family each code implies (one code, one family: a switch on `code` never needs `family`). */
const FAMILY: Record<ErrorCode, ErrorFamily> = {
  invalid_token: 'rejected',
  token_expired: 'rejected',
  token_revoked: 'rejected',
  invalid_grant: 'rejected',
  invalid_project: 'misconfigured',
  not_implemented: 'rejected',
  timeout: 'unavailable',
  network_error: 'unavailable',
  bad_response: 'unavailable',
  redirect: 'unavailable',
  circuit_open: 'unavailable',
  cloud_rejected: 'rejected',
  cloud_unavailable: 'unavailable',
  invalid_request: 'rejected',
  invalid_state: 'rejected',
  invalid_cookie: 'rejected',
  invalid_redirect: 'rejected',
  invalid_authorization: 'rejected',
  method_not_allowed: 'rejected',
  cross_site_request: 'rejected',
  invalid_config: 'misconfigured',
  storage_unavailable: 'unavailable',
  rate_limited: 'unavailable',
};

/** An error of each code, built the way the package builds it. */
function errorFor(code: ErrorCode): EdgeAuthError {
  if (code === 'invalid_config') return new ConfigError('SESSION_SECRET', 'SESSION_SECRET is missing');
  if (code === 'storage_unavailable') return new StorageUnavailableError('KV is down');
  if (code === 'rate_limited') return new RateLimitedError('slow down', 5);
  const invalid = INVALID_REQUEST_CODES.find((candidate) => candidate === code);
  if (invalid !== undefined) return new InvalidRequestError(invalid, 'refused');
  const status = { cloud_rejected: 400, cloud_unavailable: 503, not_implemented: 501 }[code as string] ?? 401;
  return new CloudApiError('Cloud said so', { status: code === 'timeout' ? 0 : status, code });
}

describe('error codes', () => {
  it('lists every code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(FAMILY).sort());
  });

  it.each(ERROR_CODES)('%s: an EdgeAuthError with its family and a status that fits it', (code) => {
    const error = errorFor(code);
    expect(error).toBeInstanceOf(EdgeAuthError);
    expect(error.code).toBe(code);
    expect(error.family).toBe(FAMILY[code]);
    expect(isUnavailable(error)).toBe(FAMILY[code] === 'unavailable');
    expect(isRejection(error)).toBe(FAMILY[code] === 'rejected');
    // A CloudApiError's status is Cloud's (0 when there was no answer); the others carry the gateway's.
    if (!(error instanceof CloudApiError)) {
      expect(error.status).toBe(
        code === 'rate_limited'
          ? 429
          : { rejected: error.status, unavailable: 503, misconfigured: 500 }[FAMILY[code]],
      );
    }
  });

  it.each(ERROR_CODES)(
    '%s: the gateway answers it by family (4xx, 503 + Retry-After, 500), no detail leaked',
    async (code) => {
      const response = await errorResponse(errorFor(code), {
        request: new Request('https://gw.example/api/x'),
        onError: () => {},
      });
      const family = FAMILY[code];
      if (family === 'rejected') {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status === 501 || response.status < 500).toBe(true);
      }
      if (family === 'unavailable') {
        expect(response.status).toBe(code === 'rate_limited' ? 429 : 503);
        expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
      }
      if (family === 'misconfigured') expect(response.status).toBe(500);
      const body = (await response.json()) as { error: unknown };
      expect(typeof body.error).toBe('string');
    },
  );
});

describe('CloudApiError', () => {
  it('keeps Cloud known codes, and what Cloud sent in cloudCode', () => {
    const error = new CloudApiError('no', { status: 401, code: 'token_expired' });
    expect(error).toMatchObject({ code: 'token_expired', cloudCode: 'token_expired', family: 'rejected' });
  });

  it('folds an unknown Cloud code into cloud_rejected / cloud_unavailable by status', () => {
    expect(new CloudApiError('x', { status: 404, code: 'not_found' })).toMatchObject({
      code: 'cloud_rejected',
      cloudCode: 'not_found',
    });
    expect(new CloudApiError('x', { status: 503, code: 'busy' })).toMatchObject({
      code: 'cloud_unavailable',
      cloudCode: 'busy',
    });
    expect(new CloudApiError('x', { status: 500 })).toMatchObject({
      code: 'cloud_unavailable',
      cloudCode: undefined,
    });
  });

  it('any status and code give a listed code whose family is the error family', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 599 }),
        fc.option(fc.oneof(fc.constantFrom(...CLOUD_ERROR_CODES), fc.string({ maxLength: 20 })), {
          nil: undefined,
        }),
        (status, code) => {
          const error = new CloudApiError('x', { status, code });
          expect(CLOUD_ERROR_CODES).toContain(error.code);
          expect(error.family).toBe(FAMILY[error.code]);
          expect(error.cloudCode).toBe(code);
        },
      ),
    );
  });

  it('re-raising with the stable code keeps code and family (the verify cache stores codes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 599 }), fc.string({ maxLength: 20 }), (status, code) => {
        const first = new CloudApiError('x', { status, code });
        const again = new CloudApiError('x', { status, code: first.code });
        expect({ code: again.code, family: again.family }).toEqual({
          code: first.code,
          family: first.family,
        });
      }),
    );
  });
});

describe('the other classes', () => {
  it('ConfigError names its setting, never a value', () => {
    const error = new ConfigError('PROJECT_ID', 'PROJECT_ID is required');
    expect(error).toMatchObject({
      name: 'ConfigError',
      code: 'invalid_config',
      setting: 'PROJECT_ID',
      status: 500,
    });
  });

  it('InvalidRequestError defaults to 400 and takes another 4xx', () => {
    expect(new InvalidRequestError('invalid_cookie', 'x')).toMatchObject({
      status: 400,
      code: 'invalid_cookie',
    });
    expect(new InvalidRequestError('invalid_cookie', 'x', { status: 431 })).toMatchObject({ status: 431 });
  });

  it('StorageUnavailableError keeps its cause', () => {
    const cause = new Error('kv');
    expect(new StorageUnavailableError('down', { cause })).toMatchObject({
      code: 'storage_unavailable',
      status: 503,
      cause,
    });
  });
});
