import Konva from 'konva';
import type { LabelMask } from '../../../src-shared/api/masks';
import type { PixelRect } from '../../../src-shared/mask/types';
import { ImagePainter } from './image-painter';
import { MaskPainter, lungColors } from './mask-painter';
import type { ToolCursor, ToolPreview } from './tools';

const cursorColours: Record<number, string> = { 1: `rgb(${lungColors.right.join(', ')})`, 2: `rgb(${lungColors.left.join(', ')})` };

/** How long after a half-resolution first paint of the mask its full resolution is painted. */
const HALF_PAINT_FULL_AFTER_MS = 400;

/**
 * What the stage draws, without knowing the stores: an image layer (windowed canvas, not listening), an
 * uncertainty overlay, the mask layer (one canvas redrawn by dirty rectangle) and a tool layer (cursor,
 * lasso, ruler). No layer listens: pointer events are read from the container, so Konva never hit-tests
 * the 9-megapixel layers.
 */
export function createStageScene() {
  let halfTimer: ReturnType<typeof setTimeout> | null = null;
  const imagePainter = new ImagePainter(document.createElement('canvas'));
  const maskPainter = new MaskPainter(document.createElement('canvas'));
  const overlayCanvas = document.createElement('canvas');
  const imageLayer = new Konva.Layer({ listening: false });
  const overlayLayer = new Konva.Layer({ listening: false, visible: false });
  const maskLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  const toolLayer = new Konva.Layer({ listening: false });
  const imageNode = new Konva.Image({ image: imagePainter.canvas, listening: false });
  const overlayNode = new Konva.Image({ image: overlayCanvas, listening: false, opacity: 0.6 });
  const maskNode = new Konva.Image({ image: maskPainter.canvas, listening: false, perfectDrawEnabled: false });
  const cursor = new Konva.Circle({ radius: 10, stroke: '#fff', strokeWidth: 1, strokeScaleEnabled: false, dash: [4, 3], visible: false, listening: false });
  const lasso = new Konva.Line({ points: [], stroke: '#ff0', strokeWidth: 1.5, strokeScaleEnabled: false, closed: false, visible: false, listening: false });
  const rulerLine = new Konva.Line({ points: [], stroke: '#7f7', strokeWidth: 1.5, strokeScaleEnabled: false, visible: false, listening: false });
  imageLayer.add(imageNode);
  overlayLayer.add(overlayNode);
  maskLayer.add(maskNode);
  toolLayer.add(cursor, lasso, rulerLine);

  return {
    imagePainter,
    maskPainter,
    overlayCanvas,
    imageLayer,
    overlayLayer,
    maskLayer,
    imageNode,
    overlayNode,
    maskNode,
    /** The layers in drawing order, for the stage. */
    layers: [imageLayer, overlayLayer, maskLayer, toolLayer] as const,

    /**
     * Repaints the mask (only `rect` when given). `now`: the layer is drawn at once (a batched draw would
     * wait for the next frame). A whole mask painted at half resolution first gets its full resolution a
     * moment later.
     */
    paintMask(mask: LabelMask, rect: PixelRect | null, options: { empty?: boolean; now?: boolean } = {}): void {
      if (halfTimer) clearTimeout(halfTimer);
      halfTimer = null;
      if (options.empty && rect === null) maskPainter.clear(mask);
      else if (maskPainter.paint(mask, rect)) {
        halfTimer = setTimeout(() => {
          halfTimer = null;
          maskPainter.finishHalf();
          maskLayer.batchDraw();
        }, HALF_PAINT_FULL_AFTER_MS);
      }
      maskNode.size({ width: mask.widthPx, height: mask.heightPx });
      if (options.now) maskLayer.draw();
      else maskLayer.batchDraw();
    },

    /**
     * The tool layer at `point` (image pixels, null when the pointer is away): the cursor says what a
     * stroke does (the painted lung's colour, or red for the eraser, which erases every label, protection
     * or not), the lasso its outline, the ruler its line.
     */
    drawTool(point: { x: number; y: number } | null, circle: ToolCursor | null | undefined, preview: ToolPreview | null): void {
      cursor.visible(!!point && circle?.kind === 'circle');
      if (point && circle?.kind === 'circle') cursor.setAttrs({ x: point.x, y: point.y, radius: circle.radiusPx, stroke: circle.role === 'erase' ? '#f55' : cursorColours[circle.label] ?? '#fff' });
      lasso.visible(preview?.kind === 'polyline');
      if (preview?.kind === 'polyline') {
        lasso.points(preview.points.flatMap((p) => [p.x, p.y]));
        lasso.closed(preview.closed);
        lasso.stroke(preview.erase ? '#f55' : '#ff0');
      }
      rulerLine.visible(preview?.kind === 'ruler');
      if (preview?.kind === 'ruler') rulerLine.points([preview.from.x, preview.from.y, preview.to.x, preview.to.y]);
      toolLayer.batchDraw();
    },
  };
}

export type StageScene = ReturnType<typeof createStageScene>;
