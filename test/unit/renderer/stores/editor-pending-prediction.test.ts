import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabelMask, MaskRevision, PendingPrediction, PredictionResult, ProjectSummary } from '../../../../src-shared/api';
import { paintDisk } from '../../../../src-shared/mask/edit';
import { useEditorStore } from '../../../../src-renderer/src/stores/editor';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { fakeApi, installStores, ok, record } from '../fake-api';

// A prediction on open is shown as soon as the network made it, while the server still saves it
// (editor.showPrediction): nothing may be saved on top of it before its revision is durable, and a save
// that failed must be said, never leave a mask on screen that the disk does not hold.

const size = { widthPx: 6, heightPx: 5 };
const modelMask = () => new Uint8Array(30).fill(1, 0, 12);

function revision(id: string, kind: 'model' | 'user', parentId: string | null = null): MaskRevision {
  return { id, imageId: 'a', createdAt: '2026-12-01T10:00:00Z', source: kind === 'model' ? { kind, modelId: 'm', modelVersion: '1' } : { kind, user: 'ann' }, parentId, labelCounts: [] };
}

/** A film with no mask yet; the test decides when the server's save of the prediction is durable. */
function server() {
  const state: { current: MaskRevision | null; mask: Uint8Array | null; saves: (string | null)[] } = { current: null, mask: null, saves: [] };
  const fake = fakeApi({
    masks: {
      load: () => ok(state.current && state.mask ? { revision: state.current, mask: { ...size, data: state.mask.slice() } } : null),
      revisions: () => ok(state.current ? [state.current] : []),
      save: (_imageId: string, mask: LabelMask, opts: { parentId: string | null }) => {
        state.saves.push(opts.parentId);
        if (opts.parentId !== (state.current?.id ?? null)) return { ok: false, code: 'conflict', reason: 'changed', details: { currentRevision: state.current } };
        state.current = revision(`s${state.saves.length}`, 'user', opts.parentId);
        state.mask = mask.data.slice();
        return ok(state.current);
      },
    },
    project: { listImages: () => ok([record({ id: 'a', ...size, latestRevisionId: state.current?.id ?? null })]) },
  });
  installStores(fake.api);
  const project = useProjectStore();
  project.summary = { path: '/p', name: 'p', formatVersion: 1, imageCount: 1, createdAt: '', settings: { copyImages: true, userName: 'ann' }, user: 'ann', readOnly: false, warnings: [] } satisfies ProjectSummary;
  project.images = [record({ id: 'a', ...size })];
  const made: PendingPrediction = { imageId: 'a', revisionId: 'p1', mask: { ...size, data: modelMask() }, modelId: 'm', modelVersion: '1' };
  let answer: (result: PredictionResult | null) => void = () => undefined;
  const durable = new Promise<PredictionResult | null>((resolve) => (answer = resolve));
  /** The server's save is durable: the revision is current, the change event goes out, then the answer. */
  const saved = (options: { current?: boolean } = {}) => {
    const current = options.current ?? true;
    if (current) {
      state.current = revision('p1', 'model');
      state.mask = modelMask();
    }
    fake.emit('project', { kind: 'changed', imageIds: ['a'], latestRevisionIds: { a: state.current?.id ?? null } });
    answer({ imageId: 'a', revision: revision('p1', 'model'), current, modelId: 'm', modelVersion: '1', uncertainty: 0.1, areas: { rightCm2: null, leftCm2: null, totalCm2: null, totalPx: 12, lungHeightMm: null }, timingsMs: { pre: 1, run: 1, post: 1, total: 3 }, provider: 'cpu' });
  };
  /** The save failed (disk full...): nothing was written, the answer is a failure (null). */
  const failed = () => answer(null);
  return { state, fake, made, durable, saved, failed };
}

function paint(editor: ReturnType<typeof useEditorStore>): void {
  const diff = paintDisk(editor.session!.mask, { x: 4.5, y: 3.5 }, 1, 2);
  if (!diff) throw new Error('nothing painted');
  editor.commit(diff, 'Brush');
}

describe('a prediction shown while the server saves it', () => {
  beforeEach(() => vi.useFakeTimers());

  it('is on screen at once; a stroke made meanwhile is saved only once the revision is durable, on top of it', async () => {
    const { state, fake, made, durable, saved } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    expect(editor.showPrediction(made, durable)).toBe(true);
    expect(editor.session!.mask.data).toEqual(modelMask());
    expect(editor.session!.pending?.revisionId).toBe('p1');
    paint(editor);
    const saving = editor.save({ quiet: true });
    await vi.advanceTimersByTimeAsync(10_000); // the auto-save's delay too: still nothing saved
    expect(state.saves).toEqual([]);
    saved();
    expect(await saving).toBe(true);
    expect(state.saves).toEqual(['p1']);
    expect(state.current?.parentId).toBe('p1');
    expect(editor.session!.revision?.id).toBe('s1');
    expect(editor.dirty).toBe(false);
    // The change event named the revision on screen: no mask was fetched again for it.
    const loads = (fake.api.masks.load as ReturnType<typeof vi.fn>).mock.calls.length;
    fake.emit('project', { kind: 'changed', imageIds: ['a'], latestRevisionIds: { a: 's1' } });
    await vi.runAllTimersAsync();
    expect((fake.api.masks.load as ReturnType<typeof vi.fn>).mock.calls.length).toBe(loads);
  });

  it('untouched, it becomes the durable revision without a second fetch', async () => {
    const { fake, made, durable, saved } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    const loads = (fake.api.masks.load as ReturnType<typeof vi.fn>).mock.calls.length;
    editor.showPrediction(made, durable);
    saved();
    await editor.session!.pending?.settled;
    await vi.runAllTimersAsync();
    expect(editor.session!.revision?.id).toBe('p1');
    expect(editor.session!.pending).toBeNull();
    expect((fake.api.masks.load as ReturnType<typeof vi.fn>).mock.calls.length).toBe(loads);
  });

  it('whose save failed: said, and an untouched view goes back to the empty mask the disk holds', async () => {
    const { state, made, durable, failed } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    editor.showPrediction(made, durable);
    failed();
    await editor.session!.pending?.settled;
    await vi.runAllTimersAsync();
    expect(useMessagesStore().messages.map((m) => m.key)).toContain('editor.predictionUnsaved');
    expect(editor.session!.mask.data).toEqual(new Uint8Array(30));
    expect(editor.session!.revision).toBeNull();
    expect(state.saves).toEqual([]);
  });

  it('whose save failed under edits: said, the edits kept and saved as the user\'s (on no revision), never lost', async () => {
    const { state, made, durable, failed } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    editor.showPrediction(made, durable);
    paint(editor);
    const mine = editor.session!.mask.data.slice();
    const saving = editor.save({ quiet: true });
    failed();
    expect(await saving).toBe(true);
    expect(useMessagesStore().messages.map((m) => m.key)).toContain('editor.predictionUnsavedEdited');
    expect(state.saves).toEqual([null]);
    expect(state.mask).toEqual(mine);
  });

  it('kept beside another client\'s save that came first: edits made on it are a conflict, nothing saved over theirs', async () => {
    const { state, fake, made, durable, saved } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    editor.showPrediction(made, durable);
    paint(editor);
    // Another client saved a mask on this film before the model's revision was written.
    state.current = revision('r9', 'user');
    state.mask = new Uint8Array(30).fill(2);
    fake.emit('project', { kind: 'changed', imageIds: ['a'], latestRevisionIds: { a: 'r9' } });
    saved({ current: false });
    expect(await editor.save({ quiet: true })).toBe(false);
    expect(editor.session!.conflict?.id).toBe('r9');
    expect(state.saves).toEqual([]);
    expect(state.current?.id).toBe('r9');
  });

  it('is not shown over a view that is no longer the empty one it was asked for', async () => {
    const { made, durable } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    paint(editor);
    const mine = editor.session!.mask.data.slice();
    expect(editor.showPrediction(made, durable)).toBe(false);
    expect(editor.session!.mask.data).toEqual(mine);
    expect(editor.session!.pending ?? null).toBeNull();
  });
});
