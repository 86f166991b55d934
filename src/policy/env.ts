/**
 * The one reader of the deployment variables, shared by `createCloudAuth` and the gateway so
 * both apply the same rules: a value that is absent, `null`, empty or only whitespace is unset;
 * any other non-string (a TOML number, a binding under a variable's name) is a `ConfigError`
 * naming the setting; settings are trimmed, secrets are taken as they are; URLs are absolute
 * http(s) without credentials, query or fragment. Errors name the setting, never its value.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import { parseHttpUrl } from '../http/url.js';

/** A bindings object: Workers `env`, or a copy of the Node process environment. */
export type DeploymentEnv = object;

/**
 * A plain setting, trimmed.
 *
 * @returns the value, or `undefined` when unset
 * @throws ConfigError when it is set to something other than a string
 */
export function readSetting(env: DeploymentEnv, name: string): string | undefined {
  const trimmed = readRaw(env, name)?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A secret, exactly as given (only an empty value counts as unset).
 *
 * @throws ConfigError when it is set to something other than a string
 */
export function readSecret(env: DeploymentEnv, name: string): string | undefined {
  const value = readRaw(env, name);
  return value === '' ? undefined : value;
}

/**
 * An absolute http(s) URL setting, normalized by the WHATWG parser.
 *
 * @param options - `originOnly`: refuse a path and return the origin
 * @throws ConfigError when it is not such a URL, or carries credentials, a query or a fragment
 */
export function checkHttpUrlSetting(name: string, raw: string, options: { originOnly: boolean }): string {
  const url = parseHttpUrl(raw);
  if (url === null) throw new ConfigError(name, `${name} must be an absolute http(s) URL`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(name, `${name} must not contain credentials, a query or a fragment`);
  }
  if (options.originOnly) {
    if (url.pathname !== '/') throw new ConfigError(name, `${name} must be an origin (no path)`);
    return url.origin;
  }
  return url.href;
}

/** The Cloud part of the deployment: present when `MASTRA_CLOUD_API_URL` is set. */
export interface CloudEnvSettings {
  projectId: string;
  /** `MASTRA_CLOUD_API_URL`, normalized, without a trailing `/`. */
  cloudBaseUrl: string;
  /** `MASTRA_CLOUD_CALLBACK_URL`, when set. */
  callbackUrl?: string;
  /** `SESSION_SECRET`, when set (its rule is checked where it is used: `assertSessionSecret`). */
  sessionSecret?: string;
}

/** What the Cloud variables say. */
export interface CloudEnv {
  /** Distinct service tokens, `BUSINESS_JWT_TOKEN` first. */
  serviceTokens: string[];
  /** `SESSION_SECRET`, when set (also keys the service tokens' sign-in cookie). */
  sessionSecret?: string;
  cloud?: CloudEnvSettings;
}

/**
 * Reads `MASTRA_CLOUD_API_URL`, `PROJECT_ID`, `MASTRA_CLOUD_CALLBACK_URL`, `SESSION_SECRET`,
 * `BUSINESS_JWT_TOKEN` and `PLAYGROUND_JWT_TOKEN`.
 *
 * @throws ConfigError naming the first bad setting (`MASTRA_CLOUD_API_URL`, then `PROJECT_ID`
 *   when Cloud is on without it, then `MASTRA_CLOUD_CALLBACK_URL`, or a non-string value)
 * @example
 * const { serviceTokens, cloud } = readCloudEnv(env);
 */
export function readCloudEnv(env: DeploymentEnv): CloudEnv {
  const serviceTokens = [
    readSecret(env, 'BUSINESS_JWT_TOKEN'),
    readSecret(env, 'PLAYGROUND_JWT_TOKEN'),
  ].filter((token, index, all): token is string => token !== undefined && all.indexOf(token) === index);
  const sessionSecret = readSecret(env, 'SESSION_SECRET');
  const apiUrl = readSetting(env, 'MASTRA_CLOUD_API_URL');
  if (apiUrl === undefined)
    return sessionSecret === undefined ? { serviceTokens } : { serviceTokens, sessionSecret };
  const cloudBaseUrl = checkHttpUrlSetting('MASTRA_CLOUD_API_URL', apiUrl, { originOnly: false }).replace(
    /\/+$/,
    '',
  );
  const projectId = readSetting(env, 'PROJECT_ID');
  if (projectId === undefined) {
    throw new ConfigError('PROJECT_ID', 'PROJECT_ID is required when MASTRA_CLOUD_API_URL is set');
  }
  const cloud: CloudEnvSettings = { projectId, cloudBaseUrl };
  const callback = readSetting(env, 'MASTRA_CLOUD_CALLBACK_URL');
  if (callback !== undefined) {
    cloud.callbackUrl = checkHttpUrlSetting('MASTRA_CLOUD_CALLBACK_URL', callback, { originOnly: false });
  }
  if (sessionSecret === undefined) return { serviceTokens, cloud };
  cloud.sessionSecret = sessionSecret;
  return { serviceTokens, sessionSecret, cloud };
}

function readRaw(env: DeploymentEnv, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigError(name, `${name} must be a string`);
  return value;
}
