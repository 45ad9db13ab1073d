import { describe, expect, it } from 'vitest';
import { compareRecords, mostUncertain, useReviewStore, type QueueSortKey } from '../../../../src-renderer/src/stores/review';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { fakeApi, installStores, record } from '../fake-api';

const images = [
  record({ id: 'a', status: 'predicted', uncertainty: 0.2, areas: { rightCm2: 100, leftCm2: 90, totalCm2: 190, totalPx: 1900 } }),
  record({ id: 'b', status: 'approved', uncertainty: 0.9, areas: { rightCm2: 120, leftCm2: 100, totalCm2: 220, totalPx: 2200 } }),
  record({ id: 'c', status: 'new', uncertainty: null }),
  record({ id: 'd', status: 'in-review', uncertainty: 0.5, areas: { rightCm2: 80, leftCm2: 70, totalCm2: 150, totalPx: 1500 } }),
];

describe('review queue ordering', () => {
  it.each<[QueueSortKey, boolean, string[]]>([
    ['uncertainty', true, ['b', 'd', 'a', 'c']],
    ['uncertainty', false, ['a', 'd', 'b', 'c']],
    ['name', false, ['a', 'b', 'c', 'd']],
    ['status', false, ['c', 'a', 'd', 'b']],
    ['area', true, ['b', 'a', 'd', 'c']],
  ])('sorts by %s (descending %s), unpredicted last', (key, descending, expected) => {
    const sorted = [...images].sort((x, y) => compareRecords(x, y, key, descending));
    expect(sorted.map((r) => r.id)).toEqual(expected);
  });

  it('sorts lung areas in one unit: cm² films by cm², then pixel-only films by px², in either direction', () => {
    const mixed = [
      record({ id: 'cm-small', areas: { rightCm2: 50, leftCm2: 50, totalCm2: 100, totalPx: 5_000 } }),
      record({ id: 'px-huge', areas: { rightCm2: null, leftCm2: null, totalCm2: null, totalPx: 900_000 } }),
      record({ id: 'cm-big', areas: { rightCm2: 100, leftCm2: 85, totalCm2: 185, totalPx: 9_000 } }),
      record({ id: 'px-small', areas: { rightCm2: null, leftCm2: null, totalCm2: null, totalPx: 100 } }),
      record({ id: 'none' }),
    ];
    const order = (descending: boolean) => [...mixed].sort((x, y) => compareRecords(x, y, 'area', descending)).map((r) => r.id);
    expect(order(true)).toEqual(['cm-big', 'cm-small', 'px-huge', 'px-small', 'none']);
    expect(order(false)).toEqual(['cm-small', 'cm-big', 'px-small', 'px-huge', 'none']);
  });

  it('next most uncertain skips approved images and the current one', () => {
    expect(mostUncertain(images, null)?.id).toBe('d');
    expect(mostUncertain(images, 'd')?.id).toBe('a');
    expect(mostUncertain(images.filter((r) => r.id !== 'a' && r.id !== 'd'), null)?.id).toBe('c');
    expect(mostUncertain([images[1]], null)).toBeNull();
  });

  it('filters by status and text, and walks the queue in the order shown', () => {
    installStores(fakeApi().api);
    const project = useProjectStore();
    project.images = images;
    const review = useReviewStore();
    expect(review.queue.map((r) => r.id)).toEqual(['b', 'd', 'a', 'c']);
    review.toggleStatus('approved');
    review.toggleStatus('new');
    expect(review.queue.map((r) => r.id)).toEqual(['b', 'c']);
    review.toggleStatus('approved');
    expect(review.queue.map((r) => r.id)).toEqual(['c']);
    review.statusFilter = [];
    review.textFilter = 'D.PNG';
    expect(review.queue.map((r) => r.id)).toEqual(['d']);
    review.textFilter = '';
    review.select('d');
    expect(review.nextId()).toBe('a');
    expect(review.previousId()).toBe('b');
    review.select('c');
    expect(review.nextId()).toBe('b');
    expect(review.counts).toEqual({ new: 1, predicted: 1, 'in-review': 1, corrected: 0, approved: 1 });
  });

  it('sortBy toggles direction on the same key', () => {
    installStores(fakeApi().api);
    const review = useReviewStore();
    review.sortBy('name');
    expect([review.sortKey, review.descending]).toEqual(['name', false]);
    review.sortBy('name');
    expect(review.descending).toBe(true);
  });
});
