/**
 * The Mastra auth interfaces (types only, structurally equal to `@mastra/core` 1.71.0) and the
 * request helpers every provider uses.
 *
 * @see CONTRACT.md section 2
 * @module
 */
export type {
  CredentialsResult,
  EEUser,
  ICredentialsProvider,
  IMastraAuthProvider,
  IRBACProvider,
  ISessionProvider,
  ISSOProvider,
  IUserProvider,
  MastraAuthRequest,
  PathMethod,
  PathRule,
  Session,
  SSOCallbackResult,
  SSOLoginConfig,
  User,
} from './interfaces.js';
export { getRequestHeader, type HeaderRecord, type HeaderSource } from './request.js';
