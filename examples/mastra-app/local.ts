/**
 * The example against a local Mastra Cloud emulator, in one process: no Cloud account, no secrets
 * to make up. `npm run local`, then open http://127.0.0.1:4111/ and sign in (the emulator signs
 * in `demo@example.com` without a password). Development only: the secret below is public.
 */
import { serve } from 'mastra-edge-auth/node';
import { createCloudEmulator, DEMO_USER } from 'mastra-edge-auth/testing';
import { start } from './node.js';

const PROJECT_ID = 'proj_local';
const emulator = createCloudEmulator({ projectId: PROJECT_ID, users: [DEMO_USER] });
const cloud = await serve((request) => emulator.fetch(request), {
  port: Number(process.env.CLOUD_PORT ?? 8788),
});
const app = await start({
  port: Number(process.env.PORT ?? 4111),
  env: {
    PROJECT_ID,
    MASTRA_CLOUD_API_URL: cloud.url,
    SESSION_SECRET: 'local-development-only-session-secret-0123456789',
    BUSINESS_JWT_TOKEN: 'local-development-service-token',
    AUTH_COOKIE_SECURE: 'false',
  },
});
console.log(`Cloud emulator  ${cloud.url}
Mastra app      ${app.url}/   (sign in there; service token: local-development-service-token)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([app.close(), cloud.close()]).then(() => process.exit(0));
  });
}
