import Konva from 'konva';
import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import type { PixelRect } from '../../../src-shared/mask/types';
import { useEditorStore } from '../stores/editor';
import { useInferenceStore } from '../stores/inference';
import { useMessagesStore } from '../stores/messages';
import { useViewerStore } from '../stores/viewer';
import { paintUncertainty } from './overlay-painter';
import { markAfterPaint, openMarks } from './open-timing';
import { createStageInput } from './stage-input';
import { createStageScene } from './stage-scene';
import { createToolContext } from './stage-tool-context';
import { createTools, type EditorTool, type ToolPreview } from './tools';
import { fitViewport, oneToOneViewport, zoomAt, type Viewport } from './viewport';

/**
 * The Konva stage of the viewer/editor, tying the stores to what is drawn: the scene (./stage-scene:
 * film, uncertainty, mask and tool layers), the input (./stage-input: tools, pan, window, zoom) and the
 * tools' view of the app (./stage-tool-context). Here: the viewport (fit, 1:1, zoom), the film and mask
 * shown only together, and the watchers that repaint when the stores change.
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
  const scene = createStageScene();
  let windowFrame = 0;
  let fitted = false;
  /** The ruler's current line and length, for the viewer's label (null when no measurement is shown). */
  const ruler = shallowRef<Extract<ToolPreview, { kind: 'ruler' }> | null>(null);
  const toolContext = createToolContext({ editor, viewer, messages }, (rect) => redrawMask(rect));

  /** The revision whose mask was last marked as on screen (the open-film benchmark's mark, once per mask). */
  let maskMarked: string | null = null;

  /** A whole-mask repaint waiting for the next frame: opening a film asks for one several times. */
  let wholeMaskFrame = 0;

  function redrawMask(rect: PixelRect | null, options?: { now?: boolean }): void {
    if (!editor.session?.mask) return;
    if (rect === null && options?.now) {
      // The mask the user is waiting for (a prediction just made): painted in this task, no frame waited for.
      if (wholeMaskFrame) cancelAnimationFrame(wholeMaskFrame);
      wholeMaskFrame = 0;
      repaintWholeMask();
      return;
    }
    if (rect === null) {
      if (!wholeMaskFrame) wholeMaskFrame = requestAnimationFrame(repaintWholeMask);
      return;
    }
    // A dirty rectangle is painted at once (the brush), unless the whole mask is repainted this frame anyway.
    if (wholeMaskFrame) return;
    scene.paintMask(editor.session.mask, rect);
    markMaskShown();
  }

  function repaintWholeMask(): void {
    wholeMaskFrame = 0;
    const session = editor.session;
    if (!session) return;
    // A film's first, untouched mask holds no label at all: cleared, not painted pixel by pixel.
    scene.paintMask(session.mask, null, { empty: session.blank === true && !session.history.modified, now: true });
    markMaskShown();
  }

  function markMaskShown(): void {
    const session = editor.session;
    const revisionId = session?.revision?.id ?? session?.pending?.revisionId ?? null;
    if (!session || !revisionId || revisionId === maskMarked || !scene.maskLayer.visible() || session.imageId !== viewer.imageId || !viewer.shown) return;
    maskMarked = revisionId;
    markAfterPaint(openMarks.mask, session.imageId, { revisionId });
  }

  /** The mask layer shows only while the mask open for editing belongs to the film on screen. */
  function showMaskOfFilm(): void {
    scene.maskLayer.visible(!!viewer.shown && editor.session?.imageId === viewer.imageId);
    scene.maskLayer.batchDraw();
    markMaskShown();
  }

  function applyViewport(): void {
    const current = stage.value;
    if (!current) return;
    scene.maskPainter.viewScale = viewport.value.scale;
    // Zoomed in past half size: a mask still shown at half resolution gets its full one now.
    if (viewport.value.scale > 0.5 && scene.maskPainter.showsHalf) {
      scene.maskPainter.finishHalf();
      scene.maskLayer.batchDraw();
    }
    current.scale({ x: viewport.value.scale, y: viewport.value.scale });
    current.position({ x: viewport.value.x, y: viewport.value.y });
    current.batchDraw();
  }

  /** The film's size in image pixels (a preview on screen is stretched to it). */
  function imageSize(): { widthPx: number; heightPx: number } | null {
    if (viewer.preview && viewer.meta) return { widthPx: viewer.meta.widthPx, heightPx: viewer.meta.heightPx };
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
    scene.imagePainter.render(viewer.window, { invert: viewer.invert });
    scene.imageLayer.batchDraw();
  }

  function scheduleImageRender(): void {
    if (!windowFrame) windowFrame = requestAnimationFrame(renderImage);
  }

  function currentTool(): EditorTool | null {
    return options.editable.value && editor.session ? tools[editor.tool] : null;
  }

  function updateToolLayer(point: { x: number; y: number } | null): void {
    const tool = currentTool();
    const preview = tool?.preview?.() ?? null;
    scene.drawTool(point, tool?.cursor?.(toolContext), preview);
    ruler.value = preview?.kind === 'ruler' ? { ...preview } : null;
  }

  const input = createStageInput({
    container,
    viewport,
    pointerImage,
    currentTool,
    toolContext,
    viewSize,
    window: {
      current: () => viewer.window,
      range: () => (viewer.shown ? Math.max(1, viewer.shown.max - viewer.shown.min) : 256),
      set: (window) => viewer.setWindow(window),
    },
    updateToolLayer,
  });

  let resizeObserver: ResizeObserver | null = null;
  let stopRedraw: (() => void) | null = null;

  onMounted(() => {
    const element = container.value;
    if (!element) return;
    stage.value = new Konva.Stage({ container: element as HTMLDivElement, width: element.clientWidth || 800, height: element.clientHeight || 600 });
    stage.value.add(...scene.layers);
    input.attach(element);
    resizeObserver = new ResizeObserver(() => {
      stage.value?.size({ width: element.clientWidth, height: element.clientHeight });
      if (!fitted) fit();
      applyViewport();
    });
    resizeObserver.observe(element);
    stopRedraw = editor.onRedraw((rect, redrawOptions) => redrawMask(rect, redrawOptions));
    if (viewer.shown) showImage();
    redrawMask(null);
  });

  onBeforeUnmount(() => {
    input.detach(container.value);
    resizeObserver?.disconnect();
    stopRedraw?.();
    if (windowFrame) cancelAnimationFrame(windowFrame);
    if (wholeMaskFrame) cancelAnimationFrame(wholeMaskFrame);
    stage.value?.destroy();
  });

  /** The film last put on the stage, and whether that was its preview (the full film then keeps the view). */
  let staged: { imageId: string | null; preview: boolean } = { imageId: null, preview: false };

  function showImage(): void {
    const pixels = viewer.shown;
    // No pixels (loading another film, or it failed): nothing of the previous patient stays on screen.
    scene.imageNode.visible(!!pixels);
    showMaskOfFilm();
    if (!pixels) {
      staged = { imageId: null, preview: false };
      scene.imageLayer.batchDraw();
      return;
    }
    const isPreview = pixels === viewer.preview;
    const replacesPreview = staged.preview && staged.imageId === viewer.imageId && !isPreview;
    const size = imageSize() ?? pixels;
    scene.imagePainter.setImage(pixels);
    scene.imageNode.size({ width: size.widthPx, height: size.heightPx });
    scene.overlayNode.size({ width: size.widthPx, height: size.heightPx });
    renderImage();
    // The full film replacing its preview keeps whatever zoom and pan the user chose meanwhile.
    if (!replacesPreview) fit();
    const imageId = viewer.imageId;
    if (imageId) {
      const detail = { widthPx: pixels.widthPx, heightPx: pixels.heightPx, preview: isPreview };
      if (!replacesPreview) markAfterPaint(openMarks.film, imageId, detail);
      if (!isPreview) markAfterPaint(openMarks.filmFull, imageId, detail);
    }
    staged = { imageId, preview: isPreview };
  }

  watch(() => viewer.shown, showImage);
  watch(() => [viewer.window, viewer.invert], scheduleImageRender, { deep: true });
  watch(viewport, applyViewport, { deep: true });
  watch(() => editor.session, () => {
    showMaskOfFilm();
    redrawMask(null);
  });
  watch(() => editor.opacity, (opacity) => scene.maskNode.opacity(opacity), { immediate: true });
  watch(() => editor.view, (view) => {
    scene.maskNode.visible(view !== 'hidden');
    if (view !== 'hidden') scene.maskPainter.mode = view;
    redrawMask(null);
  }, { immediate: true });
  watch(() => [editor.view === 'contour' ? viewport.value.scale : 1], ([scale]) => {
    const thickness = Math.max(1, Math.ceil(1.5 / scale));
    if (thickness !== scene.maskPainter.thicknessPx) {
      scene.maskPainter.thicknessPx = thickness;
      redrawMask(null);
    }
  });
  watch(() => [editor.showUncertainty, viewer.imageId] as const, async ([show, imageId]) => {
    scene.overlayLayer.visible(false);
    if (show && imageId) {
      const map = await inference.loadUncertainty(imageId);
      if (map && viewer.imageId === imageId) {
        paintUncertainty(scene.overlayCanvas, map);
        scene.overlayNode.image(scene.overlayCanvas);
        scene.overlayLayer.visible(editor.showUncertainty);
      }
    }
    scene.overlayLayer.batchDraw();
  });
  watch(() => editor.tool, () => {
    input.reject();
  });

  return { viewport, pointerImage, stage, ruler, fit, oneToOne, zoom, acceptGesture: input.accept, rejectGesture: input.reject };
}
