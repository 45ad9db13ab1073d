import type { ImagePoint } from '../../../../src-shared/mask/types';
import type { EditorTool, ToolContext, ToolCursor, ToolPointer, ToolPreview } from './types';

/** A distance in image pixels and, with a spacing, in millimetres (rows and columns may differ). */
export function measureDistance(from: ImagePoint, to: ImagePoint, spacing: { rowMm: number; colMm: number } | null): { lengthPx: number; lengthMm: number | null } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  return { lengthPx: Math.hypot(dx, dy), lengthMm: spacing ? Math.hypot(dx * spacing.colMm, dy * spacing.rowMm) : null };
}

/**
 * Distance ruler: press, drag, release; the line and its length stay on screen until the next
 * measurement or Escape. It never edits the mask.
 */
export class RulerTool implements EditorTool {
  readonly id = 'ruler' as const;
  private line: { from: ImagePoint; to: ImagePoint } | null = null;
  private dragging = false;
  private spacing: { rowMm: number; colMm: number } | null = null;

  onPointerDown(p: ToolPointer, ctx: ToolContext): void {
    this.spacing = ctx.spacingMm ?? null;
    this.line = { from: { x: p.x, y: p.y }, to: { x: p.x, y: p.y } };
    this.dragging = true;
  }

  onPointerMove(p: ToolPointer): void {
    if (this.dragging && this.line) this.line.to = { x: p.x, y: p.y };
  }

  onPointerUp(p: ToolPointer): void {
    this.onPointerMove(p);
    this.dragging = false;
  }

  reject(): void {
    this.line = null;
    this.dragging = false;
  }

  preview(): ToolPreview | null {
    if (!this.line) return null;
    return { kind: 'ruler', from: this.line.from, to: this.line.to, ...measureDistance(this.line.from, this.line.to, this.spacing) };
  }

  cursor(): ToolCursor {
    return { kind: 'crosshair' };
  }
}

export function createRuler(): RulerTool {
  return new RulerTool();
}
