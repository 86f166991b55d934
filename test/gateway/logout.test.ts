import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/index.js';
import { assertSameOrigin } from '../../src/gateway/same-origin.js';

const URL_ = new URL('https://gw.example/auth/logout');
const check = (headers: Record<string, string>) => () =>
  assertSameOrigin(new Request(URL_, { method: 'POST', headers }), URL_.origin, ['https://spa.example']);

describe('assertSameOrigin', () => {
  const accepted: Record<string, string>[] = [
    {},
    { Origin: 'https://gw.example' },
    { 'Sec-Fetch-Site': 'same-origin' },
    { 'Sec-Fetch-Site': 'none' },
    // An origin in CORS_ORIGINS is trusted (its fetches are same-site or cross-site by nature).
    { Origin: 'https://spa.example', 'Sec-Fetch-Site': 'cross-site' },
  ];
  const refused: Record<string, string>[] = [
    { Origin: 'https://evil.example' },
    { Origin: 'http://gw.example' },
    { Origin: 'null' },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site' },
    { Origin: 'https://gw.example', 'Sec-Fetch-Site': 'cross-site' },
    { Origin: 'https://spa.example.evil', 'Sec-Fetch-Site': 'cross-site' },
  ];

  it.each(accepted)('accepts %j', (headers) => {
    expect(check(headers)).not.toThrow();
  });

  it.each(refused)('refuses %j with 403 cross_site_request', (headers) => {
    let thrown: unknown;
    try {
      check(headers)();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(thrown).toMatchObject({ code: 'cross_site_request', status: 403 });
  });
});
