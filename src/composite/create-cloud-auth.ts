import type { ErrorHandler } from '../errors/index.js';
import type { IMastraAuthProvider } from '../mastra/interfaces.js';
import { createMastraCloudAuthProvider } from '../provider/index.js';
import {
  type CloudAuthEnv,
  type CloudProviderConfig,
  type CloudProviderFactory,
  readCloudSettings,
} from './cloud-env.js';
import { CompositeAuth } from './composite-auth.js';
import type { AuthorizePolicy } from './composite-options.js';
import { isAuthProvider } from './guards.js';
import { invalidArg } from './invalid-arg.js';
import { SimpleAuth } from './simple-auth.js';

/** The user every service token maps to. */
export type ServiceUser = { readonly id: 'business-api'; readonly role: 'api' };

/** Options of {@link createCloudAuth}. */
export interface CreateCloudAuthOptions {
  /** The app's own auth (`server.auth` before wiring), asked last. `null`/`undefined`: none. */
  userAuth?: IMastraAuthProvider | null;
  /**
   * Builds the Cloud provider when `MASTRA_CLOUD_API_URL` is set. Default: the built-in
   * `MastraCloudAuthProvider` (`createMastraCloudAuthProvider`); replace it only to wrap or stub it.
   */
  cloudProviderFactory?: CloudProviderFactory;
  /** Extra options for the Cloud provider (`kv`, `cache`, `cookies`, `client`, ...), merged into its config. */
  cloudOptions?: Record<string, unknown>;
  /** See `CompositeAuthOptions.onError`. */
  onError?: ErrorHandler;
  /** See `CompositeAuthOptions.authorizePolicy`; default `'authenticator'`. */
  authorizePolicy?: AuthorizePolicy;
}

const RESERVED_CLOUD_OPTIONS = ['projectId', 'cloudBaseUrl', 'callbackUrl', 'sessionSecret'];

/**
 * The auth of a deployed Mastra runner (import from `mastra-edge-auth/composite`): a
 * {@link CompositeAuth} of, in order, the service tokens (`BUSINESS_JWT_TOKEN`,
 * `PLAYGROUND_JWT_TOKEN`, only when one is set), Mastra Cloud user auth (only when
 * `MASTRA_CLOUD_API_URL` is set) and the app's own auth (when given).
 *
 * The environment is the object passed in (Workers bindings, or a copy of the Node process environment made by
 * the caller); this function never reads the global environment. With nothing configured the result
 * authenticates nobody.
 *
 * @param env - Deployment variables, see {@link CloudAuthEnv}.
 * @param options - See {@link CreateCloudAuthOptions}.
 * @returns Always a `CompositeAuth`.
 * @throws ConfigError `PROJECT_ID` (Cloud on without it), `MASTRA_CLOUD_API_URL` /
 *   `MASTRA_CLOUD_CALLBACK_URL` (not an http(s) URL), `SESSION_SECRET` (Cloud on, missing or short).
 * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) for a bad `env` or option.
 * @example
 * ```ts
 * export default { fetch: (req, env) => handle(req, createCloudAuth(env, { userAuth: appAuth })) };
 * ```
 * @see CONTRACT.md section 5
 */
export function createCloudAuth(env: CloudAuthEnv, options: CreateCloudAuthOptions = {}): CompositeAuth {
  if (typeof options !== 'object' || options === null) {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options" must be an object');
  }
  const settings = readCloudSettings(env);
  const providers: IMastraAuthProvider[] = [];

  if (settings.serviceTokens.length > 0) {
    const tokens: Record<string, ServiceUser> = Object.create(null);
    for (const token of settings.serviceTokens)
      tokens[token] = Object.freeze({ id: 'business-api', role: 'api' });
    // Service tokens are the platform's own callers (business API, playground): they pass
    // authorizeUser for every route, so under `server.rbac` they hold every permission too.
    providers.push(new SimpleAuth<ServiceUser>({ tokens, permissions: ['*'] }));
  }

  if (settings.cloud) {
    const factory: CloudProviderFactory = options.cloudProviderFactory ?? createMastraCloudAuthProvider;
    if (typeof factory !== 'function') {
      throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.cloudProviderFactory" must be a function');
    }
    const cloudProvider: unknown = factory({ ...cloudOptions(options.cloudOptions), ...settings.cloud });
    if (!isAuthProvider(cloudProvider)) {
      throw invalidArg(
        'ERR_INVALID_ARG_VALUE',
        '"options.cloudProviderFactory" must return an auth provider',
      );
    }
    providers.push(cloudProvider);
  }

  if (options.userAuth !== undefined && options.userAuth !== null) {
    if (!isAuthProvider(options.userAuth)) {
      throw invalidArg(
        'ERR_INVALID_ARG_TYPE',
        '"options.userAuth" must be an auth provider (authenticateToken and authorizeUser methods)',
      );
    }
    providers.push(options.userAuth);
  }

  const compositeOptions: { onError?: ErrorHandler; authorizePolicy?: AuthorizePolicy } = {};
  if (options.onError !== undefined) compositeOptions.onError = options.onError;
  if (options.authorizePolicy !== undefined) compositeOptions.authorizePolicy = options.authorizePolicy;
  return new CompositeAuth(providers, compositeOptions);
}

function cloudOptions(extra: unknown): Omit<CloudProviderConfig, 'projectId' | 'cloudBaseUrl'> {
  if (extra === undefined) return {};
  if (typeof extra !== 'object' || extra === null) {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.cloudOptions" must be an object');
  }
  const reserved = RESERVED_CLOUD_OPTIONS.find((key) => Object.hasOwn(extra, key));
  if (reserved !== undefined) {
    throw invalidArg(
      'ERR_INVALID_ARG_VALUE',
      `"options.cloudOptions.${reserved}" comes from the environment`,
    );
  }
  return { ...extra };
}
