/**
 * Pure imaging functions shared by the renderer (display), main (thumbnails, CLI) and the model
 * pre-processing: windowing (VOI), VOI LUTs, default windows, 8-bit conversion, resampling, spacing.
 */
export * from './window';
export * from './voi';
export * from './defaults';
export * from './resample';
export * from './spacing';
export * from './orientation';
