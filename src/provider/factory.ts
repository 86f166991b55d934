import type { MastraCloudAuthProviderOptions } from './options.js';
import { MastraCloudAuthProvider } from './provider.js';

/**
 * The provider config as deployment wiring assembles it (`createCloudAuth`): the settings read
 * from the environment plus any extra options. Every value is checked at construction.
 */
export type MastraCloudProviderConfig = Omit<MastraCloudAuthProviderOptions, 'sessionSecret'> & {
  /** `SESSION_SECRET`; missing -> ConfigError naming `SESSION_SECRET`. */
  sessionSecret?: string;
};

/**
 * Builds a {@link MastraCloudAuthProvider} from deployment config; the default Cloud provider
 * factory of `createCloudAuth`.
 *
 * @param config - `projectId`, `cloudBaseUrl`, `callbackUrl?`, `sessionSecret?` and extra options (`kv`, `cache`, ...)
 * @throws ConfigError (setting `SESSION_SECRET`) when the secret is missing or shorter than 32 bytes
 * @throws TypeError naming the first other bad option
 * @example
 * const provider = createMastraCloudAuthProvider({ projectId, cloudBaseUrl, sessionSecret, kv: env.AUTH_KV });
 */
export function createMastraCloudAuthProvider(config: MastraCloudProviderConfig): MastraCloudAuthProvider {
  // The constructor checks every option, a missing secret included.
  return new MastraCloudAuthProvider({ ...config, sessionSecret: config.sessionSecret ?? '' });
}
