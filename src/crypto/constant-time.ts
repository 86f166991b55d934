/**
 * Secret comparison whose running time does not depend on where (or whether) the inputs differ.
 *
 * JavaScript gives no hard guarantee (the JIT may still branch), so secrets are compared as
 * SHA-256 digests: equal length always, and an attacker controls only the digest of the guess.
 *
 * @module
 */

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Compare two byte strings in time that depends only on their lengths.
 *
 * @returns `1` when equal, `0` otherwise (a number, so callers can combine results without branching).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): 0 | 1 {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  // diff is in [0, 2^31); (diff - 1) >>> 31 is 1 exactly when diff === 0.
  return (diff - 1) >>> 31 === 1 ? 1 : 0;
}

/**
 * Find `candidate` among `digests` by comparing against every entry, whatever matches.
 *
 * @param candidate - SHA-256 digest of the presented secret.
 * @param digests - SHA-256 digests of the configured secrets.
 * @returns The index of the matching digest, or `-1`.
 */
export function constantTimeIndexOf(candidate: Uint8Array, digests: readonly Uint8Array[]): number {
  let hit = 0;
  for (let i = 0; i < digests.length; i++) {
    const equal = constantTimeEqual(candidate, digests[i]!);
    hit |= -equal & (i + 1);
  }
  return hit - 1;
}

/**
 * The code units of `secret`, for {@link constantTimeStringIndexOf} (precompute once per secret).
 *
 * @param secret - a configured secret (non-empty)
 */
export function secretCodeUnits(secret: string): Uint16Array {
  const units = new Uint16Array(secret.length);
  for (let i = 0; i < secret.length; i++) units[i] = secret.charCodeAt(i);
  return units;
}

/**
 * Find `candidate` among `secrets` by comparing it against every one of them in full, whatever
 * matches, without hashing (synchronous, no allocation). The work per secret is a loop over the
 * secret's own length that reads the candidate cyclically (`i % candidate.length`), so the running
 * time depends on the secrets' lengths (fixed) and never on the candidate's contents, on where it
 * differs, on which secret (if any) matched, or on whether it is shorter or longer than a secret.
 * Equal means the same UTF-16 code units (string equality).
 *
 * @param candidate - the presented token
 * @param secrets - from {@link secretCodeUnits}, one per configured secret
 * @returns the index of the matching secret, or `-1` (always `-1` for an empty candidate)
 */
export function constantTimeStringIndexOf(candidate: string, secrets: readonly Uint16Array[]): number {
  const length = candidate.length;
  if (length === 0) return -1;
  let hit = 0;
  for (let s = 0; s < secrets.length; s++) {
    const secret = secrets[s]!;
    let diff = length ^ secret.length;
    // j walks the candidate cyclically (i % length, without a division per character).
    for (let i = 0, j = 0; i < secret.length; i++) {
      diff |= candidate.charCodeAt(j) ^ secret[i]!;
      j = j + 1 === length ? 0 : j + 1;
    }
    // diff is in [0, 2^31); (diff - 1) >>> 31 is 1 exactly when diff === 0.
    hit |= -((diff - 1) >>> 31) & (s + 1);
  }
  return hit - 1;
}
