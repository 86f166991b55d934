/**
 * An absolute `http:` or `https:` URL, parsed; `null` for anything else (relative, another
 * scheme, unparsable). Callers add their own rules (credentials, query, fragment) and errors.
 *
 * @param value - the untrusted string
 * @example
 * parseHttpUrl('https://cloud.mastra.ai')?.origin; // 'https://cloud.mastra.ai'
 * parseHttpUrl('ftp://x'); // null
 */
export function parseHttpUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
}
