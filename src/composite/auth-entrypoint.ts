import { CLOUD_AUTH_ENV_NAMES } from './cloud-env.js';
import { invalidArg } from './invalid-arg.js';

/** Options of {@link getAuthEntrypoint}. */
export interface AuthEntrypointOptions {
  /** The package the generated code imports `createCloudAuth` from (its `/composite` subpath). Default `mastra-edge-auth`. */
  packageName?: string;
}

/** An npm package name (scoped or not): nothing else may reach the generated import. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * The JavaScript a deployer splices into a bundled server entry, at module top level, after the
 * `mastra` instance is created. When the entry runs, the code:
 * 1. imports `createCloudAuth` from `<packageName>/composite`;
 * 2. copies the CONTRACT section 5 variables from the Node process environment (read at run
 *    time: no value,
 *    and no secret, is ever written into the generated code);
 * 3. replaces `mastra.getServer().auth` with `createCloudAuth(env, { userAuth: <the app's auth> })`,
 *    reporting provider errors to `mastra.getLogger()` by error name only (never a message or token).
 *
 * When `mastra.getServer()` returns no config, it installs one with `mastra.setServer({ auth })`;
 * when that is impossible it throws at start-up rather than run without auth. Any `ConfigError`
 * (e.g. `PROJECT_ID` missing while `MASTRA_CLOUD_API_URL` is set) also stops start-up, and so
 * does an app `server.auth` that is a Mastra auth *config* (`{ rules, authorize, ... }`) rather
 * than a provider: it cannot be combined, so wrap it in a provider first.
 *
 * @param options - See {@link AuthEntrypointOptions}.
 * @returns The code, as a string; identifiers it declares are prefixed `__mastraEdgeAuth` and block-scoped.
 * @throws TypeError (`ERR_INVALID_ARG_VALUE`) when `packageName` is not an npm package name.
 * @example
 * ```ts
 * const entry = `${userEntry}\n${getAuthEntrypoint()}`;
 * ```
 * @see CONTRACT.md section 5
 */
export function getAuthEntrypoint(options: AuthEntrypointOptions = {}): string {
  const packageName = options.packageName ?? 'mastra-edge-auth';
  if (typeof packageName !== 'string' || !PACKAGE_NAME.test(packageName)) {
    throw invalidArg('ERR_INVALID_ARG_VALUE', '"options.packageName" must be an npm package name');
  }
  const specifier = JSON.stringify(`${packageName}/composite`);
  const names = JSON.stringify(CLOUD_AUTH_ENV_NAMES);
  return `
// mastra-edge-auth: service tokens, Mastra Cloud user auth, then the app's own auth (CONTRACT section 5).
import { createCloudAuth as __mastraEdgeAuthCreateCloudAuth } from ${specifier};
{
  const { env: __mastraEdgeAuthSource = {} } = typeof process === 'object' && process !== null ? process : {};
  const __mastraEdgeAuthEnv = {};
  for (const __mastraEdgeAuthName of ${names}) {
    const __mastraEdgeAuthValue = __mastraEdgeAuthSource[__mastraEdgeAuthName];
    if (typeof __mastraEdgeAuthValue === 'string' && __mastraEdgeAuthValue !== '') {
      __mastraEdgeAuthEnv[__mastraEdgeAuthName] = __mastraEdgeAuthValue;
    }
  }
  const __mastraEdgeAuthOnError = (report, error) => {
    const logger = typeof mastra.getLogger === 'function' ? mastra.getLogger() : undefined;
    if (logger && typeof logger.warn === 'function') {
      logger.warn('mastra-edge-auth: auth provider failed', {
        provider: report.provider,
        operation: report.operation,
        error: error instanceof Error ? error.name : typeof error,
      });
    }
  };
  const __mastraEdgeAuthServer = mastra.getServer();
  if (__mastraEdgeAuthServer) {
    __mastraEdgeAuthServer.auth = __mastraEdgeAuthCreateCloudAuth(__mastraEdgeAuthEnv, {
      userAuth: __mastraEdgeAuthServer.auth,
      onError: __mastraEdgeAuthOnError,
    });
  } else if (typeof mastra.setServer === 'function') {
    mastra.setServer({
      auth: __mastraEdgeAuthCreateCloudAuth(__mastraEdgeAuthEnv, { onError: __mastraEdgeAuthOnError }),
    });
  } else {
    throw new Error('mastra-edge-auth: mastra has no server config and no setServer(); refusing to start without auth');
  }
}
`;
}
