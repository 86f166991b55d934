import { type CloudWire, checkWireOption } from '../cloud-fetch/index.js';
import type { ErrorHandler } from '../errors/index.js';
import type { IMastraAuthProvider, IRBACProvider } from '../mastra/interfaces.js';
import type { RoleMapping } from '../policy/permissions.js';
import { createMastraCloudAuthProvider, MastraRBACCloud } from '../provider/index.js';
import {
  type CloudAuthEnv,
  type CloudProviderConfig,
  type CloudProviderFactory,
  readCloudSettings,
} from './cloud-env.js';
import { CompositeAuth } from './composite-auth.js';
import type { AuthorizePolicy, CompositeAuthOptions } from './composite-options.js';
import { isAuthProvider, isRBACProvider } from './guards.js';
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
  /** The Cloud wire profile; overrides `MASTRA_CLOUD_WIRE` (default `v1`). */
  wire?: CloudWire;
  /**
   * The app's own RBAC, answering for every user (see `CompositeAuthOptions.rbac`). Unset: with
   * Cloud user auth on (or a `roleMapping` given), a `MastraRBACCloud` (CONTRACT 4b: Cloud users
   * by their role, service tokens as `api`); otherwise each provider's own (service tokens hold
   * every permission). `null`: each provider's own even with Cloud on (Cloud users then get
   * what Cloud's permissions endpoint says).
   */
  rbac?: IRBACProvider<unknown> | null;
  /** Replaces the default role mapping of the built-in `MastraRBACCloud` (not with `rbac`). */
  roleMapping?: RoleMapping;
  /** See `CompositeAuthOptions.hideMissing`; default `true` here (no SSO button without Cloud). */
  hideMissing?: boolean;
}

const RESERVED_CLOUD_OPTIONS = ['projectId', 'cloudBaseUrl', 'callbackUrl', 'sessionSecret', 'wire'];

/**
 * The auth of a deployed Mastra runner (import from `mastra-edge-auth/composite`): a
 * {@link CompositeAuth} of, in order, the service tokens (`BUSINESS_JWT_TOKEN`,
 * `PLAYGROUND_JWT_TOKEN`, only when one is set), Mastra Cloud user auth (only when
 * `MASTRA_CLOUD_API_URL` is set) and the app's own auth (when given). With Cloud on, RBAC comes
 * from a `MastraRBACCloud` with the default role mapping (CONTRACT 4b) unless `rbac` says
 * otherwise; mount it with `server: { auth, rbac: auth }` (or `auth.rbac`). Credentials sign-in
 * with a service token (`SimpleAuth.signIn`) is forwarded; without Cloud there is no SSO button.
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
  const wire = wireOption(options.wire);
  const settings = readCloudSettings(env);
  const providers: IMastraAuthProvider[] = [];

  if (settings.serviceTokens.length > 0) {
    const tokens: Record<string, ServiceUser> = Object.create(null);
    for (const token of settings.serviceTokens)
      tokens[token] = Object.freeze({ id: 'business-api', role: 'api' });
    // Service tokens are the platform's own callers (business API, playground): they pass
    // authorizeUser for every route, so under `server.rbac` they hold every permission too.
    providers.push(
      new SimpleAuth<ServiceUser>({
        tokens,
        permissions: ['*'],
        // Studio's credentials login takes a service token; its cookie follows the Cloud cookie mode.
        cookies: { secure: cookieSecurity(options.cloudOptions) },
        ...(settings.sessionSecret !== undefined && { sessionSecret: settings.sessionSecret }),
      }),
    );
  }

  if (settings.cloud) {
    const factory: CloudProviderFactory = options.cloudProviderFactory ?? createMastraCloudAuthProvider;
    if (typeof factory !== 'function') {
      throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.cloudProviderFactory" must be a function');
    }
    const cloud = { ...settings.cloud, ...(wire !== undefined && { wire }) };
    const cloudProvider: unknown = factory({ ...cloudOptions(options.cloudOptions), ...cloud });
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

  const compositeOptions: CompositeAuthOptions = { hideMissing: options.hideMissing ?? true };
  if (options.onError !== undefined) compositeOptions.onError = options.onError;
  if (options.authorizePolicy !== undefined) compositeOptions.authorizePolicy = options.authorizePolicy;
  const rbac = chooseRbac(options, settings.cloud !== undefined);
  if (rbac !== undefined) compositeOptions.rbac = rbac;
  return new CompositeAuth(providers, compositeOptions);
}

function wireOption(value: unknown): CloudWire | undefined {
  if (value === undefined) return undefined;
  try {
    return checkWireOption(value, '"options.wire"');
  } catch (error) {
    throw invalidArg('ERR_INVALID_ARG_VALUE', error instanceof Error ? error.message : String(error));
  }
}

/** The composite's RBAC: the app's, else the Cloud role mapping when Cloud is on or a mapping was given. */
function chooseRbac(options: CreateCloudAuthOptions, cloudOn: boolean): IRBACProvider<unknown> | undefined {
  const { rbac, roleMapping } = options;
  if (rbac !== undefined && rbac !== null && !isRBACProvider(rbac)) {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.rbac" must be an RBAC provider or null');
  }
  if (roleMapping !== undefined && rbac !== undefined) {
    throw invalidArg('ERR_INVALID_ARG_VALUE', '"options.roleMapping" and "options.rbac" exclude each other');
  }
  if (rbac !== undefined) return rbac ?? undefined;
  if (!cloudOn && roleMapping === undefined) return undefined;
  try {
    return new MastraRBACCloud(roleMapping === undefined ? {} : { roleMapping });
  } catch (error) {
    throw invalidArg(
      'ERR_INVALID_ARG_VALUE',
      `"options.${error instanceof Error ? error.message : 'roleMapping'}"`,
    );
  }
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

/** The cookie mode of `cloudOptions.cookies.secure` (default secure), for the sign-in cookie too. */
function cookieSecurity(cloudOptions: unknown): boolean {
  const cookies: unknown = isObject(cloudOptions) ? Reflect.get(cloudOptions, 'cookies') : undefined;
  return !(isObject(cookies) && Reflect.get(cookies, 'secure') === false);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
