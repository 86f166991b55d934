import { describe, expect, it } from 'vitest';
import { createCloudEmulator } from '../../src/testing/index.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const oss = (extra = '') =>
  `https://cloud.test/auth/oss?project_id=p1&redirect_uri=${encodeURIComponent('https://app.example/auth/callback?x=1')}` +
  `&state=s%3Cscript%3E&code_challenge=${CHALLENGE}&code_challenge_method=S256${extra}`;

describe('the emulator sign-in page (autoApprove: false)', () => {
  it('asks first, with a "Continue as" button that repeats the request with approve=1', async () => {
    const emulator = createCloudEmulator({ projectId: 'p1', autoApprove: false });
    const page = await emulator.fetch(new Request(oss()));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('Continue as Demo User (demo@example.com)');
    expect(html).toContain('<input type="hidden" name="approve" value="1">');
    expect(html).not.toContain('<script>'); // the state is escaped
    const approved = await emulator.fetch(new Request(oss('&approve=1')));
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get('Location') ?? '');
    expect(callback.searchParams.get('x')).toBe('1');
    expect(callback.searchParams.get('code')).not.toBeNull();
  });

  it('still refuses bad parameters before showing anything, and signs in at once by default', async () => {
    const prompting = createCloudEmulator({ projectId: 'p1', autoApprove: false });
    expect((await prompting.fetch(new Request(oss().replace('S256', 'plain')))).status).toBe(400);
    const auto = createCloudEmulator({ projectId: 'p1' });
    expect((await auto.fetch(new Request(oss()))).status).toBe(302);
    expect(() => createCloudEmulator({ projectId: 'p1', autoApprove: 'yes' as unknown as boolean })).toThrow(
      /options\.autoApprove/,
    );
  });
});
