/**
 * Benchmark scenario (c): the gateway with its verify cache off, asking Cloud on every request
 * the way the published `@mastra/auth-cloud` does (bench only; never deployed). Everything else
 * is `worker.ts`.
 *
 * @module
 */
import { createGateway } from '../src/gateway/index.js';

export default createGateway({ cloudCache: 'off' });
