/**
 * The page a person lands on: who is signed in (from Mastra's `GET /api/auth/me`), a "Sign in"
 * button (Mastra's `GET /api/auth/sso/login?redirect_uri=/` answers the Cloud login URL) and a
 * "Sign out" button (`POST /api/auth/logout`). Static: everything user-specific comes from the API.
 */
export const HOME_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mastra app</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}button{font:inherit}</style>
</head>
<body>
<h1>Mastra app</h1>
<p id="who">Checking who you are…</p>
<button id="signin" hidden>Sign in with Mastra Cloud</button>
<button id="signout" hidden>Sign out</button>
<script type="module">
const who = document.getElementById('who');
const signin = document.getElementById('signin');
const signout = document.getElementById('signout');
const me = await fetch('/api/auth/me', { credentials: 'same-origin' });
const user = me.ok ? await me.json() : null;
if (user && user.id) {
  who.textContent = 'Signed in as ' + (user.email || user.name || user.id) + '.';
  signout.hidden = false;
} else {
  who.textContent = 'You are not signed in.';
  signin.hidden = false;
}
signin.onclick = async () => {
  const answer = await fetch('/api/auth/sso/login?redirect_uri=/', { credentials: 'same-origin' });
  const { url } = await answer.json();
  location.href = url;
};
signout.onclick = async () => {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
  location.reload();
};
</script>
</body>
</html>
`;
