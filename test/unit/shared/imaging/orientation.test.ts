import { describe, expect, it } from 'vitest';
import { directionLetters, orientationMarkers, scaleBar } from '../../../../src-shared/imaging/orientation';

describe('orientation markers', () => {
  it('a PA chest (Patient Orientation L\\F): patient\'s right on the viewer\'s left, head at the top', () => {
    expect(orientationMarkers({ patientOrientation: ['L', 'F'] })).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(orientationMarkers({ patientOrientation: ['R', 'F'] })).toEqual({ left: 'L', right: 'R', top: 'H', bottom: 'F' });
  });

  it('oblique directions and Image Orientation (Patient) cosines', () => {
    expect(orientationMarkers({ patientOrientation: ['LF', 'FR'] })).toEqual({ left: 'RH', right: 'LF', top: 'HL', bottom: 'FR' });
    expect(orientationMarkers({ imageOrientation: [1, 0, 0, 0, 0, -1] })).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(directionLetters([0.8, 0, -0.6])).toBe('LF');
  });

  it('says nothing (unknown) rather than guess when the file gives no usable orientation', () => {
    expect(orientationMarkers(undefined)).toBeNull();
    expect(orientationMarkers({})).toBeNull();
    expect(orientationMarkers({ patientOrientation: ['X', 'F'] })).toBeNull();
    expect(orientationMarkers({ imageOrientation: [0, 0, 0, 0, 0, 0] })).toBeNull();
  });
});

describe('scale bar', () => {
  it('picks a round length that fits, and its screen length', () => {
    expect(scaleBar(0.14, 0.25)).toEqual({ lengthMm: 50, screenPx: expect.closeTo(89.3, 1) });
    expect(scaleBar(0.14, 1)).toEqual({ lengthMm: 20, screenPx: expect.closeTo(142.9, 1) });
    expect(scaleBar(null, 1)).toBeNull();
  });
});
