/** Wire samples and a client factory shared by the cloud-fetch tests. */
import { type CloudClientOptions, MastraCloudClient } from '../../src/cloud-fetch/index.js';
import type { Answer, FakeFetch } from './fake-fetch.js';
import { fakeFetch } from './fake-fetch.js';

export const PROJECT_ID = 'proj_123';
export const BASE = 'https://cloud.example.com';
export const TOKEN = 'tok_abc.DEF-123_xyz';
export const REDIRECT_URI = 'https://app.example.com/auth/callback';
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
export const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r-wW1gFWFOEjXk';

export const USER_WIRE = {
  id: 'user_1',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  avatar_url: 'https://img.example.com/ada.png',
  role: 'admin',
  created_at: '2024-01-02T03:04:05.000Z',
  metadata: { team: 'core', level: 3 },
};

export const SESSION_WIRE = {
  id: 'sess_1',
  user_id: 'user_1',
  expires_at: '2030-01-01T00:00:00.000Z',
  created_at: '2024-01-02T03:04:05.000Z',
};

/** The library form of {@link USER_WIRE} (without `sessionToken`). */
export const USER_PROFILE = {
  id: 'user_1',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  avatarUrl: 'https://img.example.com/ada.png',
  role: 'admin',
  createdAt: new Date('2024-01-02T03:04:05.000Z'),
  metadata: { team: 'core', level: 3 },
};

export const SESSION = {
  id: 'sess_1',
  userId: 'user_1',
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  createdAt: new Date('2024-01-02T03:04:05.000Z'),
};

export const CALLBACK_DATA = { jwt: TOKEN, user: USER_WIRE, session: SESSION_WIRE };
export const VERIFY_DATA = { user: USER_WIRE, expires_at: '2030-01-01T00:00:00.000Z' };

/** A client over a scripted fetch; retries off and no real sleeping unless overridden. */
export function clientWith(
  answers: Answer[],
  options: Partial<CloudClientOptions> = {},
): { client: MastraCloudClient; fake: FakeFetch; sleeps: number[] } {
  const fake = fakeFetch(...answers);
  const sleeps: number[] = [];
  const client = new MastraCloudClient({
    projectId: PROJECT_ID,
    baseUrl: BASE,
    fetch: fake.fetch,
    retries: 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client, fake, sleeps };
}

export { rejectionOf } from '../support/errors.js';
