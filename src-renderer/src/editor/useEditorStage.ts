import Konva from 'konva';
import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import type { PixelRect } from '../../../src-shared/mask/types';
import { useEditorStore } from '../stores/editor';
import { useInferenceStore } from '../stores/inference';
import { useMessagesStore } from '../stores/messages';
import { dragWindow, useViewerStore, type DisplayWindow } from '../stores/viewer';
import { ImagePainter } from './image-painter';
import { MaskPainter, lungColors } from './mask-painter';
import { paintUncertainty } from './overlay-painter';
import { recordFrame } from './frame-timing';
import { markAfterPaint, openMarks } from './open-timing';
import { createTools, type EditorTool, type ToolContext, type ToolPointer, type ToolPreview } from './tools';
import { fitViewport, oneToOneViewport, panBy, stageToImage, zoomAt, type Viewport } from './viewport';

type Gesture =
  | { kind: 'none' }
  | { kind: 'pan'; lastX: number; lastY: number }
  | { kind: 'window'; startX: number; startY: number; start: DisplayWindow }
  | { kind: 'tool'; tool: EditorTool };

const cursorColours: Record<number, string> = { 1: `rgb(${lungColors.right.join(', ')})`, 2: `rgb(${lungColors.left.join(', ')})` };

/**
 * The Konva stage of the viewer/editor: an image layer (windowed canvas, not listening), an uncertainty
 * overlay, the mask layer (one canvas redrawn by dirty rectangle) and a tool layer (cursor, lasso). Pointer
 * events are read from the container directly, so Konva never hit-tests the 9-megapixel layers.
 */
export function useEditorStage(container: Ref<HTMLElement | null>, options: { editable: Ref<boolean> }) {
  const viewer = useViewerStore();
  const editor = useEditorStore();
  const messages = useMessagesStore();
  const inference = useInferenceStore();
  const viewport = ref<Viewport>({ scale: 1, x: 0, y: 0 });
  const pointerImage = ref<{ x: number; y: number } | null>(null);
  const stage = shallowRef<Konva.Stage | null>(null);
  const tools = createTools();
  let gesture: Gesture = { kind: 'none' };
  let spaceHeld = false;
  let windowFrame = 0;
  let fitted = false;

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
  imageLayer.add(imageNode);
  overlayLayer.add(overlayNode);
  maskLayer.add(maskNode);
  const rulerLine = new Konva.Line({ points: [], stroke: '#7f7', strokeWidth: 1.5, strokeScaleEnabled: false, visible: false, listening: false });
  toolLayer.add(cursor, lasso, rulerLine);
  /** The ruler's current line and length, for the viewer's label (null when no measurement is shown). */
  const ruler = shallowRef<Extract<ToolPreview, { kind: 'ruler' }> | null>(null);

  const toolContext: ToolContext = {
    get mask() {
      return editor.session!.mask;
    },
    get image() {
      const pixels = viewer.pixels;
      const mask = editor.session?.mask;
      return pixels && mask && pixels.channels === 1 && pixels.widthPx === mask.widthPx && pixels.heightPx === mask.heightPx ? pixels : null;
    },
    get activeLabel() {
      return editor.activeLabel;
    },
    get brushRadiusPx() {
      return editor.brushRadiusPx;
    },
    get smartToleranceGrey() {
      return (viewer.window.width * editor.smartTolerancePercent) / 100;
    },
    get protectOtherLabels() {
      return editor.protectOtherLabels;
    },
    commit: (diff, label) => editor.commit(diff, label),
    dirty: (rect) => redrawMask(rect),
    notice: (key) => messages.push('warning', key),
    get spacingMm() {
      const spacing = viewer.meta?.spacing;
      return spacing ? { rowMm: spacing.rowMm, colMm: spacing.colMm } : null;
    },
  };

  /** The revision whose mask was last marked as on screen (the open-film benchmark's mark, once per mask). */
  let maskMarked: string | null = null;

  function redrawMask(rect: PixelRect | null): void {
    const mask = editor.session?.mask;
    if (!mask) return;
    maskPainter.paint(mask, rect);
    maskNode.size({ width: mask.widthPx, height: mask.heightPx });
    maskLayer.batchDraw();
    markMaskShown();
  }

  function markMaskShown(): void {
    const session = editor.session;
    const revisionId = session?.revision?.id ?? null;
    if (!session || !revisionId || revisionId === maskMarked || !maskLayer.visible() || session.imageId !== viewer.imageId || !viewer.pixels) return;
    maskMarked = revisionId;
    markAfterPaint(openMarks.mask, session.imageId, { revisionId });
  }

  /** The mask layer shows only while the mask open for editing belongs to the film on screen. */
  function showMaskOfFilm(): void {
    maskLayer.visible(!!viewer.pixels && editor.session?.imageId === viewer.imageId);
    maskLayer.batchDraw();
    markMaskShown();
  }

  function applyViewport(): void {
    const current = stage.value;
    if (!current) return;
    current.scale({ x: viewport.value.scale, y: viewport.value.scale });
    current.position({ x: viewport.value.x, y: viewport.value.y });
    current.batchDraw();
  }

  function imageSize(): { widthPx: number; heightPx: number } | null {
    const source = viewer.pixels ?? editor.session?.mask;
    return source ? { widthPx: source.widthPx, heightPx: source.heightPx } : null;
  }

  function viewSize(): { widthPx: number; heightPx: number } {
    return { widthPx: stage.value?.width() ?? 1, heightPx: stage.value?.height() ?? 1 };
  }

  function fit(): void {
    const size = imageSize();
    if (!size) return;
    viewport.value = fitViewport(size, viewSize());
    fitted = true;
  }

  function oneToOne(): void {
    viewport.value = oneToOneViewport(viewport.value, viewSize());
  }

  function zoom(factor: number): void {
    const view = viewSize();
    viewport.value = zoomAt(viewport.value, factor, { x: view.widthPx / 2, y: view.heightPx / 2 });
  }

  function renderImage(): void {
    windowFrame = 0;
    imagePainter.render(viewer.window, { invert: viewer.invert });
    imageLayer.batchDraw();
  }

  function scheduleImageRender(): void {
    if (!windowFrame) windowFrame = requestAnimationFrame(renderImage);
  }

  function localPoint(event: PointerEvent | WheelEvent): { x: number; y: number } {
    const box = container.value!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function toolPointer(event: PointerEvent): ToolPointer {
    const p = stageToImage(viewport.value, localPoint(event));
    return { x: p.x, y: p.y, button: event.button, shiftKey: event.shiftKey, altKey: event.altKey };
  }

  function currentTool(): EditorTool | null {
    return options.editable.value && editor.session ? tools[editor.tool] : null;
  }

  function updateToolLayer(point: { x: number; y: number } | null): void {
    const tool = currentTool();
    const preview = tool?.preview?.() ?? null;
    const circle = tool?.cursor?.(toolContext);
    cursor.visible(!!point && circle?.kind === 'circle');
    // The cursor says what a stroke does: the painted lung's colour, or red for the eraser (which
    // erases every label, protection or not).
    if (point && circle?.kind === 'circle') cursor.setAttrs({ x: point.x, y: point.y, radius: circle.radiusPx, stroke: circle.role === 'erase' ? '#f55' : cursorColours[circle.label] ?? '#fff' });
    lasso.visible(preview?.kind === 'polyline');
    if (preview?.kind === 'polyline') {
      lasso.points(preview.points.flatMap((p) => [p.x, p.y]));
      lasso.closed(preview.closed);
      lasso.stroke(preview.erase ? '#f55' : '#ff0');
    }
    rulerLine.visible(preview?.kind === 'ruler');
    if (preview?.kind === 'ruler') rulerLine.points([preview.from.x, preview.from.y, preview.to.x, preview.to.y]);
    ruler.value = preview?.kind === 'ruler' ? { ...preview } : null;
    toolLayer.batchDraw();
  }

  function onPointerDown(event: PointerEvent): void {
    container.value?.setPointerCapture(event.pointerId);
    const p = localPoint(event);
    if (event.button === 2) {
      gesture = { kind: 'window', startX: p.x, startY: p.y, start: { ...viewer.window } };
    } else if (event.button === 1 || spaceHeld || !currentTool()) {
      gesture = { kind: 'pan', lastX: p.x, lastY: p.y };
    } else if (event.button === 0) {
      const tool = currentTool()!;
      gesture = { kind: 'tool', tool };
      tool.onPointerDown(toolPointer(event), toolContext);
      updateToolLayer(stageToImage(viewport.value, p));
    }
  }

  function onPointerMove(event: PointerEvent): void {
    const started = performance.now();
    const p = localPoint(event);
    const imagePoint = stageToImage(viewport.value, p);
    pointerImage.value = imagePoint;
    if (gesture.kind === 'pan') {
      viewport.value = panBy(viewport.value, p.x - gesture.lastX, p.y - gesture.lastY);
      gesture.lastX = p.x;
      gesture.lastY = p.y;
    } else if (gesture.kind === 'window') {
      const pixels = viewer.pixels;
      const range = pixels ? Math.max(1, pixels.max - pixels.min) : 256;
      viewer.setWindow(dragWindow(gesture.start, p.x - gesture.startX, p.y - gesture.startY, range, viewSize().widthPx));
    } else if (gesture.kind === 'tool') {
      gesture.tool.onPointerMove(toolPointer(event), toolContext);
      recordFrame(performance.now() - started);
    } else currentTool()?.onPointerMove(toolPointer(event), toolContext);
    updateToolLayer(imagePoint);
  }

  function onPointerUp(event: PointerEvent): void {
    if (gesture.kind === 'tool') gesture.tool.onPointerUp(toolPointer(event), toolContext);
    gesture = { kind: 'none' };
    updateToolLayer(stageToImage(viewport.value, localPoint(event)));
  }

  function onPointerLeave(): void {
    pointerImage.value = null;
    if (gesture.kind !== 'tool') updateToolLayer(null);
  }

  function onWheel(event: WheelEvent): void {
    event.preventDefault();
    viewport.value = zoomAt(viewport.value, Math.exp(-event.deltaY * 0.0015), localPoint(event));
  }

  function onKey(event: KeyboardEvent): void {
    if (event.code !== 'Space') return;
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    spaceHeld = event.type === 'keydown';
    if (container.value) container.value.style.cursor = spaceHeld ? 'grab' : '';
  }

  /** Finishes or abandons a pending gesture (Enter / Escape). */
  function acceptGesture(): void {
    currentTool()?.accept?.(toolContext);
    updateToolLayer(pointerImage.value);
  }
  function rejectGesture(): void {
    currentTool()?.reject?.();
    gesture = { kind: 'none' };
    updateToolLayer(pointerImage.value);
  }

  const preventMenu = (event: Event) => event.preventDefault();
  let resizeObserver: ResizeObserver | null = null;
  let stopRedraw: (() => void) | null = null;

  onMounted(() => {
    const element = container.value;
    if (!element) return;
    stage.value = new Konva.Stage({ container: element as HTMLDivElement, width: element.clientWidth || 800, height: element.clientHeight || 600 });
    stage.value.add(imageLayer, overlayLayer, maskLayer, toolLayer);
    element.addEventListener('pointerdown', onPointerDown);
    element.addEventListener('pointermove', onPointerMove);
    element.addEventListener('pointerup', onPointerUp);
    element.addEventListener('pointerleave', onPointerLeave);
    element.addEventListener('wheel', onWheel, { passive: false });
    element.addEventListener('contextmenu', preventMenu);
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    resizeObserver = new ResizeObserver(() => {
      stage.value?.size({ width: element.clientWidth, height: element.clientHeight });
      if (!fitted) fit();
      applyViewport();
    });
    resizeObserver.observe(element);
    stopRedraw = editor.onRedraw((rect) => redrawMask(rect));
    if (viewer.pixels) showImage();
    redrawMask(null);
  });

  onBeforeUnmount(() => {
    const element = container.value;
    element?.removeEventListener('pointerdown', onPointerDown);
    element?.removeEventListener('pointermove', onPointerMove);
    element?.removeEventListener('pointerup', onPointerUp);
    element?.removeEventListener('pointerleave', onPointerLeave);
    element?.removeEventListener('wheel', onWheel);
    element?.removeEventListener('contextmenu', preventMenu);
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKey);
    resizeObserver?.disconnect();
    stopRedraw?.();
    if (windowFrame) cancelAnimationFrame(windowFrame);
    stage.value?.destroy();
  });

  function showImage(): void {
    const pixels = viewer.pixels;
    // No pixels (loading another film, or it failed): nothing of the previous patient stays on screen.
    imageNode.visible(!!pixels);
    showMaskOfFilm();
    if (!pixels) {
      imageLayer.batchDraw();
      return;
    }
    imagePainter.setImage(pixels);
    imageNode.size({ width: pixels.widthPx, height: pixels.heightPx });
    overlayNode.size({ width: pixels.widthPx, height: pixels.heightPx });
    renderImage();
    fit();
    if (viewer.imageId) markAfterPaint(openMarks.film, viewer.imageId, { widthPx: pixels.widthPx, heightPx: pixels.heightPx });
  }

  watch(() => viewer.pixels, showImage);
  watch(() => [viewer.window, viewer.invert], scheduleImageRender, { deep: true });
  watch(viewport, applyViewport, { deep: true });
  watch(() => editor.session, () => {
    showMaskOfFilm();
    redrawMask(null);
  });
  watch(() => editor.opacity, (opacity) => maskNode.opacity(opacity), { immediate: true });
  watch(() => editor.view, (view) => {
    maskNode.visible(view !== 'hidden');
    if (view !== 'hidden') maskPainter.mode = view;
    redrawMask(null);
  }, { immediate: true });
  watch(() => [editor.view === 'contour' ? viewport.value.scale : 1], ([scale]) => {
    const thickness = Math.max(1, Math.ceil(1.5 / scale));
    if (thickness !== maskPainter.thicknessPx) {
      maskPainter.thicknessPx = thickness;
      redrawMask(null);
    }
  });
  watch(() => [editor.showUncertainty, viewer.imageId] as const, async ([show, imageId]) => {
    overlayLayer.visible(false);
    if (show && imageId) {
      const map = await inference.loadUncertainty(imageId);
      if (map && viewer.imageId === imageId) {
        paintUncertainty(overlayCanvas, map);
        overlayNode.image(overlayCanvas);
        overlayLayer.visible(editor.showUncertainty);
      }
    }
    overlayLayer.batchDraw();
  });
  watch(() => editor.tool, () => {
    rejectGesture();
  });

  return { viewport, pointerImage, stage, ruler, fit, oneToOne, zoom, acceptGesture, rejectGesture };
}
