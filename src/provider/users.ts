import type { CloudUser } from '../cloud-fetch/index.js';
import { isRejection } from '../errors/index.js';
import { DEFAULT_CLOUD_ROLE_MAPPING, mappedPermissions } from '../policy/permissions.js';
import { isOwnLiveUser, type ProviderContext } from './context.js';
import { hasAllPermissions, hasAnyPermission, hasPermission } from './rbac.js';

/**
 * `getUser`: Cloud answers user look-ups only for a caller's token, and this method has none.
 * It returns the user as last authenticated in this isolate within the positive cache TTL (and
 * not logged out since), else `null`. It never asks Cloud.
 */
export function recentUser(ctx: ProviderContext, userId: unknown): CloudUser | null {
  if (typeof userId !== 'string') return null;
  const entry = ctx.recent.peek(userId);
  if (entry === undefined) return null;
  if (entry.until <= ctx.clock.now() || !isOwnLiveUser(ctx, entry.user)) {
    ctx.recent.delete(userId);
    return null;
  }
  return entry.user;
}

/**
 * `getPermissions`: asks Cloud with the user's own token, cached like verify results (`perm:`
 * entries keyed by the token's hash); a Cloud without a users endpoint is not asked: the user's
 * role maps to permissions (CONTRACT 4b defaults). A user this provider did not produce, or whose
 * token was revoked, has none.
 *
 * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
 */
export async function permissions(ctx: ProviderContext, user: unknown): Promise<string[]> {
  if (!isOwnLiveUser(ctx, user)) return [];
  const { id, sessionToken } = user;
  if (!ctx.client.capabilities.hasUsersEndpoint) {
    return mappedPermissions(user, DEFAULT_CLOUD_ROLE_MAPPING);
  }
  try {
    const list = await ctx.permissions.get(sessionToken, async () => ({
      value: await ctx.client.getUserPermissions(id, sessionToken),
    }));
    return [...list];
  } catch (error) {
    if (isRejection(error)) return [];
    throw error;
  }
}

/** The RBAC checks on top of {@link permissions}, with wildcard matching. */
export const permissionChecks = {
  async one(ctx: ProviderContext, user: unknown, permission: string): Promise<boolean> {
    return hasPermission(await permissions(ctx, user), permission);
  },
  async all(ctx: ProviderContext, user: unknown, required: string[]): Promise<boolean> {
    return hasAllPermissions(await permissions(ctx, user), required);
  },
  async any(ctx: ProviderContext, user: unknown, required: string[]): Promise<boolean> {
    return hasAnyPermission(await permissions(ctx, user), required);
  },
};
