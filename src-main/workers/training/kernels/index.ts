/** Registers the WASM training kernels (idempotent). */
export function registerTrainingKernels(): void {}
