import { defineStore } from 'pinia';
import { shallowReactive, watch } from 'vue';
import type { Thumbnail } from '../../../src-shared/api';
import { useApi } from './api';
import { useProjectStore } from './project';

/** Thumbnail side asked of main: twice the 48 px box, for sharp thumbnails on HiDPI screens. */
export const thumbnailMaxSidePx = 96;

/**
 * Film thumbnails for the queue. Asked for one at a time as list items come into view (main decodes
 * films one after another too), kept for the session: films never change under an image id. A film that
 * cannot be decoded gets no thumbnail (the viewer says why when it is opened).
 */
export const useThumbnailsStore = defineStore('thumbnails', () => {
  const api = useApi();
  const byImageId = shallowReactive(new Map<string, Thumbnail | null>());
  const waiting: string[] = [];
  let busy = false;
  const project = useProjectStore();

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      for (let imageId = waiting.shift(); imageId !== undefined; imageId = waiting.shift()) {
        if (byImageId.has(imageId)) continue;
        const result = await api.images.thumbnail(imageId, { maxSidePx: thumbnailMaxSidePx });
        byImageId.set(imageId, result.ok ? result.value : null);
      }
    } finally {
      busy = false;
    }
  }

  /** Asks for a film's thumbnail unless it is there or asked for already; resolves when the queue is empty. */
  function request(imageId: string): Promise<void> {
    if (!byImageId.has(imageId) && !waiting.includes(imageId)) waiting.push(imageId);
    return drain();
  }

  /** Forgets every thumbnail (another project opened: image ids may repeat across projects). */
  function clear(): void {
    byImageId.clear();
    waiting.length = 0;
  }

  watch(() => project.summary?.path, clear);

  return { byImageId, request, clear };
});
