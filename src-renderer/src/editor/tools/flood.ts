import { diffRect } from '../../../../src-shared/mask/diff';
import { floodFill } from '../../../../src-shared/mask/edit';
import type { EditorTool, ToolContext, ToolCursor, ToolPointer } from './types';

/**
 * Flood fill: a click gives the active label to the 4-connected region of the clicked pixel's label, e.g.
 * the inside of a lung outline. It never crosses into other labels.
 */
export class FloodFillTool implements EditorTool {
  readonly id = 'flood-fill' as const;

  onPointerDown(p: ToolPointer, ctx: ToolContext): void {
    const diff = floodFill(ctx.mask, p, ctx.activeLabel, { connectivity: 4 });
    if (!diff) return;
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
