/**
 * Segmentation metrics (overlap, boundary distances) and lung measurements, shared by training,
 * evaluation and the measurements panel.
 */
export * from './overlap';
export * from './boundary';
export * from './measurements';
export * from './film-check';
