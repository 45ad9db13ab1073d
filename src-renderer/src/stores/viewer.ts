import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ImageMeta, ImagePixels, WindowPreset } from '../../../src-shared/api';
import { contentWindow, displayWindow, minMaxWindow, type DisplayWindow } from '../../../src-shared/imaging';
import { useApi } from './api';
import { useMessagesStore } from './messages';
import { markOpen, openMarks } from '../editor/open-timing';
import { saidOfFailure, type KeptFailure } from '../i18n/server';

export type { DisplayWindow };

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

/** The image on screen (the `images` domain): metadata, pixels, window/level and invert. */
export const useViewerStore = defineStore('viewer', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const imageId = ref<string | null>(null);
  const meta = shallowRef<ImageMeta | null>(null);
  const pixels = shallowRef<ImagePixels | null>(null);
  const loading = ref(false);
  const window = ref<DisplayWindow>({ center: 128, width: 256 });
  const invert = ref(false);
  /** Patient/date, orientation markers and scale bar over the film (key I). */
  const showInfo = ref(true);
  const loadError = ref<KeptFailure | null>(null);
  const presets = computed(() => windowPresets(meta.value, pixels.value));
  /** The file's own first window when it was passed over for not fitting the pixel values (still in presets). */
  const skippedFileWindow = shallowRef<WindowPreset | null>(null);
  let loadToken = 0;

  /** Loads metadata and pixels; a newer load wins over one still in flight. */
  async function load(id: string): Promise<boolean> {
    const token = ++loadToken;
    if (imageId.value !== id) {
      // Another film: the previous one leaves the screen at once, never lingers beside a new selection.
      meta.value = null;
      pixels.value = null;
      skippedFileWindow.value = null;
    }
    imageId.value = id;
    loading.value = true;
    loadError.value = null;
    try {
      const [metaResult, pixelResult] = await Promise.all([api.images.meta(id), api.images.pixels(id, {})]);
      if (token !== loadToken) return false;
      markOpen(openMarks.pixels, id);
      const failed = !metaResult.ok ? metaResult : !pixelResult.ok ? pixelResult : null;
      if (failed) {
        meta.value = null;
        pixels.value = null;
        loadError.value = saidOfFailure(failed);
        messages.failure('errors.imageLoad', failed);
        return false;
      }
      if (!metaResult.ok || !pixelResult.ok) return false;
      meta.value = metaResult.value;
      pixels.value = pixelResult.value;
      invert.value = pixelResult.value.invert;
      resetWindow();
      return true;
    } finally {
      if (token === loadToken) loading.value = false;
    }
  }

  /** The window the film opens with (src-shared/imaging's displayWindow: a fitting file preset, else automatic). */
  function resetWindow(): void {
    if (!meta.value || !pixels.value) return;
    const chosen = displayWindow(meta.value, pixels.value);
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
    skippedFileWindow.value = null;
    loading.value = false;
  }

  return { imageId, meta, pixels, loading, loadError, window, invert, showInfo, presets, skippedFileWindow, load, resetWindow, applyPreset, setWindow, toggleInvert, setSpacing, unload };
});
