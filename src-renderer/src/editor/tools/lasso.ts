import { diffRect } from '../../../../src-shared/mask/diff';
import { fillPolygon } from '../../../../src-shared/mask/edit';
import type { ImagePoint } from '../../../../src-shared/mask/types';
import type { EditorTool, ToolContext, ToolCursor, ToolId, ToolPointer, ToolPreview } from './types';

/** Points closer than this to the previous one are skipped: a lasso needs shape, not every mouse event. */
const MIN_STEP_PX = 0.75;

/** Lasso: drag a free-hand outline; on release its inside is filled with the active label, or erased. */
export class LassoTool implements EditorTool {
  readonly id: ToolId;
  private readonly erase: boolean;
  private points: ImagePoint[] | null = null;

  constructor(options: { erase: boolean }) {
    this.erase = options.erase;
    this.id = options.erase ? 'lasso-erase' : 'lasso-fill';
  }

  onPointerDown(p: ToolPointer): void {
    this.points = [{ x: p.x, y: p.y }];
  }

  onPointerMove(p: ToolPointer): void {
    const points = this.points;
    if (!points) return;
    const last = points[points.length - 1];
    if (Math.hypot(p.x - last.x, p.y - last.y) >= MIN_STEP_PX) points.push({ x: p.x, y: p.y });
  }

  onPointerUp(p: ToolPointer, ctx: ToolContext): void {
    this.onPointerMove(p);
    this.accept(ctx);
  }

  /** Fills (or erases) the outline drawn so far. */
  accept(ctx: ToolContext): void {
    const points = this.points;
    this.points = null;
    if (!points || points.length < 3) return;
    const label = this.erase ? 0 : ctx.activeLabel;
    const onlyOver = ctx.protectOtherLabels && !this.erase ? [0, ctx.activeLabel] : undefined;
    const diff = fillPolygon(ctx.mask, points, label, { onlyOver });
    if (!diff) return;
    ctx.dirty(diffRect(diff));
    ctx.commit(diff, this.erase ? 'Lasso erase' : 'Lasso fill');
  }

  reject(): void {
    this.points = null;
  }

  preview(): ToolPreview | null {
    return this.points ? { kind: 'polyline', points: this.points, closed: true, erase: this.erase } : null;
  }

  cursor(): ToolCursor {
    return { kind: 'crosshair' };
  }
}

export function createLassoFill(): LassoTool {
  return new LassoTool({ erase: false });
}

export function createLassoErase(): LassoTool {
  return new LassoTool({ erase: true });
}
