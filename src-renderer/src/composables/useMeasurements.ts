import { ref, shallowRef, watch } from 'vue';
import { lungMeasurements, type LungMeasurements } from '../../../src-shared/metrics/measurements';
import { accuracy, dice, f1, iou, lungMetrics, precision, recall, type Confusion, type LungMetrics, type SegmentationMetrics } from '../../../src-shared/metrics/overlap';
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

/** What {@link lungMetrics} gives for a mask against itself, from its label counts (no pass over the pixels). */
export function selfAgreement(areas: Pick<LungMeasurements, 'rightPx' | 'leftPx'>, pixelCount: number): LungMetrics {
  const of = (tp: number): SegmentationMetrics => {
    const c: Confusion = { tp, fp: 0, fn: 0, tn: pixelCount - tp };
    return { dice: dice(c), iou: iou(c), precision: precision(c), recall: recall(c), accuracy: accuracy(c), f1: f1(c) };
  };
  return { right: of(areas.rightPx), left: of(areas.leftPx), lungs: of(areas.rightPx + areas.leftPx) };
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
  let scheduled = false;

  function update(): void {
    scheduled = false;
    const session = editor.session;
    if (!session) {
      spacing.value = null;
      areas.value = null;
      agreement.value = null;
      flags.value = [];
      return;
    }
    // Another film is being opened: its own session follows; measuring the previous one again meanwhile
    // would only hold up the new film's first paint.
    if (viewer.imageId !== null && viewer.imageId !== session.imageId) return;
    spacing.value = viewer.meta && viewer.meta.imageId === session.imageId ? viewer.meta.spacing : null;
    const { mask } = session;
    const untouched = !session.history.modified;
    const empty = untouched && session.blank === true;
    if (empty) {
      // A film's first mask before any edit holds no label: nothing to count.
      areas.value = lungMeasurements(new Uint8Array(0), 0, 0, spacing.value);
      agreement.value = null;
    } else {
      areas.value = lungMeasurements(mask.data, mask.widthPx, mask.heightPx, spacing.value);
      // An untouched model mask (saved, or still being saved) is its prediction (loaded as its copy):
      // agreement from its counts.
      const isPrediction = untouched && (session.revision?.source.kind === 'model' || !!session.pending) && session.prediction?.data.length === mask.data.length;
      const prediction = session.prediction;
      agreement.value = isPrediction ? selfAgreement(areas.value, mask.data.length) : prediction && prediction.data.length === mask.data.length ? lungMetrics(mask.data, prediction.data) : null;
    }
    const meta = viewer.meta && viewer.meta.imageId === session.imageId ? viewer.meta : null;
    flags.value = checkFilm({ bodyPart: meta?.series?.bodyPart, viewPosition: meta?.viewPosition, mask: empty ? undefined : mask, uncertainty: project.image(session.imageId)?.uncertainty });
  }

  watch(() => [editor.version, editor.session, viewer.meta] as const, () => {
    if (scheduled) return;
    scheduled = true;
    // After the next frame: a mask that just arrived is painted before it is measured (a pass or two over it).
    const later = () => setTimeout(update, 30);
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(later);
    else later();
  }, { immediate: true });

  return { areas, agreement, spacing, flags };
}
