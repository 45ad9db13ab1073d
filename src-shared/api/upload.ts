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
 * 403 no token, 409 no project open or open read-only, 411 no length, 413 too large, 429 too many at
 * once, 408 too slow), its sentence by key beside the English (see ./text).
 * Electron has no upload: its renderer hands the bytes over IPC (`project.importFiles`).
 */

import { said, say, type Said } from './text';

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

/** Dropped files paired: each film with its mask, and the masks no film takes. */
export interface DroppedPairs<T> {
  /** Films in the order dropped, each with the mask dropped beside it when there is one. */
  pairs: { film: T; mask?: T }[];
  /**
   * Masks left out: no film `<stem>.*` was dropped with them, or the film already takes another mask
   * (`taken`, the first one dropped). They are never imported, and say why in the import's report.
   */
  unpaired: { mask: T; stem: string; taken?: T }[];
}

/**
 * Pairs dropped files: every file that is not a mask is a film, with the mask dropped beside it (by
 * {@link maskStem}; the first one for a stem) when there is one. Films keep their order; masks that no
 * film takes are returned as `unpaired`, so the import reports them instead of dropping them silently.
 */
export function pairDroppedFiles<T extends { name: string }>(files: readonly T[]): DroppedPairs<T> {
  const masks = new Map<string, T>();
  const extra: { mask: T; stem: string }[] = [];
  const films: T[] = [];
  for (const file of files) {
    const stem = maskStem(file.name);
    if (stem === null) films.push(file);
    else if (masks.has(stem)) extra.push({ mask: file, stem });
    else masks.set(stem, file);
  }
  const taken = new Set<string>();
  const pairs = films.map((film) => {
    const stem = stripExtension(film.name);
    const mask = masks.get(stem);
    if (!mask) return { film };
    taken.add(stem);
    return { film, mask };
  });
  const unpaired: DroppedPairs<T>['unpaired'] = [];
  for (const [stem, mask] of masks) if (!taken.has(stem)) unpaired.push({ mask, stem });
  for (const { mask, stem } of extra) unpaired.push(taken.has(stem) ? { mask, stem, taken: masks.get(stem)! } : { mask, stem });
  return { pairs, unpaired };
}

/** What the import report says of each unpaired mask: rejected, with why (by key, see ./text). */
export function unpairedRejections<T extends { name: string }>(unpaired: DroppedPairs<T>['unpaired']): ({ path: string } & Said)[] {
  return unpaired.map(({ mask, stem, taken }) => ({
    path: mask.name,
    ...said(taken ? say('import.maskSecond', { stem, other: taken.name }) : say('import.maskWithoutFilm', { stem })),
  }));
}

/** Whether a name may travel in an upload: not empty, not too long, no NUL or other control characters. */
export function isUploadName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && name.length <= MAX_UPLOAD_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(name);
}
