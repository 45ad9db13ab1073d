/**
 * Streaming upload of dropped files in serve mode: the browser sends each film's bytes in the body of
 * one HTTP request instead of a WebSocket message, so a film of hundreds of MB is streamed from its
 * file to the server's disk and never held whole in either process.
 *
 *   PUT /api/upload?name=<film name>                         body: the film
 *   PUT /api/upload?name=<film>&mask=<mask name>&maskBytes=N body: the film, then its mask (N bytes)
 *
 * The token cookie authorises it like the WebSocket. The answer is a JSON {@link Result} of an
 * {@link ImportReport} (status 200), or a failed Result with an HTTP error status (400 malformed,
 * 403 no token, 409 no project open, 411 no length, 413 too large, 429 too many at once, 408 too slow).
 * Electron has no upload: its renderer hands the bytes over IPC (`project.importFiles`).
 */

/** Path of the upload endpoint on the serve-mode origin. */
export const UPLOAD_PATH = '/api/upload';

/** Longest file name an upload may carry (characters). */
export const MAX_UPLOAD_NAME_LENGTH = 1024;

/**
 * `<stem>_mask.png` or `masks/<stem>.png` (any case, `\` taken as `/`) names the mask of the film
 * `<stem>.*`; returns the stem, or null for a name that is not a mask's.
 */
export function maskStem(name: string): string | null {
  const normalized = name.replace(/\\/g, '/');
  const file = normalized.slice(normalized.lastIndexOf('/') + 1);
  const match = /^(.*)_mask\.png$/i.exec(file);
  if (match) return match[1];
  if (/(^|\/)masks\/[^/]+\.png$/i.test(normalized)) return stripExtension(file);
  return null;
}

/** `name` without its last extension (`a.b.png` -> `a.b`); the last path segment only. */
export function stripExtension(name: string): string {
  const normalized = name.replace(/\\/g, '/');
  const file = normalized.slice(normalized.lastIndexOf('/') + 1);
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/**
 * Pairs dropped files: every file that is not a mask is a film, with the mask dropped beside it (by
 * {@link maskStem}) when there is one. Masks without their film are left out, as an import of
 * dropped files has always done. Films keep their order.
 */
export function pairDroppedFiles<T extends { name: string }>(files: readonly T[]): { film: T; mask?: T }[] {
  const masks = new Map<string, T>();
  const films: T[] = [];
  for (const file of files) {
    const stem = maskStem(file.name);
    if (stem !== null) masks.set(stem, file);
    else films.push(file);
  }
  return films.map((film) => {
    const mask = masks.get(stripExtension(film.name));
    return mask ? { film, mask } : { film };
  });
}

/** Whether a name may travel in an upload: not empty, not too long, no NUL or other control characters. */
export function isUploadName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && name.length <= MAX_UPLOAD_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(name);
}
