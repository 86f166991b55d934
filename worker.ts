/**
 * The Cloudflare Worker entry: bindings -> config -> route table, all in `src/gateway/`.
 * Configuration: wrangler `vars`, secrets and bindings only (see wrangler.toml and README.md).
 *
 * @module
 */
import { createGateway } from './src/gateway/index.js';

export default createGateway();
// The Durable Object class behind the optional AUTH_DO binding (wrangler.toml).
export { AuthStoreObject } from './src/gateway/index.js';
