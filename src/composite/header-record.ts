/**
 * Carrying several values of one header (several `Set-Cookie`) in a `Record<string, string>`.
 *
 * `@mastra/server` (logout, session refresh, SSO callback) applies such a record with
 * `for (const [k, v] of Object.entries(record)) headers.append(k, v)`. Object keys are
 * case-sensitive and header names are not, so each extra value goes under another spelling of
 * the name (`Set-Cookie`, `set-cookie`, `SET-COOKIE`, `sET-COOKIE`, ...): `Headers.append` then
 * adds every value, and `Set-Cookie` values stay separate lines on the wire (Fetch never joins
 * them; `Headers.getSetCookie()` lists each; `new Headers(record)` appends too). A caller that
 * applies the record with `Headers.set` keeps only one value per name: give such a caller the
 * plain list instead (`CompositeAuth.getClearSessionCookies()`).
 *
 * @module
 */

/** One header line: a name as the provider spelt it and its value. */
export type HeaderEntry = readonly [name: string, value: string];

/**
 * Merge header lines into one record, keeping every distinct value of a name under a distinct
 * spelling. Exact duplicates (same name, any case, same value) are kept once.
 *
 * @param entries - Header lines in order; names are kept as given for their first value.
 * @returns A record that, applied with `Headers.append` per entry, reproduces every line.
 */
export function mergeHeaderEntries(entries: Iterable<HeaderEntry>): Record<string, string> {
  const record: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const id = `${lower}\n${value}`;
    if (seen.has(id)) continue;
    const key = freeSpelling(record, name);
    if (key === undefined) continue; // 2^letters spellings used up: cannot happen for real headers
    seen.add(id);
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

/** RFC 9110 `token`: what `Headers.append` accepts as a name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A value `Headers.append` accepts: no CR, LF or NUL. */
const HEADER_VALUE = /^[^\r\n\0]*$/;

/**
 * Read a provider's header record back into lines, splitting no value. Entries `Headers.append`
 * would refuse (bad name, CR/LF in the value, non-string value) are dropped, so one bad entry
 * cannot turn a logout into a 500.
 *
 * @param record - A header record from a provider (untrusted shape).
 * @returns The header lines, names as the provider spelt them.
 */
export function headerEntries(record: unknown): HeaderEntry[] {
  if (typeof record !== 'object' || record === null) return [];
  const entries: HeaderEntry[] = [];
  for (const key of Object.keys(record)) {
    const value: unknown = Reflect.get(record, key);
    if (typeof value !== 'string' || !HEADER_NAME.test(key) || !HEADER_VALUE.test(value)) continue;
    entries.push([key, value]);
  }
  return entries;
}

/** The first spelling of `name` (as given, then case flips in a fixed order) not yet a key. */
function freeSpelling(record: Record<string, string>, name: string): string | undefined {
  if (!Object.hasOwn(record, name)) return name;
  const letters: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch.toLowerCase() !== ch.toUpperCase()) letters.push(i);
  }
  const variants = 2 ** Math.min(letters.length, 16);
  const lower = name.toLowerCase();
  for (let mask = 0; mask < variants; mask++) {
    const chars = [...lower];
    letters.forEach((position, bit) => {
      if (mask & (1 << bit)) chars[position] = chars[position]!.toUpperCase();
    });
    const spelling = chars.join('');
    if (!Object.hasOwn(record, spelling)) return spelling;
  }
  return undefined;
}
