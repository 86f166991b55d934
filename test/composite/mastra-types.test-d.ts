/**
 * Type-level test, checked by `npx tsc -p tsconfig.json` (vitest does not run it): our providers
 * are assignable where `@mastra/core` 1.71.0 takes `server.auth`, and satisfy its auth interfaces.
 * A failure here is a compile error.
 */
import type { IRBACProvider as CoreRBACProvider } from '@mastra/core/auth/ee';
import type { Mastra } from '@mastra/core/mastra';
import type {
  IMastraAuthProvider as CoreAuthProvider,
  MastraAuthRequest as CoreAuthRequest,
  CompositeAuth as CoreCompositeAuth,
  ISessionProvider as CoreSessionProvider,
  SimpleAuth as CoreSimpleAuth,
  ISSOProvider as CoreSSOProvider,
  IUserProvider as CoreUserProvider,
} from '@mastra/core/server';
import type { CompositeAuth, createCloudAuth, ServiceUser, SimpleAuth } from '../../src/composite/index.js';
import type { getRequestHeader, IMastraAuthProvider, PathRule } from '../../src/mastra/index.js';
import type { MastraRBACCloud } from '../../src/provider/index.js';

/** What `new Mastra({ server: { auth } })` and `mastra.setServer({ auth })` accept. */
type ServerAuth = NonNullable<NonNullable<ReturnType<Mastra['getServer']>>['auth']>;
/** What `server.rbac` accepts. */
type ServerRbac = NonNullable<NonNullable<ReturnType<Mastra['getServer']>>['rbac']>;
type SetServerAuth = NonNullable<Parameters<Mastra['setServer']>[0]['auth']>;

declare const composite: CompositeAuth;
declare const simple: SimpleAuth<{ id: string; role: string }>;
declare const cloudAuth: ReturnType<typeof createCloudAuth>;
declare const coreSimple: CoreSimpleAuth<{ id: string }>;
declare const coreComposite: CoreCompositeAuth;
declare const coreRequest: CoreAuthRequest;

// Mountable as server.auth.
export const mountedComposite: ServerAuth = composite;
export const mountedSimple: ServerAuth = simple;
export const mountedCloud: ServerAuth = cloudAuth;
export const setServerCloud: SetServerAuth = cloudAuth;

// Satisfy core's provider interface strictly (not only through `any`).
export const compositeAsProvider: CoreAuthProvider<unknown> = composite;
export const simpleAsProvider: CoreAuthProvider<{ id: string; role: string }> = simple;
export const cloudAsProvider: CoreAuthProvider<unknown> = cloudAuth;

// CompositeAuth implements every capability interface the server duck-types.
export const compositeAsSSO: CoreSSOProvider<unknown> = composite;
export const compositeAsSession: CoreSessionProvider = composite;
export const compositeAsUser: CoreUserProvider = composite;
export const compositeAsRBAC: CoreRBACProvider<unknown> = composite;
export const cloudAsSSO: CoreSSOProvider<unknown> = cloudAuth;

// The Cloud RBAC and the composite work as `server.rbac` (CONTRACT 4b).
declare const cloudRbac: MastraRBACCloud;
export const rbacMounted: ServerRbac = cloudRbac;
export const compositeRbacMounted: ServerRbac = composite;
export const cloudRbacAsCore: CoreRBACProvider<unknown> = cloudRbac;

// SimpleAuth is a user provider too.
export const simpleAsUser: CoreUserProvider<{ id: string; role: string }> = simple;

// Core's own providers can be passed in as the app's auth, and ours nest inside core's composite.
export const coreSimpleAsOurs: IMastraAuthProvider<{ id: string }> = coreSimple;
export const coreCompositeAsOurs: IMastraAuthProvider = coreComposite;
export const oursInCore: ConstructorParameters<typeof CoreCompositeAuth>[0] = [composite, simple, cloudAuth];
export const appAuthOption: NonNullable<Parameters<typeof createCloudAuth>[1]>['userAuth'] = coreSimple;

// Service users are what the service tokens map to.
export const serviceUser: ServiceUser = { id: 'business-api', role: 'api' };

// Our request helper takes whatever core hands a provider.
export const header: ReturnType<typeof getRequestHeader> = null as ReturnType<typeof getRequestHeader>;
export type RequestHelperTakesCore = Parameters<typeof getRequestHeader>[0] extends infer P
  ? typeof coreRequest extends P
    ? true
    : false
  : never;
export const requestHelperTakesCore: RequestHelperTakesCore = true;

// Our PathRule matches core's: a method outside Mastra's union is refused, as core refuses it.
export const rule: PathRule = ['/api/x', ['GET', 'POST']];
// @ts-expect-error: 'FETCH' is not one of Mastra's methods
export const badRule: PathRule = ['/api/x', 'FETCH'];
export const pathRulesMatchCore: NonNullable<CoreAuthProvider['protected']> = [rule];

// The checks above can fail: an object without authorizeUser is not a provider.
// @ts-expect-error: authorizeUser is missing
export const notAProvider: ServerAuth & CoreAuthProvider = { authenticateToken: async () => null };
