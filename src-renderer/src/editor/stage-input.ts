import type { Ref } from 'vue';
import { dragWindow, type DisplayWindow } from '../stores/viewer';
import { recordFrame } from './frame-timing';
import type { EditorTool, ToolContext, ToolPointer } from './tools';
import { panBy, stageToImage, zoomAt, type Viewport } from './viewport';

type Gesture =
  | { kind: 'none' }
  | { kind: 'pan'; lastX: number; lastY: number }
  | { kind: 'window'; startX: number; startY: number; start: DisplayWindow }
  | { kind: 'tool'; tool: EditorTool };

export interface StageInputDeps {
  container: Ref<HTMLElement | null>;
  viewport: Ref<Viewport>;
  /** Where the pointer is, in image pixels (null when it left the stage). */
  pointerImage: Ref<{ x: number; y: number } | null>;
  /** The tool a left-button drag uses; null when the stage is not editing (it pans then). */
  currentTool(): EditorTool | null;
  toolContext: ToolContext;
  viewSize(): { widthPx: number; heightPx: number };
  /** Right-button drag: the display window. */
  window: { current(): DisplayWindow; range(): number; set(window: DisplayWindow): void };
  /** Redraws the tool layer for the pointer at an image point. */
  updateToolLayer(point: { x: number; y: number } | null): void;
}

/**
 * Mouse and keyboard on the stage: the left button runs the current tool (or pans when there is none or
 * Space is held), the middle button pans, the right button drags the window, the wheel zooms at the
 * cursor; Enter/Escape finish or abandon a pending gesture (through {@link accept} / {@link reject}).
 */
export function createStageInput(deps: StageInputDeps) {
  let gesture: Gesture = { kind: 'none' };
  let spaceHeld = false;

  function localPoint(event: PointerEvent | WheelEvent): { x: number; y: number } {
    const box = deps.container.value!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function toolPointer(event: PointerEvent): ToolPointer {
    const p = stageToImage(deps.viewport.value, localPoint(event));
    return { x: p.x, y: p.y, button: event.button, shiftKey: event.shiftKey, altKey: event.altKey };
  }

  function onPointerDown(event: PointerEvent): void {
    deps.container.value?.setPointerCapture(event.pointerId);
    const p = localPoint(event);
    if (event.button === 2) {
      gesture = { kind: 'window', startX: p.x, startY: p.y, start: { ...deps.window.current() } };
    } else if (event.button === 1 || spaceHeld || !deps.currentTool()) {
      gesture = { kind: 'pan', lastX: p.x, lastY: p.y };
    } else if (event.button === 0) {
      const tool = deps.currentTool()!;
      gesture = { kind: 'tool', tool };
      tool.onPointerDown(toolPointer(event), deps.toolContext);
      deps.updateToolLayer(stageToImage(deps.viewport.value, p));
    }
  }

  function onPointerMove(event: PointerEvent): void {
    const started = performance.now();
    const p = localPoint(event);
    const imagePoint = stageToImage(deps.viewport.value, p);
    deps.pointerImage.value = imagePoint;
    if (gesture.kind === 'pan') {
      deps.viewport.value = panBy(deps.viewport.value, p.x - gesture.lastX, p.y - gesture.lastY);
      gesture.lastX = p.x;
      gesture.lastY = p.y;
    } else if (gesture.kind === 'window') {
      deps.window.set(dragWindow(gesture.start, p.x - gesture.startX, p.y - gesture.startY, deps.window.range(), deps.viewSize().widthPx));
    } else if (gesture.kind === 'tool') {
      gesture.tool.onPointerMove(toolPointer(event), deps.toolContext);
      recordFrame(performance.now() - started);
    } else deps.currentTool()?.onPointerMove(toolPointer(event), deps.toolContext);
    deps.updateToolLayer(imagePoint);
  }

  function onPointerUp(event: PointerEvent): void {
    if (gesture.kind === 'tool') gesture.tool.onPointerUp(toolPointer(event), deps.toolContext);
    gesture = { kind: 'none' };
    deps.updateToolLayer(stageToImage(deps.viewport.value, localPoint(event)));
  }

  function onPointerLeave(): void {
    deps.pointerImage.value = null;
    if (gesture.kind !== 'tool') deps.updateToolLayer(null);
  }

  function onWheel(event: WheelEvent): void {
    event.preventDefault();
    deps.viewport.value = zoomAt(deps.viewport.value, Math.exp(-event.deltaY * 0.0015), localPoint(event));
  }

  function onKey(event: KeyboardEvent): void {
    if (event.code !== 'Space') return;
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    spaceHeld = event.type === 'keydown';
    if (deps.container.value) deps.container.value.style.cursor = spaceHeld ? 'grab' : '';
  }

  const preventMenu = (event: Event) => event.preventDefault();

  /** Finishes a pending gesture (Enter: closes a lasso). */
  function accept(): void {
    deps.currentTool()?.accept?.(deps.toolContext);
    deps.updateToolLayer(deps.pointerImage.value);
  }

  /** Abandons a pending gesture (Escape, or another tool picked). */
  function reject(): void {
    deps.currentTool()?.reject?.();
    gesture = { kind: 'none' };
    deps.updateToolLayer(deps.pointerImage.value);
  }

  function attach(element: HTMLElement): void {
    element.addEventListener('pointerdown', onPointerDown);
    element.addEventListener('pointermove', onPointerMove);
    element.addEventListener('pointerup', onPointerUp);
    element.addEventListener('pointerleave', onPointerLeave);
    element.addEventListener('wheel', onWheel, { passive: false });
    element.addEventListener('contextmenu', preventMenu);
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
  }

  function detach(element: HTMLElement | null): void {
    element?.removeEventListener('pointerdown', onPointerDown);
    element?.removeEventListener('pointermove', onPointerMove);
    element?.removeEventListener('pointerup', onPointerUp);
    element?.removeEventListener('pointerleave', onPointerLeave);
    element?.removeEventListener('wheel', onWheel);
    element?.removeEventListener('contextmenu', preventMenu);
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKey);
  }

  return { attach, detach, accept, reject };
}
