/**
 * Parsing of the request target of an HTTP request or WebSocket upgrade, without trusting it: only
 * origin-form targets (`/path?query`) are accepted, and the authority never comes from the request.
 */

/** Request targets longer than this are refused (Node's header limit already caps them near 16 KB). */
const MAX_TARGET_LENGTH = 8192;

/** The URL of an origin-form request target against `origin`, or null when it is not one. */
export function parseRequestTarget(target: string | undefined, origin: string): URL | null {
  if (typeof target !== 'string' || !target.startsWith('/') || target.length > MAX_TARGET_LENGTH) return null;
  try {
    // Prefixing the fixed origin keeps `//host/...` and `//[` in the path instead of the authority.
    const url = new URL(`${origin}${target}`);
    return url.origin === new URL(origin).origin ? url : null;
  } catch {
    return null;
  }
}

/** A URL path with its `%` escapes decoded, or null when an escape is malformed or decodes to NUL. */
export function decodePathname(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}
