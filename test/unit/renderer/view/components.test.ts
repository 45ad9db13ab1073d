import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import ToastList from '../../../../src-renderer/src/components/ToastList.vue';
import MeasurementsPanel from '../../../../src-renderer/src/workspaces/annotate/MeasurementsPanel.vue';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { useEditorStore } from '../../../../src-renderer/src/stores/editor';
import { useViewerStore } from '../../../../src-renderer/src/stores/viewer';
import { EditHistory } from '../../../../src-renderer/src/editor/history';
import { createPleuraI18n } from '../../../../src-renderer/src/i18n';
import { fakeApi, installStores } from '../fake-api';
import { englishOf, say } from '../../../../src-shared/api/text';

function setup(locale: 'en' | 'ru' = 'en') {
  const pinia = installStores(fakeApi().api);
  const i18n = createPleuraI18n({ locale });
  return { global: { plugins: [pinia, i18n] } };
}

describe('ToastList', () => {
  it('shows a failed call with its reason and a Retry that runs the retry', async () => {
    const options = setup();
    const messages = useMessagesStore();
    const retry = vi.fn();
    messages.failure('errors.save', { code: 'disk-full', reason: 'The disk is full.' }, { retry });
    const wrapper = mount(ToastList, options);
    const toast = wrapper.get('[data-testid="toast"]');
    expect(toast.text()).toContain('The mask was NOT saved');
    expect(toast.text()).toContain('The disk is full.');
    expect(toast.attributes('role')).toBe('alert');
    await toast.get('button').trigger('click');
    expect(retry).toHaveBeenCalledOnce();
    expect(messages.messages).toHaveLength(0);
  });

  it('in Russian, a reason main gave by key is a Russian sentence (no English left beside it)', () => {
    const options = setup('ru');
    const text = say('import.maskNotImported', { reason: say('import.maskSize', { maskWidth: 512, maskHeight: 512, widthPx: 2048, heightPx: 2500 }) });
    useMessagesStore().failure('errors.import', { code: 'invalid-argument', reason: englishOf(text), text });
    const shown = mount(ToastList, options).get('[data-testid="toast"]').text();
    expect(shown.replace(/[\u00a0\u202f]/g, ' ')).toContain('Эталонная маска не импортирована: Маска 512×512, а изображение 2048×2500.');
    expect(shown).not.toMatch(/mask|image/i);
  });

  it('in Russian, a reason main sent in English only shows its code translated, the English as the detail', () => {
    const options = setup('ru');
    useMessagesStore().failure('errors.import', { code: 'disk-full', reason: 'Old server sentence.' });
    const toast = mount(ToastList, options).get('[data-testid="toast"]');
    expect(toast.get('.detail').text()).toBe('Old server sentence.');
  });
});

describe('MeasurementsPanel', () => {
  async function mountWith(spacing: { rowMm: number; colMm: number; label: string } | null, withPrediction: boolean) {
    const options = setup();
    const editor = useEditorStore();
    const viewer = useViewerStore();
    const data = new Uint8Array(100);
    data.fill(1, 0, 20);
    data.fill(2, 50, 60);
    const prediction = withPrediction ? { widthPx: 10, heightPx: 10, data: new Uint8Array(100).fill(1, 0, 20) } : null;
    editor.session = { imageId: 'a', mask: { widthPx: 10, heightPx: 10, data }, history: new EditHistory(), revision: null, prediction, saveError: null, conflict: null, saving: false, recheck: false };
    viewer.meta = { imageId: 'a', windows: [], spacing: spacing && { ...spacing, source: 'imager' } } as never;
    const wrapper = mount(MeasurementsPanel, options);
    await new Promise((resolve) => setTimeout(resolve, 60));
    return wrapper;
  }

  it('without spacing: areas in px² and a warning', async () => {
    const wrapper = await mountWith(null, false);
    expect(wrapper.get('[data-testid="area-right"]').text()).toBe('20 px²');
    expect(wrapper.get('[data-testid="area-left"]').text()).toBe('10 px²');
    expect(wrapper.get('[data-testid="area-total"]').text()).toBe('30 px²');
    expect(wrapper.find('[data-testid="measure-no-spacing"]').exists()).toBe(true);
  });

  it('with spacing: cm², the spacing source, and Dice against the prediction', async () => {
    const wrapper = await mountWith({ rowMm: 2, colMm: 5, label: 'detector plane, uncalibrated' }, true);
    // 20 px × 10 mm² = 200 mm² = 2 cm²
    expect(wrapper.get('[data-testid="area-right"]').text()).toBe('2.0 cm²');
    expect(wrapper.get('[data-testid="measure-spacing"]').text()).toContain('detector plane, uncalibrated');
    // union Dice: prediction has 20 px, mask 30 px, 20 shared → 40/50
    expect(wrapper.get('[data-testid="dice"]').text()).toContain('0.800');
  });
});
