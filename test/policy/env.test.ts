import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { checkHttpUrlSetting, readCloudEnv, readSecret, readSetting } from '../../src/policy/env.js';

describe('readSetting / readSecret', () => {
  it('treats absent, null, empty and whitespace-only as unset; trims settings, keeps secrets as given', () => {
    for (const value of [undefined, null, '', '   ']) {
      expect(readSetting({ X: value }, 'X')).toBeUndefined();
    }
    expect(readSetting({ X: '  proj_1 \n' }, 'X')).toBe('proj_1');
    expect(readSecret({ X: ' s3cret ' }, 'X')).toBe(' s3cret ');
    expect(readSecret({ X: '' }, 'X')).toBeUndefined();
  });

  it('refuses any non-string, naming the setting and never the value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object()), (value) => {
        for (const read of [readSetting, readSecret]) {
          let thrown: unknown;
          try {
            read({ PROJECT_ID: value }, 'PROJECT_ID');
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(ConfigError);
          expect(thrown).toMatchObject({ setting: 'PROJECT_ID', message: 'PROJECT_ID must be a string' });
        }
      }),
    );
  });
});

describe('checkHttpUrlSetting', () => {
  it.each([
    ['ftp://x', 'must be an absolute http(s) URL'],
    ['/relative', 'must be an absolute http(s) URL'],
    ['https://user:pw@x.example', 'must not contain credentials, a query or a fragment'],
    ['https://x.example/?a=1', 'must not contain credentials, a query or a fragment'],
    ['https://x.example/#f', 'must not contain credentials, a query or a fragment'],
  ])('refuses %s', (raw, message) => {
    expect(() => checkHttpUrlSetting('U', raw, { originOnly: false })).toThrow(`U ${message}`);
  });

  it('normalizes, and keeps only the origin when asked', () => {
    expect(checkHttpUrlSetting('U', 'HTTPS://X.example/a/../b', { originOnly: false })).toBe(
      'https://x.example/b',
    );
    expect(checkHttpUrlSetting('U', 'http://127.0.0.1:4111/', { originOnly: true })).toBe(
      'http://127.0.0.1:4111',
    );
    expect(() => checkHttpUrlSetting('U', 'http://x.example/p', { originOnly: true })).toThrow(
      'must be an origin',
    );
  });
});

describe('readCloudEnv', () => {
  it('is off without MASTRA_CLOUD_API_URL; service tokens deduplicated, BUSINESS first', () => {
    expect(readCloudEnv({ PLAYGROUND_JWT_TOKEN: 'p', BUSINESS_JWT_TOKEN: 'b' })).toEqual({
      serviceTokens: ['b', 'p'],
    });
    expect(readCloudEnv({ PLAYGROUND_JWT_TOKEN: 't', BUSINESS_JWT_TOKEN: 't' })).toEqual({
      serviceTokens: ['t'],
    });
  });

  it('reads the Cloud settings', () => {
    expect(
      readCloudEnv({
        MASTRA_CLOUD_API_URL: 'https://cloud.example//',
        PROJECT_ID: 'proj_1',
        MASTRA_CLOUD_CALLBACK_URL: 'https://app.example/auth/callback',
        SESSION_SECRET: 'x'.repeat(32),
      }),
    ).toEqual({
      serviceTokens: [],
      sessionSecret: 'x'.repeat(32),
      cloud: {
        projectId: 'proj_1',
        cloudBaseUrl: 'https://cloud.example',
        callbackUrl: 'https://app.example/auth/callback',
        sessionSecret: 'x'.repeat(32),
      },
    });
  });

  it('checks the URL first, then requires PROJECT_ID, then the callback URL', () => {
    const setting = (env: object) => {
      try {
        readCloudEnv(env);
        return undefined;
      } catch (error) {
        return error instanceof ConfigError ? error.setting : 'other';
      }
    };
    expect(setting({ MASTRA_CLOUD_API_URL: 'nope' })).toBe('MASTRA_CLOUD_API_URL');
    expect(setting({ MASTRA_CLOUD_API_URL: 'https://c.example' })).toBe('PROJECT_ID');
    expect(
      setting({
        MASTRA_CLOUD_API_URL: 'https://c.example',
        PROJECT_ID: 'p',
        MASTRA_CLOUD_CALLBACK_URL: 'https://a/?q',
      }),
    ).toBe('MASTRA_CLOUD_CALLBACK_URL');
  });
});
