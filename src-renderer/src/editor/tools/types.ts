import type { LabelMask } from '../../../../src-shared/api/masks';
import type { MaskDiff } from '../../../../src-shared/mask/diff';
import type { ImagePoint, PixelRect } from '../../../../src-shared/mask/types';

/** The interactive tools; one-shot commands (fill holes, swap...) live in ./commands. */
export type ToolId = 'brush' | 'eraser' | 'smart-brush' | 'lasso-fill' | 'lasso-erase' | 'flood-fill' | 'ruler';

/** A pointer event already converted to continuous image coordinates (pixel (x, y) covers [x, x+1)). */
export interface ToolPointer extends ImagePoint {
  /** Mouse button as in PointerEvent.button (0 primary). */
  button?: number;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** Grey values of the displayed image, one per pixel, row-major, same size as the mask. */
export interface ToolImage {
  widthPx: number;
  heightPx: number;
  data: ArrayLike<number>;
}

/** What a tool may read and do. The stage builds it; tools never touch Konva. */
export interface ToolContext {
  /** The mask being edited, changed in place. */
  mask: LabelMask;
  /** Grey values for the smart brush; null when unavailable (the smart brush then paints like the brush). */
  image: ToolImage | null;
  /** Label painted by brush, lasso fill and flood fill: 1 patient's right lung, 2 patient's left lung. */
  activeLabel: number;
  brushRadiusPx: number;
  /** Smart brush: paint pixels within ± this many grey units of the seed value. */
  smartToleranceGrey: number;
  /**
   * When true, painting (brush, smart brush, lasso fill, flood fill) leaves the other lung's pixels alone.
   * Erasing always erases what is under the eraser: an eraser that silently skips pixels looks broken.
   */
  protectOtherLabels: boolean;
  /** The film's mm per pixel (rows, columns), for the ruler; null or absent without a spacing. */
  spacingMm?: { rowMm: number; colMm: number } | null;
  /** Tells the user why a gesture did nothing (an i18n key such as 'tools.fillLeaks'); optional in tests. */
  notice?(key: string): void;
  /** Records a finished edit (one undo step) under a user-visible name such as "Brush". */
  commit(diff: MaskDiff, label: string): void;
  /** Asks the stage to redraw this rectangle of the mask layer. */
  dirty(rect: PixelRect): void;
}

/** What the tool layer should draw while a tool is active. */
export type ToolPreview =
  | { kind: 'circle'; centre: ImagePoint; radiusPx: number }
  | { kind: 'polyline'; points: readonly ImagePoint[]; closed: boolean; erase: boolean }
  | { kind: 'ruler'; from: ImagePoint; to: ImagePoint; lengthPx: number; lengthMm: number | null };

/** The pointer cursor the stage shows over the image. */
export type ToolCursor = { kind: 'circle'; radiusPx: number; role: 'paint' | 'erase'; label: number } | { kind: 'crosshair' };

/**
 * One editing tool. The stage forwards pointer events in image coordinates; the tool edits ctx.mask,
 * reports dirty rectangles as it goes and commits one diff per gesture.
 */
export interface EditorTool {
  readonly id: ToolId;
  onPointerDown(p: ToolPointer, ctx: ToolContext): void;
  onPointerMove(p: ToolPointer, ctx: ToolContext): void;
  onPointerUp(p: ToolPointer, ctx: ToolContext): void;
  /** Shape to draw on the tool layer (brush circle, lasso path), or null. */
  preview?(): ToolPreview | null;
  /** Finishes a pending gesture as if the pointer were released (e.g. on Enter or when focus is lost). */
  accept?(ctx: ToolContext): void;
  /** Abandons a pending gesture and restores the mask (Escape). */
  reject?(): void;
  cursor?(ctx: ToolContext): ToolCursor;
}
