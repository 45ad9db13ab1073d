import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabelMask, MaskRevision, ProjectSummary, ReviewStatus } from '../../../../src-shared/api';
import { paintDisk } from '../../../../src-shared/mask/edit';
import { useEditorStore } from '../../../../src-renderer/src/stores/editor';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { useConfirmStore } from '../../../../src-renderer/src/stores/confirm';
import { fakeApi, installStores, ok, record } from '../fake-api';

const size = { widthPx: 6, heightPx: 5 };

function revision(id: string, imageId: string, kind: 'model' | 'user', parentId: string | null = null): MaskRevision {
  return { id, imageId, createdAt: '2026-01-01T00:00:00Z', source: kind === 'model' ? { kind, modelId: 'm', modelVersion: '1' } : { kind, user: 'ann' }, parentId, labelCounts: [] };
}

/** A backend with one predicted mask for image "a", none for "b", and a save that can be made to fail. */
function backend(options: { failSaves?: number } = {}) {
  const predicted: LabelMask = { ...size, data: new Uint8Array(30) };
  predicted.data.fill(1, 6, 12);
  let failures = options.failSaves ?? 0;
  const saved: { imageId: string; mask: LabelMask; parentId: string | null | undefined; claimsSource: boolean }[] = [];
  const statuses: [string, ReviewStatus, string | null][] = [];
  const images = [record({ id: 'a', ...size, status: 'predicted' }), record({ id: 'b', ...size })];
  const fake = fakeApi({
    masks: {
      load: (imageId: string) => ok(imageId === 'a' ? { revision: revision('r1', 'a', 'model'), mask: { ...predicted, data: predicted.data.slice() } } : null),
      revisions: (imageId: string) => ok(imageId === 'a' ? [revision('r1', 'a', 'model')] : []),
      save: (imageId: string, mask: LabelMask, opts: { parentId: string | null }) => {
        if (failures > 0) {
          failures--;
          return { ok: false, code: 'disk-full', reason: 'The disk is full.' };
        }
        // The client never says who made a revision: the server decides.
        saved.push({ imageId, mask, parentId: opts.parentId, claimsSource: 'source' in opts });
        return ok(revision(`s${saved.length}`, imageId, 'user', opts.parentId ?? null));
      },
    },
    project: {
      setStatus: (imageId: string, status: ReviewStatus, opts: { revisionId: string | null }) => {
        statuses.push([imageId, status, opts.revisionId]);
        const found = images.find((i) => i.id === imageId)!;
        found.status = status;
        found.latestRevisionId = opts.revisionId;
        return ok({ ...found });
      },
      listImages: () => ok(images.map((i) => ({ ...i }))),
    },
  });
  installStores(fake.api);
  const project = useProjectStore();
  project.summary = { path: '/p', name: 'p', formatVersion: 1, imageCount: 2, createdAt: '', settings: { copyImages: true, userName: 'ann' }, user: 'ann', readOnly: false, warnings: [] } satisfies ProjectSummary;
  project.images = images.map((i) => ({ ...i }));
  return { api: fake.api, saved, statuses };
}

function paint(editor: ReturnType<typeof useEditorStore>): void {
  const diff = paintDisk(editor.session!.mask, { x: 3.5, y: 3.5 }, 1, 2);
  if (!diff) throw new Error('nothing painted');
  editor.commit(diff, 'Brush');
}

describe('editor store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens the latest revision and keeps the model prediction for Dice', async () => {
    backend();
    const editor = useEditorStore();
    expect(await editor.open('a', size)).toBe(true);
    expect(Array.from(editor.session!.mask.data.subarray(6, 12))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(editor.session!.prediction?.data).not.toBe(editor.session!.mask.data);
    expect(editor.dirty).toBe(false);
    expect(await editor.open('b', size)).toBe(true);
    expect(editor.session!.mask.data.every((v) => v === 0)).toBe(true);
    expect(editor.session!.revision).toBeNull();
  });

  it('undo and redo move the mask and the dirty flag', async () => {
    backend();
    const editor = useEditorStore();
    await editor.open('b', size);
    paint(editor);
    const painted = editor.session!.mask.data.slice();
    expect(editor.dirty).toBe(true);
    editor.undo();
    expect(editor.session!.mask.data.every((v) => v === 0)).toBe(true);
    expect(editor.dirty).toBe(false);
    expect(editor.canRedo).toBe(true);
    editor.redo();
    expect(editor.session!.mask.data).toEqual(painted);
  });

  it('approve saves pending edits as a user revision first, then marks the image approved', async () => {
    const { saved, statuses } = backend();
    const editor = useEditorStore();
    // If the approval check asks (a lung empty, far from the prediction), the user answers "approve anyway".
    const asked: string[] = [];
    useConfirmStore().ask = async (question) => (asked.push(...question.lines.map((l) => l.key)), true);
    await editor.open('a', size);
    paint(editor);
    expect(await editor.approve()).toBe(true);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ imageId: 'a', parentId: 'r1', claimsSource: false });
    expect(saved[0].mask.data).toEqual(editor.session!.mask.data);
    // Approval names the revision just saved; 'corrected' is the server's doing, not a second call.
    expect(statuses).toEqual([['a', 'approved', 's1']]);
    expect(editor.dirty).toBe(false);
  });

  it('a failed save keeps the edit, shows the reason with Retry, and approves nothing', async () => {
    const { saved, statuses } = backend({ failSaves: 1 });
    const editor = useEditorStore();
    const messages = useMessagesStore();
    await editor.open('a', size);
    paint(editor);
    expect(await editor.approve()).toBe(false);
    expect(editor.dirty).toBe(true);
    expect(editor.session!.saveError).toEqual({ reason: 'The disk is full.' });
    const error = messages.messages.find((m) => m.kind === 'error');
    expect(error).toMatchObject({ key: 'errors.save', params: { reason: 'The disk is full.' } });
    expect(statuses).toEqual([]);
    error!.retry!();
    await vi.runAllTimersAsync();
    expect(saved).toHaveLength(1);
    expect(editor.dirty).toBe(false);
    expect(editor.session!.saveError).toBeNull();
  });

  it('switching images saves the previous one; if that fails its edits stay in memory', async () => {
    const { saved } = backend({ failSaves: 1 });
    const editor = useEditorStore();
    await editor.open('a', size);
    paint(editor);
    await editor.open('b', size);
    expect(saved).toHaveLength(0);
    expect(editor.unsavedImageIds).toEqual(['a']);
    await editor.open('a', size);
    expect(editor.dirty).toBe(true);
    expect(editor.session!.mask.data[3 * 6 + 3]).toBe(2);
    await editor.open('b', size);
    expect(saved.map((s) => s.imageId)).toEqual(['a']);
    expect(editor.unsavedImageIds).toEqual([]);
  });

  it('auto-saves a few seconds after the last edit', async () => {
    const { saved } = backend();
    const editor = useEditorStore();
    await editor.open('b', size);
    paint(editor);
    expect(saved).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved).toHaveLength(1);
    expect(saved[0].parentId).toBeNull();
  });

  it('refuses to approve an image that has no mask at all', async () => {
    const { statuses } = backend();
    const editor = useEditorStore();
    await editor.open('b', size);
    expect(await editor.approve()).toBe(false);
    expect(statuses).toEqual([]);
    expect(useMessagesStore().messages.map((m) => m.key)).toContain('editor.nothingToApprove');
  });
});
