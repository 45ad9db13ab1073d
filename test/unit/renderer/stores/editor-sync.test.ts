import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabelMask, MaskRevision, ProjectSummary } from '../../../../src-shared/api';
import { paintDisk } from '../../../../src-shared/mask/edit';
import { useEditorStore } from '../../../../src-renderer/src/stores/editor';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { useConfirmStore } from '../../../../src-renderer/src/stores/confirm';
import { fakeApi, installStores, ok, record } from '../fake-api';

const size = { widthPx: 6, heightPx: 5 };

function revision(id: string, kind: 'model' | 'user'): MaskRevision {
  return { id, imageId: 'a', createdAt: '2026-12-01T10:00:00Z', source: kind === 'model' ? { kind, modelId: 'm', modelVersion: '1' } : { kind, user: 'dr-b' }, parentId: null, labelCounts: [] };
}

/** A server with one image whose current revision the test moves, as another client would. */
function server() {
  const state: { current: MaskRevision; mask: Uint8Array; saves: (string | null)[] } = { current: revision('r1', 'model'), mask: new Uint8Array(30).fill(1, 0, 10), saves: [] };
  const fake = fakeApi({
    masks: {
      load: () => ok({ revision: state.current, mask: { ...size, data: state.mask.slice() } }),
      revisions: () => ok([state.current]),
      save: (_imageId: string, mask: LabelMask, opts: { parentId: string | null }) => {
        state.saves.push(opts.parentId);
        if (opts.parentId !== state.current.id) return { ok: false, code: 'conflict', reason: 'changed', details: { currentRevision: state.current } };
        state.current = { ...revision(`s${state.saves.length}`, 'user'), parentId: opts.parentId };
        state.mask = mask.data.slice();
        return ok(state.current);
      },
    },
    project: { listImages: () => ok([record({ id: 'a', ...size, latestRevisionId: state.current.id })]) },
  });
  installStores(fake.api);
  const project = useProjectStore();
  project.summary = { path: '/p', name: 'p', formatVersion: 1, imageCount: 1, createdAt: '', settings: { copyImages: true, userName: 'ann' }, user: 'ann', readOnly: false, warnings: [] } satisfies ProjectSummary;
  project.images = [record({ id: 'a', ...size, latestRevisionId: 'r1' })];
  /** Another client saves a mask: the server moves on and tells every client. */
  const elsewhere = (id: string, data: Uint8Array) => {
    state.current = revision(id, 'user');
    state.mask = data;
    fake.emit('project', { kind: 'changed', imageIds: ['a'] });
  };
  return { state, elsewhere };
}

function paint(editor: ReturnType<typeof useEditorStore>): void {
  const diff = paintDisk(editor.session!.mask, { x: 3.5, y: 3.5 }, 1, 2);
  if (!diff) throw new Error('nothing painted');
  editor.commit(diff, 'Brush');
}

describe('editor follows the project', () => {
  beforeEach(() => vi.useFakeTimers());

  it('a view without unsaved edits shows another client\'s save at once (no stale mask)', async () => {
    const { elsewhere } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    const theirs = new Uint8Array(30).fill(2, 5, 25);
    elsewhere('r2', theirs);
    await vi.runAllTimersAsync();
    expect(editor.session!.revision?.id).toBe('r2');
    expect(editor.session!.mask.data).toEqual(theirs);
    expect(editor.session!.conflict).toBeNull();
  });

  it('unsaved edits over a change elsewhere: a conflict, nothing saved until the user keeps theirs on top', async () => {
    const { state, elsewhere } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    paint(editor);
    const mine = editor.session!.mask.data.slice();
    elsewhere('r2', new Uint8Array(30).fill(1));
    await vi.runAllTimersAsync(); // the auto-save timer too: it must not save over r2
    expect(editor.session!.conflict?.id).toBe('r2');
    expect(state.saves).toEqual([]);
    expect(editor.session!.mask.data).toEqual(mine);
    expect(await editor.resolveConflict('mine')).toBe(true);
    expect(state.saves).toEqual(['r2']);
    expect(state.mask).toEqual(mine);
    expect(editor.dirty).toBe(false);
  });

  it('a save refused as a conflict keeps the edits; "load the latest" drops them for the server\'s mask', async () => {
    const { state } = server();
    const editor = useEditorStore();
    await editor.open('a', size);
    paint(editor);
    state.current = revision('r3', 'user'); // changed without an event reaching us
    state.mask = new Uint8Array(30).fill(2);
    expect(await editor.save({ quiet: true })).toBe(false);
    expect(editor.session!.conflict?.id).toBe('r3');
    expect(editor.dirty).toBe(true);
    expect(await editor.resolveConflict('latest')).toBe(true);
    expect(editor.session!.revision?.id).toBe('r3');
    expect(editor.session!.mask.data).toEqual(state.mask);
    expect(editor.dirty).toBe(false);
  });

  it('approving a mask with an empty lung asks first and approves only on "approve anyway"', async () => {
    server();
    const editor = useEditorStore();
    const confirm = useConfirmStore();
    await editor.open('a', size);
    const approving = editor.approve();
    await vi.waitFor(() => expect(confirm.request).not.toBeNull());
    expect(confirm.request!.lines.map((l) => l.key)).toContain('editor.warnEmptyLeft');
    confirm.answer(false);
    expect(await approving).toBe(false);
  });
});
