import type { PixelRect } from '../../../src-shared/mask/types';
import type { useEditorStore } from '../stores/editor';
import type { useMessagesStore } from '../stores/messages';
import type { useViewerStore } from '../stores/viewer';
import type { ToolContext } from './tools';

/**
 * What the editing tools see of the app: the open mask, the film (only when it matches the mask, for
 * the smart brush), the active label, brush size, tolerance in grey levels of the current window,
 * protection, the spacing; and where they report (commit an undo step, redraw a rectangle, a notice).
 */
export function createToolContext(stores: { editor: ReturnType<typeof useEditorStore>; viewer: ReturnType<typeof useViewerStore>; messages: ReturnType<typeof useMessagesStore> }, redraw: (rect: PixelRect | null) => void): ToolContext {
  const { editor, viewer, messages } = stores;
  return {
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
    dirty: (rect) => redraw(rect),
    notice: (key) => messages.push('warning', key),
    get spacingMm() {
      const spacing = viewer.meta?.spacing;
      return spacing ? { rowMm: spacing.rowMm, colMm: spacing.colMm } : null;
    },
  };
}
