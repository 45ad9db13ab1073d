import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useEditorStore } from './editor';
import { useInferenceStore } from './inference';
import { useMessagesStore } from './messages';
import { useProjectStore } from './project';
import { useReviewStore } from './review';
import { useViewerStore } from './viewer';
import { useConfirmStore } from './confirm';
import { useSettingsStore } from './settings';
import { markOpen, openMarks } from '../editor/open-timing';
import type { ImageMeta } from '../../../src-shared/api';

export type Workspace = 'review' | 'annotate' | 'train' | 'models' | 'pacs';

/**
 * The review loop across stores: open an image (saving the previous one first), predict, approve, move
 * on. Keyboard shortcuts and buttons call these, so both behave the same.
 */
export const useWorkbenchStore = defineStore('workbench', () => {
  const project = useProjectStore();
  const review = useReviewStore();
  const viewer = useViewerStore();
  const editor = useEditorStore();
  const inference = useInferenceStore();
  const messages = useMessagesStore();
  const confirm = useConfirmStore();
  const settings = useSettingsStore();
  const workspace = ref<Workspace>('review');
  const helpOpen = ref(false);

  /** Shows an image in the viewer and opens its mask; a predicted image moves to "in review". */
  async function openImage(imageId: string): Promise<boolean> {
    const record = project.image(imageId);
    if (!record) return false;
    markOpen(openMarks.open, imageId);
    review.select(imageId);
    // A film without any mask gets the model's at once, predicted while it loads (a JPEG 2000 film from its
    // preview). The mask is shown as soon as the network made it (`predictedMask`, asked after the
    // prediction so that the server has it running), while the server saves it; edits on it are saved only
    // on top of the durable revision (editor.showPrediction). Otherwise it reaches the editor by the
    // project's change event (a clean session adopts it, one with edits is flagged). The full-resolution
    // pixels wait for the answer: the preview is on screen meanwhile. Unless the user turned predict-on-open
    // off: then the film opens without a mask and stays 'new'.
    const durable = settings.predictOnOpen && record.status === 'new' && record.latestRevisionId === null ? inference.predictOnOpen(imageId) : undefined;
    const predicted = durable?.then(async (result) => {
      if (!result) return;
      markOpen(openMarks.predicted, imageId, { timingsMs: result.timingsMs });
      // Still on screen: it is being reviewed, as a film opened already predicted would be.
      if (review.selectedId === imageId) await project.setStatus(imageId, 'in-review', result.revision.id, { fromStatus: 'predicted' });
    });
    // The brush takes the film's size as soon as its spacing is known, not once the full pixels are here.
    const onMeta = (meta: ImageMeta) => editor.adaptBrush(record, meta.spacing);
    const showing = viewer.load(imageId, { fullAfter: predicted, onMeta });
    const opening = editor.open(imageId, { widthPx: record.widthPx, heightPx: record.heightPx });
    if (durable) {
      void inference.predictedMask(imageId).then(async (made) => {
        if (made && (await opening)) editor.showPrediction(made, durable);
      });
    }
    const [shown, opened] = await Promise.all([showing, opening]);
    // The film may have been approved or corrected while it loaded: only a film still 'predicted' moves.
    if (shown && opened && record.status === 'predicted') await project.setStatus(imageId, 'in-review', editor.session?.revision?.id ?? null, { fromStatus: 'predicted' });
    return shown && opened;
  }

  async function next(): Promise<boolean> {
    const id = review.nextId();
    return id ? openImage(id) : false;
  }

  async function previous(): Promise<boolean> {
    const id = review.previousId();
    return id ? openImage(id) : false;
  }

  async function nextMostUncertain(): Promise<boolean> {
    const id = review.nextMostUncertainId();
    if (!id) {
      messages.push('info', 'review.allDone', {});
      return false;
    }
    return openImage(id);
  }

  /**
   * Predicts the image on screen; unsaved edits are kept and saved first, never overwritten silently. On
   * a corrected or approved image it asks first: the prediction replaces the user's mask only if they say
   * so (the revision they saw is named, so a change meanwhile is a conflict, not a loss).
   */
  async function predictCurrent(): Promise<boolean> {
    const imageId = review.selectedId;
    if (!imageId) return false;
    if (!(await editor.save({ quiet: true }))) return false;
    const record = project.image(imageId);
    const shown = editor.session?.imageId === imageId ? editor.session.revision : null;
    const holdsWork = record?.status === 'approved' || (shown !== null && shown.source.kind !== 'model');
    if (holdsWork) {
      const lines = [{ key: record?.status === 'approved' ? 'editor.replaceApproved' : 'editor.replaceCorrected' }, { key: 'editor.replaceKept' }];
      if (!(await confirm.ask({ titleKey: 'editor.replaceTitle', lines, okKey: 'editor.replaceOk', danger: true }))) return false;
    }
    const result = await inference.predict(imageId, holdsWork ? { parentId: shown?.id ?? record?.latestRevisionId ?? null } : undefined);
    if (!result) return false;
    editor.discard(imageId);
    return openImage(imageId);
  }

  async function approveAndNext(): Promise<boolean> {
    if (!(await editor.approve())) return false;
    return nextMostUncertain();
  }

  return { workspace, helpOpen, openImage, next, previous, nextMostUncertain, predictCurrent, approveAndNext };
});
