import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { Thumbnail } from '../../../../src-shared/api';
import { thumbnailMaxSidePx, useThumbnailsStore } from '../../../../src-renderer/src/stores/thumbnails';
import QueueThumb from '../../../../src-renderer/src/workspaces/review/QueueThumb.vue';
import { fakeApi, installStores, ok } from '../fake-api';

const tiny = (value: number): Thumbnail => ({ widthPx: 2, heightPx: 1, data: Uint8Array.from([value, value]) });

describe('thumbnails store', () => {
  it('asks main for one film at a time, once each, and keeps a failure as no thumbnail', async () => {
    let inFlight = 0;
    let most = 0;
    const { api } = fakeApi({
      images: {
        thumbnail: async (id: string) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
          return id === 'broken' ? { ok: false, code: 'corrupt', reason: 'bad file' } : ok(tiny(id.length));
        },
      },
    });
    installStores(api);
    const thumbnails = useThumbnailsStore();
    await Promise.all(['a', 'bb', 'broken', 'a'].map((id) => thumbnails.request(id)));
    await thumbnails.request('bb');
    expect(most).toBe(1);
    expect(api.images.thumbnail).toHaveBeenCalledTimes(3);
    expect(api.images.thumbnail).toHaveBeenCalledWith('a', { maxSidePx: thumbnailMaxSidePx });
    expect(thumbnails.byImageId.get('bb')?.data[0]).toBe(2);
    expect(thumbnails.byImageId.get('broken')).toBeNull();
  });

  it('the queue item draws its film thumbnail once main has sent it', async () => {
    const { api } = fakeApi({ images: { thumbnail: () => ok(tiny(7)) } });
    const pinia = installStores(api);
    const thumbnails = useThumbnailsStore();
    const wrapper = mount(QueueThumb, { props: { imageId: 'x' }, global: { plugins: [pinia] } });
    await thumbnails.request('x');
    await wrapper.vm.$nextTick();
    expect(api.images.thumbnail).toHaveBeenCalledWith('x', { maxSidePx: thumbnailMaxSidePx });
    expect(wrapper.get('[data-testid="queue-thumb"]').attributes('data-loaded')).toBe('yes');
  });
});
