/**
 * The deployment variables of CONTRACT section 5 and the config they give the Cloud provider.
 *
 * @see CONTRACT.md section 5
 * @module
 */
import { type CloudWire, readWireSetting } from '../cloud-fetch/index.js';
import type { IMastraAuthProvider } from '../mastra/interfaces.js';
import { type CloudEnv, type CloudEnvSettings, readCloudEnv } from '../policy/env.js';
import { invalidArg } from './invalid-arg.js';

/**
 * The variables `createCloudAuth` reads, from a bindings object (never the global process environment).
 * Each is optional; an empty or whitespace-only value counts as unset, any other non-string is a
 * `ConfigError`.
 */
export interface CloudAuthEnv {
  /** Project id sent as `X-Project-ID`; required when `MASTRA_CLOUD_API_URL` is set. */
  PROJECT_ID?: string;
  /** Cloud base URL (http or https); when unset, Cloud user auth is off. */
  MASTRA_CLOUD_API_URL?: string;
  /** OAuth callback URL; unset means `<runner origin>/auth/callback`, decided by the provider per request. */
  MASTRA_CLOUD_CALLBACK_URL?: string;
  /** Service token, mapped to `{ id: 'business-api', role: 'api' }`. */
  BUSINESS_JWT_TOKEN?: string;
  /** Service token, mapped to `{ id: 'business-api', role: 'api' }`. */
  PLAYGROUND_JWT_TOKEN?: string;
  /** Key material for sealed cookies, handed to the Cloud provider. */
  SESSION_SECRET?: string;
  /** The Cloud wire profile: `v1` (default) or `released`; anything else is a ConfigError naming it. */
  MASTRA_CLOUD_WIRE?: string;
}

/** The names of {@link CloudAuthEnv}, in a fixed order (the entry-point snippet reads exactly these). */
export const CLOUD_AUTH_ENV_NAMES = [
  'PROJECT_ID',
  'MASTRA_CLOUD_API_URL',
  'MASTRA_CLOUD_CALLBACK_URL',
  'BUSINESS_JWT_TOKEN',
  'PLAYGROUND_JWT_TOKEN',
  'SESSION_SECRET',
  'MASTRA_CLOUD_WIRE',
] as const satisfies readonly (keyof CloudAuthEnv)[];

/** What the Cloud provider is built from: the env-derived settings plus `cloudOptions` (kv, cache, ...). */
export interface CloudProviderConfig {
  projectId: string;
  /** `MASTRA_CLOUD_API_URL` without a trailing `/`. */
  cloudBaseUrl: string;
  /**
   * `MASTRA_CLOUD_CALLBACK_URL`. `undefined`: the provider decides per request (`<runner origin>/auth/callback`
   * behind the gateway; inside a Mastra server, the callback URI the server passes to `getLoginUrl`).
   */
  callbackUrl?: string;
  /** `SESSION_SECRET`, when set (the provider decides whether it may run without one). */
  sessionSecret?: string;
  /** `MASTRA_CLOUD_WIRE` (or `createCloudAuth`'s `wire` option): the Cloud wire profile. */
  wire: CloudWire;
  [option: string]: unknown;
}

/** Builds the Cloud user-auth provider from its config. */
export type CloudProviderFactory = (config: CloudProviderConfig) => IMastraAuthProvider;

/** The parts of the environment `createCloudAuth` acts on (the shared reader's result, plus the wire). */
export interface CloudSettings extends CloudEnv {
  /** Present when `MASTRA_CLOUD_API_URL` is set. */
  cloud?: CloudEnvSettings & { wire: CloudWire };
}

/**
 * Read and check the deployment variables, with the rules the gateway uses too (`src/policy/env.ts`).
 *
 * @throws TypeError (`ERR_INVALID_ARG_TYPE`) when `env` is not an object.
 * @throws ConfigError naming `MASTRA_CLOUD_API_URL`, `PROJECT_ID`, `MASTRA_CLOUD_CALLBACK_URL`,
 *   `MASTRA_CLOUD_WIRE` or a variable set to a non-string (never a value).
 */
export function readCloudSettings(env: CloudAuthEnv): CloudSettings {
  if (typeof env !== 'object' || env === null)
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"env" must be an object');
  const { cloud, ...rest } = readCloudEnv(env);
  return cloud === undefined ? rest : { ...rest, cloud: { ...cloud, wire: readWireSetting(env) } };
}
