import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, singleParam } from '../../src/gateway/query.js';
import { refusal } from './refusal.js';

const url = (query: string) => new URL(`https://gw.example/p?${query}`);
const options = { required: true, maxLength: 10 } as const;

describe('singleParam', () => {
  it('reads one value, decoded', () => {
    expect(singleParam(url('code=a%2Fb'), 'code', options)).toBe('a/b');
    expect(singleParam(url('x=1'), 'code', { ...options, required: false })).toBeNull();
  });

  it.each([
    ['missing', 'x=1'],
    ['repeated', 'code=a&code=b'],
    ['empty', 'code='],
    ['too long', 'code=12345678901'],
    ['non-ASCII', 'code=%C3%A9'],
    ['space', 'code=a+b'],
    ['control character', 'code=a%0Ab'],
  ])('refuses a %s value with 400 and the given code', (_label, query) => {
    const error = refusal(() => singleParam(url(query), 'code', { ...options, code: 'invalid_state' }));
    expect(error).toMatchObject({ code: 'invalid_state', status: 400 });
  });

  it('refuses an oversized query string before parsing it', () => {
    const error = refusal(() =>
      singleParam(url(`code=a&pad=${'x'.repeat(MAX_QUERY_LENGTH)}`), 'code', options),
    );
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
  });
});
