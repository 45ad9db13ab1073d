import { describe, expect, it } from 'vitest';
import { fitViewport, oneToOneViewport, panBy, stageToImage, zoomAt } from '../../../../src-renderer/src/editor/viewport';
import { dragWindow, windowPresets } from '../../../../src-renderer/src/stores/viewer';

describe('viewport', () => {
  it('fits a tall image to the view height and centres it', () => {
    const v = fitViewport({ widthPx: 2000, heightPx: 3000 }, { widthPx: 1000, heightPx: 616 }, 8);
    expect(v.scale).toBeCloseTo(0.2);
    expect(v.y).toBeCloseTo(8);
    expect(v.x).toBeCloseTo((1000 - 400) / 2);
  });

  it('zooming keeps the image point under the cursor where it is', () => {
    const start = { scale: 0.5, x: 30, y: -20 };
    const cursor = { x: 412, y: 233 };
    const before = stageToImage(start, cursor);
    const zoomed = zoomAt(start, 3, cursor);
    expect(zoomed.scale).toBeCloseTo(1.5);
    const after = stageToImage(zoomed, cursor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('1:1 shows one image pixel per screen pixel about the view centre', () => {
    const view = { widthPx: 800, heightPx: 600 };
    const start = { scale: 0.25, x: 100, y: 50 };
    const centre = stageToImage(start, { x: 400, y: 300 });
    const one = oneToOneViewport(start, view);
    expect(one.scale).toBe(1);
    expect(stageToImage(one, { x: 400, y: 300 })).toEqual(centre);
  });

  it('pans by screen pixels', () => {
    expect(panBy({ scale: 2, x: 1, y: 2 }, 10, -5)).toEqual({ scale: 2, x: 11, y: -3 });
  });
});

describe('window/level', () => {
  it('right-drag: horizontal changes width, vertical changes centre, in proportion to the value range', () => {
    expect(dragWindow({ center: 1000, width: 2000 }, 100, 0, 4000, 800)).toEqual({ center: 1000, width: 2500 });
    expect(dragWindow({ center: 1000, width: 2000 }, 0, -200, 4000, 800)).toEqual({ center: 0, width: 2000 });
    expect(dragWindow({ center: 1000, width: 200 }, -400, 0, 4000, 800).width).toBe(1);
  });

  it('offers the file presets first, then the full range', () => {
    const presets = windowPresets(
      { windows: [{ name: 'lung', center: 500, width: 1000 }] } as never,
      { widthPx: 2, heightPx: 1, channels: 1, data: new Int16Array([-100, 3900]), min: -100, max: 3900, invert: false },
    );
    expect(presets[0]).toMatchObject({ name: 'lung', center: 500, width: 1000 });
    expect(presets.at(-1)).toMatchObject({ center: -100 + 4001 / 2, width: 4001 });
  });
});
