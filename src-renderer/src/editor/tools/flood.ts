import { applyDiff, diffRect, type MaskDiff } from '../../../../src-shared/mask/diff';
import { floodFill } from '../../../../src-shared/mask/edit';
import type { EditorTool, ToolContext, ToolCursor, ToolPointer } from './types';

/** A background fill larger than this share of the film is not the inside of an outline. */
export const maxBackgroundFillShare = 0.25;

/** Pixels of a diff that changed. */
function changedPx(diff: MaskDiff): number {
  let count = 0;
  for (let i = 0; i < diff.after.length; i++) if (diff.after[i] !== diff.before[i]) count++;
  return count;
}

/**
 * Whether a fill of background reached outside any outline: it touches the film's edge or covers more
 * than {@link maxBackgroundFillShare} of it (a lung outline with a gap leaks into the whole film).
 */
export function backgroundFillLeaks(diff: MaskDiff, size: { widthPx: number; heightPx: number }): boolean {
  const touchesEdge = diff.x === 0 || diff.y === 0 || diff.x + diff.widthPx === size.widthPx || diff.y + diff.heightPx === size.heightPx;
  return touchesEdge || changedPx(diff) > maxBackgroundFillShare * size.widthPx * size.heightPx;
}

/**
 * Flood fill: a click gives the active label to the 4-connected region of the clicked pixel's label, e.g.
 * the inside of a lung outline, or relabels a lung. It never crosses into other labels. A click on
 * background that is not enclosed (the fill reaches the film's edge or a quarter of it) is undone at
 * once with a notice, instead of painting the whole film.
 */
export class FloodFillTool implements EditorTool {
  readonly id = 'flood-fill' as const;

  onPointerDown(p: ToolPointer, ctx: ToolContext): void {
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    const inside = x >= 0 && y >= 0 && x < ctx.mask.widthPx && y < ctx.mask.heightPx;
    const onBackground = inside && ctx.mask.data[y * ctx.mask.widthPx + x] === 0;
    const diff = floodFill(ctx.mask, p, ctx.activeLabel, { connectivity: 4 });
    if (!diff) return;
    if (onBackground && backgroundFillLeaks(diff, ctx.mask)) {
      applyDiff(ctx.mask, diff, 'undo');
      ctx.notice?.('tools.fillLeaks');
      return;
    }
    ctx.dirty(diffRect(diff));
    ctx.commit(diff, 'Flood fill');
  }

  onPointerMove(): void {}

  onPointerUp(): void {}

  cursor(): ToolCursor {
    return { kind: 'crosshair' };
  }
}

export function createFloodFill(): FloodFillTool {
  return new FloodFillTool();
}
