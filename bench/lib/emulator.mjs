// The Cloud emulator's control API (`/__emulator/...`), for the bench and reliability scripts.

/** One control call; resolves to the answer's `data`, throws on anything but `{ ok: true }`. */
export async function emulatorControl(cloud, method, action, body) {
  const response = await fetch(`${cloud}/__emulator/${action}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = await response.json();
  if (!response.ok || json.ok !== true)
    throw new Error(`emulator ${action}: ${response.status} ${JSON.stringify(json)}`);
  return json.data;
}
