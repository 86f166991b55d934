/**
 * Size limits that several rooms enforce on the same values, in one place, so the gateway, the
 * composite, the provider and the Cloud client agree on what is too long. Room-specific limits
 * (query length, public-path rules, KV entry size) stay with their room.
 *
 * @module
 */

/**
 * Longest bearer token accepted anywhere: `Authorization`, `X-Playground-Access`, a service token,
 * a Cloud token. Cloud's tokens are JWTs well under it; longer input is refused, never truncated.
 */
export const MAX_TOKEN_LENGTH = 4096;

/** Longest login `state`: a random id plus the escaped return path (Mastra's `<id>|<path>` form). */
export const MAX_STATE_LENGTH = 2048;

/** Longest authorization `code` accepted on the callback. */
export const MAX_CODE_LENGTH = 2048;

/** Name plus value of one cookie: browsers keep at most 4096 bytes and drop larger cookies silently. */
export const MAX_COOKIE_BYTES = 4096;
