import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import type { ImageMeta, ImagePixels, Result } from '../../../../src-shared/api';
import { useViewerStore } from '../../../../src-renderer/src/stores/viewer';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { diagnoseConnection } from '../../../../src-renderer/src/api/client';
import ToastList from '../../../../src-renderer/src/components/ToastList.vue';
import { createPleuraI18n } from '../../../../src-renderer/src/i18n';
import { fakeApi, installStores, ok } from '../fake-api';

const twelveBit = (): ImagePixels => ({ widthPx: 64, heightPx: 64, channels: 1, data: Uint16Array.from({ length: 4096 }, (_, i) => i), min: 0, max: 4095, invert: false });
const meta = (imageId: string, windows: ImageMeta['windows']): ImageMeta => ({ imageId, kind: 'dicom', widthPx: 64, heightPx: 64, frames: 1, photometric: 'MONOCHROME2', bitsStored: 12, spacing: null, windows });

describe('viewer store', () => {
  it('a film whose own window does not fit opens with the automatic one and says which it passed over', async () => {
    const wide = { center: 15000, width: 30000, name: 'file' };
    const { api } = fakeApi({ images: { meta: (id: string) => ok(meta(id, [wide])), pixels: () => ok(twelveBit()) } });
    installStores(api);
    const viewer = useViewerStore();
    expect(await viewer.load('a')).toBe(true);
    expect(viewer.skippedFileWindow).toEqual(wide);
    expect(viewer.window.width).toBeLessThan(4200);
    expect(viewer.presets.map((p) => p.name)).toContain('file');
  });

  it('the previous film leaves the screen as soon as another is selected, even if that load hangs', async () => {
    let release: (value: Result<ImagePixels>) => void = () => undefined;
    const { api } = fakeApi({
      images: {
        meta: (id: string) => ok(meta(id, [])),
        pixels: (id: string) => (id === 'a' ? ok(twelveBit()) : new Promise<Result<ImagePixels>>((resolve) => (release = resolve))),
      },
    });
    installStores(api);
    const viewer = useViewerStore();
    await viewer.load('a');
    expect(viewer.pixels).not.toBeNull();
    const pending = viewer.load('b');
    expect(viewer.imageId).toBe('b');
    expect(viewer.pixels).toBeNull();
    expect(viewer.meta).toBeNull();
    await vi.waitFor(() => expect(api.images.pixels).toHaveBeenCalledTimes(2));
    release({ ok: false, code: 'io', reason: 'gone' });
    expect(await pending).toBe(false);
    expect(viewer.pixels).toBeNull();
  });
});

describe('a film opens from its preview', () => {
  /** A 64x64 film and its 16x16 preview of the same range, each with a value ramp. */
  const full = twelveBit;
  const small = (): ImagePixels => ({ widthPx: 16, heightPx: 16, channels: 1, data: Uint16Array.from({ length: 256 }, (_, i) => i * 8), min: 0, max: 2040, invert: false });

  it('shows the preview at once, chooses the window from it, and keeps that window when the full film replaces it', async () => {
    let release: (value: Result<ImagePixels>) => void = () => undefined;
    const { api } = fakeApi({
      images: {
        meta: (id: string) => ok(meta(id, [])),
        preview: () => ok(small()),
        pixels: () => new Promise<Result<ImagePixels>>((resolve) => (release = resolve)),
      },
    });
    installStores(api);
    const viewer = useViewerStore();
    const loading = viewer.load('a');
    await vi.waitFor(() => expect(viewer.preview).not.toBeNull());
    expect(viewer.shown).toBe(viewer.preview);
    expect(viewer.pixels).toBeNull();
    const opened = { ...viewer.window };
    const automatic = viewer.presets.find((p) => p.source === 'auto');
    expect(viewer.presets.find((p) => p.source === 'full-range')).toMatchObject({ width: 2041 });
    release(ok(full()));
    expect(await loading).toBe(true);
    expect(viewer.preview).toBeNull();
    expect(viewer.shown).toBe(viewer.pixels);
    expect(viewer.window).toEqual(opened);
    // the automatic preset stays the one the film opened with; the full range becomes the film's own
    expect(viewer.presets.find((p) => p.source === 'auto')).toEqual(automatic);
    expect(viewer.presets.find((p) => p.source === 'full-range')).toMatchObject({ width: 4096 });
  });

  it('asks for the full pixels only once the preview is here, and after the work it is told to wait for', async () => {
    const order: string[] = [];
    let finish: () => void = () => undefined;
    const { api } = fakeApi({
      images: {
        meta: (id: string) => ok(meta(id, [])),
        preview: () => (order.push('preview'), ok(small())),
        pixels: () => (order.push('pixels'), ok(full())),
      },
    });
    installStores(api);
    const viewer = useViewerStore();
    const predicted = new Promise<void>((resolve) => (finish = () => (order.push('predicted'), resolve())));
    const loading = viewer.load('a', { fullAfter: predicted });
    await vi.waitFor(() => expect(viewer.preview).not.toBeNull());
    expect(order).toEqual(['preview']);
    finish();
    expect(await loading).toBe(true);
    expect(order).toEqual(['preview', 'predicted', 'pixels']);
  });

  it('without a preview (the server has none) opens from the full pixels as before', async () => {
    const { api } = fakeApi({ images: { meta: (id: string) => ok(meta(id, [])), pixels: () => ok(full()) } });
    installStores(api);
    const viewer = useViewerStore();
    expect(await viewer.load('a')).toBe(true);
    expect(viewer.shown).toBe(viewer.pixels);
    expect(viewer.window.width).toBeGreaterThan(1);
  });
});

describe('a lost serve-mode connection', () => {
  it('tells a restarted server (token refused) from one that does not answer', async () => {
    expect(await diagnoseConnection('http://127.0.0.1:1/?token=old', async () => ({ status: 403 }))).toBe('restarted');
    expect(await diagnoseConnection('http://127.0.0.1:1/?token=old', async () => { throw new TypeError('Failed to fetch'); })).toBe('unreachable');
  });

  it('is shown as a restart in the UI language, not as a network or disk error', () => {
    const pinia = installStores(fakeApi().api);
    useMessagesStore().failure('errors.imageLoad', { code: 'io', reason: 'The Pleura server was restarted.', details: { connection: 'restarted' } });
    const wrapper = mount(ToastList, { global: { plugins: [pinia, createPleuraI18n({ locale: 'ru' })] } });
    expect(wrapper.text()).toContain('Сервер Pleura перезапущен');
    expect(wrapper.text()).not.toContain('ошибка чтения');
    // wholly Russian: the English sentence is not kept beside it
    expect(wrapper.text()).not.toMatch(/restarted/);
  });

  it('is one toast however many calls it failed, the latest state replacing the earlier', () => {
    installStores(fakeApi().api);
    const messages = useMessagesStore();
    messages.failure('errors.predict', { code: 'io', reason: 'lost', details: { connection: 'lost' } });
    messages.failure('errors.imageLoad', { code: 'io', reason: 'restarted', details: { connection: 'restarted' } });
    messages.failure('errors.loadMask', { code: 'io', reason: 'restarted', details: { connection: 'restarted' } });
    expect(messages.messages.map((m) => m.key)).toEqual(['errors.connection-restarted']);
  });
});
