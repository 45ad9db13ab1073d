/**
 * User Timing marks along the path from a click on a film to the film and its mask on screen, read by
 * the open-film benchmark (test/bench/open-film.bench.ts) through `performance.getEntriesByName`. Each
 * name keeps only its latest mark, so a long session does not collect them; `detail.imageId` says which
 * film a mark belongs to.
 */
export const openMarks = {
  /** The click: the workbench starts opening a film. */
  open: 'pleura:open',
  /** The film's first pixels (possibly a reduced preview) reached the renderer. */
  pixels: 'pleura:pixels',
  /** The first frame showing the film has been painted. */
  film: 'pleura:film-painted',
  /** The film at its full resolution is painted (the same as `film` when no preview came first). */
  filmFull: 'pleura:film-full',
  /** The prediction call answered (its detail holds the server's timings). */
  predicted: 'pleura:predicted',
  /** The first frame showing the film's mask has been painted. */
  mask: 'pleura:mask-painted',
} as const;

export type OpenMark = (typeof openMarks)[keyof typeof openMarks];

export function markOpen(name: OpenMark, imageId: string, detail: Record<string, unknown> = {}): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  performance.clearMarks(name);
  performance.mark(name, { detail: { imageId, ...detail } });
}

/**
 * Marks once the frame holding what was just drawn has been painted: the next animation frame runs
 * before that frame's paint, and a task queued from it runs after the paint.
 */
export function markAfterPaint(name: OpenMark, imageId: string, detail: Record<string, unknown> = {}): void {
  if (typeof requestAnimationFrame === 'undefined') return markOpen(name, imageId, detail);
  requestAnimationFrame(() => setTimeout(() => markOpen(name, imageId, detail), 0));
}
