import { ref, shallowRef, watch } from 'vue';
import { lungMeasurements, type LungMeasurements } from '../../../src-shared/metrics/measurements';
import { lungMetrics, type LungMetrics } from '../../../src-shared/metrics/overlap';
import { checkFilm, type FilmFlag } from '../../../src-shared/metrics/film-check';
import { useProjectStore } from '../stores/project';
import type { PixelSpacing } from '../../../src-shared/api';
import { useEditorStore } from '../stores/editor';
import { useViewerStore } from '../stores/viewer';

/** Measurements of a mask and, when there is a model prediction of the same size, its agreement with it. */
export function measureMask(mask: { widthPx: number; heightPx: number; data: Uint8Array }, spacing: PixelSpacing | null, prediction: { data: Uint8Array } | null): { areas: LungMeasurements; agreement: LungMetrics | null } {
  const areas = lungMeasurements(mask.data, mask.widthPx, mask.heightPx, spacing);
  const agreement = prediction && prediction.data.length === mask.data.length ? lungMetrics(mask.data, prediction.data) : null;
  return { areas, agreement };
}

/**
 * Live measurements of the mask being edited, recomputed after each committed edit (not each dab), a
 * frame later so that a burst of undos costs one pass over the mask.
 */
export function useMeasurements() {
  const editor = useEditorStore();
  const viewer = useViewerStore();
  const areas = shallowRef<LungMeasurements | null>(null);
  const agreement = shallowRef<LungMetrics | null>(null);
  const spacing = ref<PixelSpacing | null>(null);
  /** Why this film may not be a frontal chest X-ray (DICOM body part / view, mask shape, uncertainty). */
  const flags = shallowRef<FilmFlag[]>([]);
  const project = useProjectStore();
  let timer: ReturnType<typeof setTimeout> | null = null;

  function update(): void {
    timer = null;
    const session = editor.session;
    spacing.value = viewer.meta && viewer.meta.imageId === session?.imageId ? viewer.meta.spacing : null;
    if (!session) {
      areas.value = null;
      agreement.value = null;
      flags.value = [];
      return;
    }
    const measured = measureMask(session.mask, spacing.value, session.prediction);
    areas.value = measured.areas;
    agreement.value = measured.agreement;
    const meta = viewer.meta && viewer.meta.imageId === session.imageId ? viewer.meta : null;
    flags.value = checkFilm({ bodyPart: meta?.series?.bodyPart, viewPosition: meta?.viewPosition, mask: session.mask, uncertainty: project.image(session.imageId)?.uncertainty });
  }

  watch(() => [editor.version, editor.session, viewer.meta] as const, () => {
    if (!timer) timer = setTimeout(update, 30);
  }, { immediate: true });

  return { areas, agreement, spacing, flags };
}
