import type { MaskDiff } from '../../../../src-shared/mask/diff';
import { applyDiff, diffRect, mergeDiffs } from '../../../../src-shared/mask/diff';
import { paintStroke, type PaintOptions } from '../../../../src-shared/mask/edit';
import type { ImagePoint } from '../../../../src-shared/mask/types';
import type { EditorTool, ToolContext, ToolCursor, ToolId, ToolPointer, ToolPreview } from './types';

/** How a brush-like tool picks its label and its restrictions when a stroke starts. */
interface StrokeSetup {
  label: number;
  options: PaintOptions;
}

/** The pixel value under `p`, averaged over its 3x3 neighbourhood so one noisy pixel does not set the window. */
export function seedGrey(image: { widthPx: number; heightPx: number; data: ArrayLike<number> }, p: ImagePoint): number | null {
  const cx = Math.floor(p.x);
  const cy = Math.floor(p.y);
  if (cx < 0 || cy < 0 || cx >= image.widthPx || cy >= image.heightPx) return null;
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, cy - 1); y <= Math.min(image.heightPx - 1, cy + 1); y++) {
    for (let x = Math.max(0, cx - 1); x <= Math.min(image.widthPx - 1, cx + 1); x++) {
      sum += image.data[y * image.widthPx + x];
      count++;
    }
  }
  return sum / count;
}

/**
 * Brush, eraser and smart brush share one stroke engine: each pointer move paints the capsule from the last
 * position (no gaps on fast moves) and redraws only its rectangle; pointer up merges the dabs into one diff.
 */
export class BrushTool implements EditorTool {
  readonly id: ToolId;
  private readonly setup: (p: ToolPointer, ctx: ToolContext) => StrokeSetup;
  private readonly name: string;
  private stroke: { last: ImagePoint; diffs: MaskDiff[]; setup: StrokeSetup; ctx: ToolContext } | null = null;
  private hover: ImagePoint | null = null;
  private radiusPx = 0;

  constructor(id: ToolId, name: string, setup: (p: ToolPointer, ctx: ToolContext) => StrokeSetup) {
    this.id = id;
    this.name = name;
    this.setup = setup;
  }

  onPointerDown(p: ToolPointer, ctx: ToolContext): void {
    if (this.stroke) this.finish();
    this.stroke = { last: { x: p.x, y: p.y }, diffs: [], setup: this.setup(p, ctx), ctx };
    this.paint(p, ctx);
  }

  onPointerMove(p: ToolPointer, ctx: ToolContext): void {
    this.hover = { x: p.x, y: p.y };
    this.radiusPx = ctx.brushRadiusPx;
    if (this.stroke) this.paint(p, ctx);
  }

  onPointerUp(p: ToolPointer, ctx: ToolContext): void {
    if (!this.stroke) return;
    if (p.x !== this.stroke.last.x || p.y !== this.stroke.last.y) this.paint(p, ctx);
    this.finish();
  }

  accept(): void {
    this.finish();
  }

  reject(): void {
    const stroke = this.stroke;
    this.stroke = null;
    if (!stroke) return;
    for (let k = stroke.diffs.length - 1; k >= 0; k--) stroke.ctx.dirty(applyDiff(stroke.ctx.mask, stroke.diffs[k], 'undo'));
  }

  preview(): ToolPreview | null {
    return this.hover ? { kind: 'circle', centre: this.hover, radiusPx: this.radiusPx } : null;
  }

  cursor(ctx: ToolContext): ToolCursor {
    const erase = this.id === 'eraser';
    return { kind: 'circle', radiusPx: ctx.brushRadiusPx, role: erase ? 'erase' : 'paint', label: erase ? 0 : ctx.activeLabel };
  }

  private paint(p: ToolPointer, ctx: ToolContext): void {
    const stroke = this.stroke;
    if (!stroke) return;
    const diff = paintStroke(ctx.mask, stroke.last, p, ctx.brushRadiusPx, stroke.setup.label, stroke.setup.options);
    stroke.last = { x: p.x, y: p.y };
    if (!diff) return;
    stroke.diffs.push(diff);
    ctx.dirty(diffRect(diff));
  }

  private finish(): void {
    const stroke = this.stroke;
    this.stroke = null;
    if (!stroke) return;
    const merged = stroke.diffs.length === 1 ? stroke.diffs[0] : mergeDiffs(stroke.ctx.mask, stroke.diffs);
    if (merged) stroke.ctx.commit(merged, this.name);
  }
}

function protect(ctx: ToolContext, label: number): PaintOptions {
  return ctx.protectOtherLabels ? { onlyOver: [0, label] } : {};
}

/** Paints the active label. */
export function createBrush(): BrushTool {
  return new BrushTool('brush', 'Brush', (_p, ctx) => ({ label: ctx.activeLabel, options: protect(ctx, ctx.activeLabel) }));
}

/** Paints background over every label: protection is for painting, an eraser erases what it covers. */
export function createEraser(): BrushTool {
  return new BrushTool('eraser', 'Eraser', () => ({ label: 0, options: {} }));
}

/**
 * Paints the active label over pixels whose grey value is within ± smartToleranceGrey of the value under
 * the pointer when the stroke starts (the lung's dark field, not the ribs' or heart's brighter pixels).
 */
export function createSmartBrush(): BrushTool {
  return new BrushTool('smart-brush', 'Smart brush', (p, ctx) => {
    const options = protect(ctx, ctx.activeLabel);
    const seed = ctx.image ? seedGrey(ctx.image, p) : null;
    if (ctx.image && seed !== null) {
      options.intensity = { image: ctx.image.data, min: seed - ctx.smartToleranceGrey, max: seed + ctx.smartToleranceGrey };
    }
    return { label: ctx.activeLabel, options };
  });
}
