/**
 * Mask algorithms shared by inference post-processing, the editor and training: components, holes,
 * morphology, left/right split, editing with diffs, contours, counts, distance transform.
 * All are pure functions on row-major Uint8Array masks; see ./types for the conventions.
 */
export * from './types';
export * from './components';
export * from './holes';
export * from './distance';
export * from './morphology';
export * from './leftright';
export * from './diff';
export * from './raster';
export * from './edit';
export * from './contours';
export * from './counts';
