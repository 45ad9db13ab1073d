import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ImageRecord, ReviewStatus } from '../../../src-shared/api';
import { useProjectStore } from './project';

export type QueueSortKey = 'uncertainty' | 'name' | 'status' | 'area' | 'imported';

const statusOrder: Record<ReviewStatus, number> = { new: 0, predicted: 1, 'in-review': 2, corrected: 3, approved: 4 };

/**
 * Orders two records by one key; nulls (not predicted yet) always go last, whatever the direction.
 * Lung areas are compared only in the same unit: films with a spacing (cm²) first, then films measured
 * in pixels only (px²), each group sorted by its own value, since 1 cm² and 1 px² are not comparable.
 */
export function compareRecords(a: ImageRecord, b: ImageRecord, key: QueueSortKey, descending: boolean): number {
  if (key === 'area' && a.areas && b.areas && (a.areas.totalCm2 === null) !== (b.areas.totalCm2 === null)) {
    return a.areas.totalCm2 === null ? 1 : -1;
  }
  const value = (record: ImageRecord): number | string | null => {
    switch (key) {
      case 'uncertainty': return record.uncertainty;
      case 'name': return record.name.toLowerCase();
      case 'status': return statusOrder[record.status];
      case 'area': return record.areas ? (record.areas.totalCm2 ?? record.areas.totalPx) : null;
      case 'imported': return record.importedAt;
    }
  };
  const va = value(a);
  const vb = value(b);
  if (va === null || vb === null) return va === vb ? a.name.localeCompare(b.name) : va === null ? 1 : -1;
  const order = va < vb ? -1 : va > vb ? 1 : a.name.localeCompare(b.name);
  return descending ? -order : order;
}

/**
 * The most uncertain image still to review (active learning: the model's least confident prediction
 * first, as MONAI Label's epistemic strategy but from the TTA disagreement). Approved images and
 * `excludeId` are skipped; unpredicted images come after every predicted one.
 */
export function mostUncertain(records: readonly ImageRecord[], excludeId: string | null): ImageRecord | null {
  const candidates = records.filter((r) => r.status !== 'approved' && r.id !== excludeId);
  candidates.sort((a, b) => compareRecords(a, b, 'uncertainty', true));
  return candidates[0] ?? null;
}

/** The review queue: sorting, filtering and moving through the project's images. */
export const useReviewStore = defineStore('review', () => {
  const project = useProjectStore();
  const sortKey = ref<QueueSortKey>('uncertainty');
  const descending = ref(true);
  const statusFilter = ref<ReviewStatus[]>([]);
  const textFilter = ref('');
  const selectedId = ref<string | null>(null);

  const queue = computed<ImageRecord[]>(() => {
    const text = textFilter.value.trim().toLowerCase();
    return project.images
      .filter((r) => statusFilter.value.length === 0 || statusFilter.value.includes(r.status))
      .filter((r) => !text || r.name.toLowerCase().includes(text) || (r.predictedBy ?? '').toLowerCase().includes(text))
      .sort((a, b) => compareRecords(a, b, sortKey.value, descending.value));
  });

  const selected = computed(() => project.image(selectedId.value));
  const counts = computed(() => {
    const byStatus: Record<ReviewStatus, number> = { new: 0, predicted: 0, 'in-review': 0, corrected: 0, approved: 0 };
    for (const r of project.images) byStatus[r.status]++;
    return byStatus;
  });

  function sortBy(key: QueueSortKey): void {
    if (sortKey.value === key) descending.value = !descending.value;
    else {
      sortKey.value = key;
      descending.value = key === 'uncertainty' || key === 'area';
    }
  }

  function toggleStatus(status: ReviewStatus): void {
    statusFilter.value = statusFilter.value.includes(status) ? statusFilter.value.filter((s) => s !== status) : [...statusFilter.value, status];
  }

  function select(imageId: string | null): void {
    selectedId.value = imageId;
  }

  /** The image after the selected one in the queue as shown, wrapping around; null when empty. */
  function nextId(): string | null {
    const list = queue.value;
    if (list.length === 0) return null;
    const index = list.findIndex((r) => r.id === selectedId.value);
    return list[(index + 1) % list.length]?.id ?? null;
  }

  function previousId(): string | null {
    const list = queue.value;
    if (list.length === 0) return null;
    const index = list.findIndex((r) => r.id === selectedId.value);
    return list[(index - 1 + list.length) % list.length]?.id ?? null;
  }

  function nextMostUncertainId(): string | null {
    return mostUncertain(project.images, selectedId.value)?.id ?? null;
  }

  return { sortKey, descending, statusFilter, textFilter, selectedId, queue, selected, counts, sortBy, toggleStatus, select, nextId, previousId, nextMostUncertainId };
});
