import { describe, expect, it } from 'vitest';
import { defaultBrushRadiusPx } from '../../../../src-renderer/src/editor/brush-size';
import { useEditorStore } from '../../../../src-renderer/src/stores/editor';
import { fakeApi, installStores } from '../fake-api';

describe('default brush size', () => {
  it('is 10 mm across where the spacing is known, whatever the detector', () => {
    expect(defaultBrushRadiusPx({ widthPx: 2500, heightPx: 2048 }, { rowMm: 0.14, colMm: 0.14 }) * 2 * 0.14).toBeCloseTo(10, 0);
    expect(defaultBrushRadiusPx({ widthPx: 500, heightPx: 500 }, { rowMm: 0.7, colMm: 0.7 })).toBe(7);
  });

  it('is 3 % of the shorter side without a spacing, never a 2-pixel dot', () => {
    expect(defaultBrushRadiusPx({ widthPx: 3000, heightPx: 2000 }, null)).toBe(30);
    expect(defaultBrushRadiusPx({ widthPx: 40, heightPx: 40 }, null)).toBe(2);
  });

  it('each film gets its default until the user picks a size, which then stays', () => {
    installStores(fakeApi().api);
    const editor = useEditorStore();
    editor.adaptBrush({ widthPx: 2000, heightPx: 2000 }, null);
    expect(editor.brushRadiusPx).toBe(30);
    editor.adaptBrush({ widthPx: 1000, heightPx: 1000 }, null);
    expect(editor.brushRadiusPx).toBe(15);
    editor.setBrushRadius(42);
    editor.adaptBrush({ widthPx: 2000, heightPx: 2000 }, null);
    expect(editor.brushRadiusPx).toBe(42);
    editor.resizeBrush(100);
    expect(editor.brushRadiusPx).toBe(500);
  });
});
