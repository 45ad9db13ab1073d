import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ImageMeta, ImagePixels, Result, WindowPreset } from '../../../src-shared/api';
import { PREVIEW_MAX_SIDE_PX } from '../../../src-shared/api/images';
import { contentWindow, displayWindow, minMaxWindow, type DisplayWindow } from '../../../src-shared/imaging';
import { useApi } from './api';
import { useMessagesStore } from './messages';
import { markOpen, openMarks } from '../editor/open-timing';
import { saidOfFailure, type KeptFailure } from '../i18n/server';

export type { DisplayWindow };

/** The longest the full pixels wait for the work a caller named (`load`'s `fullAfter`). */
const FULL_WAIT_MS = 3000;

/** Presets from the file first, then the automatic window and the full range computed from the pixels. */
export function windowPresets(meta: ImageMeta | null, pixels: ImagePixels | null): WindowPreset[] {
  const presets: WindowPreset[] = [...(meta?.windows ?? [])];
  if (pixels) {
    const automatic = pixels.max - pixels.min <= 255 ? minMaxWindow(pixels) : contentWindow(pixels);
    const full = minMaxWindow(pixels);
    presets.push(automatic);
    if (automatic.center !== full.center || automatic.width !== full.width) presets.push(full);
  }
  return presets;
}

/**
 * Window/level by a right-drag: horizontal motion changes the width, vertical the centre, scaled so a
 * drag across the view spans the image's value range (the convention of most PACS viewers).
 */
export function dragWindow(start: DisplayWindow, dxPx: number, dyPx: number, valueRange: number, viewSizePx: number): DisplayWindow {
  const perPx = valueRange / Math.max(1, viewSizePx);
  return { ...start, center: start.center + dyPx * perPx, width: Math.max(1, start.width + dxPx * perPx) };
}

/**
 * The image on screen (the `images` domain): metadata, pixels, window/level and invert. A film opens in
 * two steps: its preview (a reduced copy, `images.preview`) is shown as soon as it arrives, then the
 * full-resolution pixels replace it. The window it opens with, and the computed presets, come from the
 * preview when there was one, so they do not change when the full film arrives.
 */
export const useViewerStore = defineStore('viewer', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const imageId = ref<string | null>(null);
  const meta = shallowRef<ImageMeta | null>(null);
  /** The film at full resolution (tools, pointer values and measurements read these). */
  const pixels = shallowRef<ImagePixels | null>(null);
  /** The film's preview, until the full-resolution pixels are here. */
  const preview = shallowRef<ImagePixels | null>(null);
  /** What the stage shows: the full film once it is here, its preview until then. */
  const shown = computed(() => pixels.value ?? preview.value);
  /** The pixels the opening window and the computed presets were chosen from (the preview's, full range once known). */
  const windowBasis = shallowRef<ImagePixels | null>(null);
  const loading = ref(false);
  const window = ref<DisplayWindow>({ center: 128, width: 256 });
  const invert = ref(false);
  /** Patient/date, orientation markers and scale bar over the film (key I). */
  const showInfo = ref(true);
  const loadError = ref<KeptFailure | null>(null);
  const presets = computed(() => windowPresets(meta.value, windowBasis.value));
  /** The file's own first window when it was passed over for not fitting the pixel values (still in presets). */
  const skippedFileWindow = shallowRef<WindowPreset | null>(null);
  let loadToken = 0;

  /**
   * Loads metadata and pixels; a newer load wins over one still in flight. With `fullAfter`, the full
   * pixels are asked for once it settles (or after {@link FULL_WAIT_MS}): the prediction on open then
   * has the server to itself, and the mask comes before the full-resolution film, not after it.
   * `onMeta` is called as soon as the metadata is here (before any pixels).
   */
  async function load(id: string, options: { fullAfter?: Promise<unknown>; onMeta?: (meta: ImageMeta) => void } = {}): Promise<boolean> {
    const token = ++loadToken;
    if (imageId.value !== id) {
      // Another film: the previous one leaves the screen at once, never lingers beside a new selection.
      meta.value = null;
      pixels.value = null;
      preview.value = null;
      windowBasis.value = null;
      skippedFileWindow.value = null;
    }
    imageId.value = id;
    loading.value = true;
    loadError.value = null;
    const failed = (result: Exclude<Result<unknown>, { ok: true }>): false => {
      meta.value = null;
      pixels.value = null;
      preview.value = null;
      windowBasis.value = null;
      loadError.value = saidOfFailure(result);
      messages.failure('errors.imageLoad', result);
      return false;
    };
    try {
      // The full pixels are asked for once the preview is here, so that the server decodes the preview
      // first (a JPEG 2000 film's full decode takes several times longer). A film shown already reloads whole.
      const [metaResult, previewResult] = await Promise.all([api.images.meta(id), pixels.value ? null : api.images.preview(id, { maxSidePx: PREVIEW_MAX_SIDE_PX })]);
      if (token !== loadToken) return false;
      if (!metaResult.ok) return failed(metaResult);
      meta.value = metaResult.value;
      options.onMeta?.(metaResult.value);
      if (previewResult?.ok) {
        markOpen(openMarks.pixels, id, { preview: true });
        preview.value = previewResult.value;
        windowBasis.value = previewResult.value;
        invert.value = previewResult.value.invert;
        resetWindow();
      }
      if (previewResult?.ok && options.fullAfter) await Promise.race([options.fullAfter.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, FULL_WAIT_MS))]);
      if (token !== loadToken) return false;
      const pixelResult = await api.images.pixels(id, {});
      if (token !== loadToken) return false;
      if (!pixelResult.ok) return failed(pixelResult);
      if (!previewResult?.ok) markOpen(openMarks.pixels, id, { preview: false });
      const full = pixelResult.value;
      pixels.value = full;
      preview.value = null;
      if (previewResult?.ok) {
        windowBasis.value = { ...previewResult.value, min: full.min, max: full.max };
      } else {
        windowBasis.value = full;
        invert.value = full.invert;
        resetWindow();
      }
      return true;
    } finally {
      if (token === loadToken) loading.value = false;
    }
  }

  /** The window the film opens with (src-shared/imaging's displayWindow: a fitting file preset, else automatic). */
  function resetWindow(): void {
    if (!meta.value || !windowBasis.value) return;
    const chosen = displayWindow(meta.value, windowBasis.value);
    const first = meta.value.windows[0] ?? null;
    skippedFileWindow.value = first && chosen !== first && !meta.value.windows.includes(chosen) ? first : null;
    applyPreset(chosen);
  }

  function applyPreset(preset: WindowPreset): void {
    window.value = { center: preset.center, width: preset.width, fn: preset.fn };
  }

  function setWindow(next: DisplayWindow): void {
    window.value = { ...next, width: Math.max(1, next.width) };
  }

  function toggleInvert(): void {
    invert.value = !invert.value;
  }

  /** Sets a user spacing (mm/pixel) for an image without one; null removes it. */
  async function setSpacing(spacingMm: number | null): Promise<boolean> {
    if (!imageId.value) return false;
    const result = await api.images.setSpacing(imageId.value, spacingMm);
    if (!result.ok) {
      messages.failure('errors.spacing', result);
      return false;
    }
    meta.value = result.value;
    return true;
  }

  function unload(): void {
    loadToken++;
    imageId.value = null;
    meta.value = null;
    pixels.value = null;
    preview.value = null;
    windowBasis.value = null;
    skippedFileWindow.value = null;
    loading.value = false;
  }

  return { imageId, meta, pixels, preview, shown, loading, loadError, window, invert, showInfo, presets, skippedFileWindow, load, resetWindow, applyPreset, setWindow, toggleInvert, setSpacing, unload };
});
