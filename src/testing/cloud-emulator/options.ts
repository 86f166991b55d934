/** Checks {@link CloudEmulatorOptions} once, at construction, and fills in the defaults. */
import { type CloudEmulatorOptions, DEMO_USER, type EmulatorUser } from './types.js';
import { checkUser, isIdString, isPositiveInteger } from './validate.js';

export interface ResolvedOptions {
  projectId: string;
  apiPrefix: string;
  now: () => number;
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  sessionTtlSeconds: number | undefined;
  users: EmulatorUser[];
  loginUserId: string;
  latencyMs: number;
  controlApi: boolean;
  autoApprove: boolean;
}

function fail(option: string, message: string): never {
  throw new TypeError(`createCloudEmulator: options.${option} ${message}`);
}

function seconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isPositiveInteger(value)) fail(option, 'must be a positive integer (seconds)');
  return value;
}

/**
 * Validates the options and applies defaults.
 *
 * @throws TypeError naming the option (`options.projectId`, `options.users[1].email`, ...).
 */
export function resolveOptions(options: CloudEmulatorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createCloudEmulator: options must be an object');
  const { projectId, apiPrefix = '/api/v1', now = Date.now, latencyMs = 0, controlApi = true } = options;
  if (!isIdString(projectId)) fail('projectId', 'must be a non-empty string');
  if (typeof apiPrefix !== 'string' || !/^(\/[A-Za-z0-9._~-]+)*$/.test(apiPrefix)) {
    fail('apiPrefix', "must be '' or a path like '/api/v1' (no trailing slash)");
  }
  if (typeof now !== 'function') fail('now', 'must be a function returning milliseconds');
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    fail('latencyMs', 'must be a non-negative number');
  }
  if (typeof controlApi !== 'boolean') fail('controlApi', 'must be a boolean');
  const autoApprove = options.autoApprove ?? true;
  if (typeof autoApprove !== 'boolean') fail('autoApprove', 'must be a boolean');
  const sessionTtlSeconds =
    options.sessionTtlSeconds === undefined
      ? undefined
      : seconds('sessionTtlSeconds', options.sessionTtlSeconds, 0);

  const given: unknown = options.users ?? [DEMO_USER];
  if (!Array.isArray(given) || given.length === 0) fail('users', 'must be a non-empty array');
  const users: EmulatorUser[] = [];
  const ids = new Set<string>();
  given.forEach((candidate: unknown, index: number) => {
    const checked = checkUser(candidate, `users[${index}]`);
    if (!checked.ok) throw new TypeError(`createCloudEmulator: options.${checked.message}`);
    if (ids.has(checked.value.id)) fail(`users[${index}].id`, 'repeats another user id');
    ids.add(checked.value.id);
    users.push(checked.value);
  });
  const loginUserId = options.loginUserId ?? users[0]?.id;
  if (typeof loginUserId !== 'string' || !ids.has(loginUserId))
    fail('loginUserId', 'must be the id of one of the users');

  return {
    projectId,
    apiPrefix,
    now,
    tokenTtlSeconds: seconds('tokenTtlSeconds', options.tokenTtlSeconds, 3600),
    codeTtlSeconds: seconds('codeTtlSeconds', options.codeTtlSeconds, 60),
    sessionTtlSeconds,
    users,
    loginUserId,
    latencyMs,
    controlApi,
    autoApprove,
  };
}
