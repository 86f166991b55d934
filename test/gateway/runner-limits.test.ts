import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { DEFAULT_RUNNER_LIMITS, parseRunnerLimits } from '../../src/gateway/runner-limits.js';

const SETTINGS = ['RUNNER_TIMEOUT_MS', 'RUNNER_IDLE_TIMEOUT_MS', 'MAX_REQUEST_BODY_BYTES'] as const;

function refusal(env: object): unknown {
  try {
    parseRunnerLimits(env);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseRunnerLimits', () => {
  it('gives the defaults when nothing is set, or a setting is empty', () => {
    expect(parseRunnerLimits({})).toEqual(DEFAULT_RUNNER_LIMITS);
    expect(parseRunnerLimits({ RUNNER_TIMEOUT_MS: ' ', MAX_REQUEST_BODY_BYTES: null })).toEqual(
      DEFAULT_RUNNER_LIMITS,
    );
  });

  it('reads any positive integer, as a decimal string or a number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SETTINGS),
        fc.integer({ min: 1, max: 2_147_483_647 }),
        fc.boolean(),
        (setting, n, asText) => {
          const limits = parseRunnerLimits({ [setting]: asText ? ` ${n} ` : n });
          expect(Object.values(limits)).toContain(n);
        },
      ),
    );
  });

  it('refuses anything else with a ConfigError naming the setting, never its value', () => {
    const bad = fc.oneof(
      fc.string().filter((s) => s.trim() !== '' && !/^\s*\d+\s*$/.test(s)),
      fc.constantFrom('0', '00', -1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, {}, []),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SETTINGS), bad, (setting, value) => {
        const error = refusal({ [setting]: value });
        expect(error).toBeInstanceOf(ConfigError);
        expect(error).toMatchObject({ setting });
      }),
    );
  });

  it('refuses a timeout that setTimeout cannot hold (it would fire at once)', () => {
    expect(refusal({ RUNNER_IDLE_TIMEOUT_MS: '2147483648' })).toMatchObject({
      setting: 'RUNNER_IDLE_TIMEOUT_MS',
    });
    expect(parseRunnerLimits({ MAX_REQUEST_BODY_BYTES: '2147483648' }).maxRequestBodyBytes).toBe(
      2_147_483_648,
    );
  });
});
