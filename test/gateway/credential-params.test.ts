import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_PARAMS,
  hasCredentialParam,
  withoutCredentialParams,
} from '../../src/gateway/credential-params.js';

const safePair = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9%+._~-]{0,12}$/))
  .filter(([name]) => !CREDENTIAL_PARAMS.has(name))
  .map(([name, value]) => `${name}=${value}`);
const credentialPair = fc
  .tuple(fc.constantFrom(...CREDENTIAL_PARAMS), fc.boolean(), fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/))
  .map(([name, upper, value]) => `${upper ? name.toUpperCase() : name}=${value}`);

describe('credential query parameters', () => {
  it('removes every credential parameter and keeps every other pair byte for byte, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(safePair, credentialPair), { maxLength: 8 }), (pairs) => {
        const kept = pairs.filter((pair) => !CREDENTIAL_PARAMS.has(pair.split('=')[0]?.toLowerCase() ?? ''));
        const search = pairs.length === 0 ? '' : `?${pairs.join('&')}`;
        expect(withoutCredentialParams(search)).toBe(kept.length === 0 ? '' : `?${kept.join('&')}`);
        expect(hasCredentialParam(search)).toBe(kept.length !== pairs.length);
      }),
    );
  });

  it('decodes names as URLSearchParams does, so an encoded name cannot slip through', () => {
    expect(withoutCredentialParams('?api%4Bey=s&x=1')).toBe('?x=1');
    expect(withoutCredentialParams('?access%5Ftoken=s')).toBe('');
    expect(withoutCredentialParams('?a=1&token')).toBe('?a=1');
    expect(hasCredentialParam('?tokens=1&x=token')).toBe(false);
  });
});
