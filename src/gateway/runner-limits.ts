import { ConfigError } from '../errors/index.js';

/** How long the gateway waits on the runner, and how much request body it relays. */
export interface RunnerLimits {
  /** Wait for the runner's response headers; past it: 504. Not the life of a stream. */
  readonly headersTimeoutMs: number;
  /** Longest silence between two chunks of a streamed answer; past it the stream is ended with an error. */
  readonly idleTimeoutMs: number;
  /** Largest request body relayed; larger: 413 (`Content-Length` up front, chunked bodies as they stream). */
  readonly maxRequestBodyBytes: number;
}

/**
 * The defaults. 100 s for headers is what Cloudflare's own proxy gives an origin before its 524:
 * a non-streamed `generate` answers only when the model is done. A stream may pause longer
 * between chunks (a tool call, a model thinking), so its own bound is longer; a stream that keeps
 * sending is never cut.
 */
export const DEFAULT_RUNNER_LIMITS: RunnerLimits = Object.freeze({
  headersTimeoutMs: 100_000,
  idleTimeoutMs: 300_000,
  maxRequestBodyBytes: 10 * 1024 * 1024,
});

const SETTINGS = {
  RUNNER_TIMEOUT_MS: 'headersTimeoutMs',
  RUNNER_IDLE_TIMEOUT_MS: 'idleTimeoutMs',
  MAX_REQUEST_BODY_BYTES: 'maxRequestBodyBytes',
} as const satisfies Record<string, keyof RunnerLimits>;

// A setTimeout delay above 2^31 - 1 ms fires at once; no sane bound is near it.
const MAX_MS = 2_147_483_647;

/**
 * Reads `RUNNER_TIMEOUT_MS`, `RUNNER_IDLE_TIMEOUT_MS` and `MAX_REQUEST_BODY_BYTES` (positive
 * integers, as numbers or decimal strings); unset or empty means the default.
 *
 * @param env - the Worker's bindings
 * @returns the limits
 * @throws ConfigError naming the setting when a value is not a positive integer
 */
export function parseRunnerLimits(env: object): RunnerLimits {
  const limits: Record<keyof RunnerLimits, number> = { ...DEFAULT_RUNNER_LIMITS };
  for (const [setting, field] of Object.entries(SETTINGS)) {
    const value = positiveInt(setting, Reflect.get(env, setting));
    if (value === undefined) continue;
    if (field !== 'maxRequestBodyBytes' && value > MAX_MS) {
      throw new ConfigError(setting, `${setting} must be at most ${MAX_MS}`);
    }
    limits[field] = value;
  }
  return limits;
}

function positiveInt(setting: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed: number | undefined;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    if (/^\d+$/.test(trimmed)) parsed = Number(trimmed);
  }
  if (parsed === undefined || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new ConfigError(setting, `${setting} must be a positive integer`);
  }
  return parsed;
}
