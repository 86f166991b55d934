import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getRequestHeader, type HeaderSource } from '../../src/mastra/index.js';

const NAME = 'X-Token';
const VALUE = 'abc';

/** Every request shape getRequestHeader supports, each carrying `X-Token: abc`. */
function shapes(name = NAME, value = VALUE): Array<[string, HeaderSource]> {
  const request = new Request('https://r', { headers: { [name]: value } });
  return [
    ['fetch Request', request],
    ['Headers', new Headers({ [name]: value })],
    ['{ raw } wrapper', { raw: request }],
    [
      'Hono-style wrapper',
      { raw: request, headers: request.headers, header: (n) => request.headers.get(n) ?? undefined },
    ],
    ['{ headers: Headers }', { headers: new Headers({ [name]: value }) }],
    ['object with header()', { header: (n) => (n.toLowerCase() === name.toLowerCase() ? value : undefined) }],
    ['{ headers: record }', { headers: { [name]: value } }],
    ['{ headers: record with array }', { headers: { [name]: [value, 'second'] } }],
    ['plain record', { [name]: value }],
    ['plain record with array', { [name]: [value] }],
  ];
}

describe('getRequestHeader', () => {
  it.each(shapes())('reads a header from a %s', (_label, source) => {
    expect(getRequestHeader(source, NAME)).toBe(VALUE);
    expect(getRequestHeader(source, 'x-missing')).toBeNull();
  });

  it('is case-insensitive on every shape (property)', () => {
    const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
    const headerValue = fc.stringMatching(/^[\x21-\x7E]{1,20}$/);
    fc.assert(
      fc.property(
        headerName,
        headerValue,
        fc.array(fc.boolean(), { minLength: 22, maxLength: 22 }),
        (name, value, flips) => {
          const asked = [...name].map((ch, i) => (flips[i] ? ch.toUpperCase() : ch.toLowerCase())).join('');
          for (const [label, source] of shapes(name, value)) {
            expect(getRequestHeader(source, asked), label).toBe(value);
          }
        },
      ),
    );
  });

  it('returns null and never throws for odd inputs', () => {
    const throwing = {
      get headers(): never {
        throw new Error('getter');
      },
    };
    const throwingHeader = {
      header: () => {
        throw new Error('header()');
      },
    };
    const cases: unknown[] = [
      null,
      undefined,
      'x-token: abc',
      42,
      throwing,
      throwingHeader,
      { header: () => 7 },
      { 'X-Token': 7 },
    ];
    for (const source of cases) {
      // @ts-expect-error: deliberately outside the declared shapes
      expect(getRequestHeader(source, NAME)).toBeNull();
    }
    expect(getRequestHeader(new Headers(), 'bad name')).toBeNull();
    expect(getRequestHeader(new Headers({ a: '1' }), '')).toBeNull();
  });

  it('reads only own keys of a plain record', () => {
    const inherited = Object.create({ 'x-token': 'inherited' }) as Record<string, string>;
    expect(getRequestHeader(inherited, NAME)).toBeNull();
    expect(getRequestHeader({}, 'constructor')).toBeNull();
  });

  it('prefers the wrapped fetch Request over a divergent header()', () => {
    const raw = new Request('https://r', { headers: { [NAME]: 'from-raw' } });
    expect(getRequestHeader({ raw, header: () => 'from-header' }, NAME)).toBe('from-raw');
  });
});
