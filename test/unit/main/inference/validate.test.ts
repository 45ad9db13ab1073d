import { describe, expect, it } from 'vitest';
import { modelManifestSchema, type ModelManifest } from '../../../../src-shared/ml/manifest';
import { bindModel, type ValueInfo } from '../../../../src-main/workers/inference/validate';
import { planProviders } from '../../../../src-main/workers/inference/providers';

const manifest: ModelManifest = modelManifestSchema.parse({
  id: 'm', version: '1', name: 'm', createdAt: '2025-01-01',
  input: { widthPx: 256, heightPx: 256, channels: 1, layout: 'NCHW' },
  normalisation: { from: 'display-8bit' },
  output: { kind: 'logit', classes: ['lung'] },
});
const tensor = (name: string, shape: (number | string)[]): ValueInfo => ({ name, isTensor: true, type: 'float32', shape });

describe('bindModel', () => {
  it('accepts a matching model and reports a symbolic batch as free', () => {
    const binding = bindModel([tensor('x', ['N', 1, 256, 256])], [tensor('y', ['N', 1, 256, 256])], manifest, 'm@1');
    expect(binding).toEqual({ inputName: 'x', outputName: 'y', fixedBatch: null });
  });

  it.each([
    ['3 channels where the manifest says 1', [tensor('x', [1, 3, 256, 256])], [tensor('y', [1, 1, 256, 256])], /channel count of 'x' is 3.*manifest says 1/],
    ['a 512 px input', [tensor('x', [1, 1, 512, 512])], [tensor('y', [1, 1, 512, 512])], /input height of 'x' is 512.*manifest says 256 px/],
    ['a rank 2 input', [tensor('x', [1, 65536])], [tensor('y', [1, 1, 256, 256])], /rank 2/],
    ['two output classes', [tensor('x', [1, 1, 256, 256])], [tensor('y', [1, 2, 256, 256])], /output channel count of 'y' is 2/],
    ['an int64 input', [{ ...tensor('x', [1, 1, 256, 256]), type: 'int64' }], [tensor('y', [1, 1, 256, 256])], /int64/],
  ])('rejects %s with a clear message', (_case, inputs, outputs, message) => {
    expect(() => bindModel(inputs, outputs, manifest, 'm@1')).toThrow(message);
  });

  it('rejects a manifest input name the model lacks', () => {
    const named = { ...manifest, input: { ...manifest.input, name: 'image' } };
    expect(() => bindModel([tensor('x', [1, 1, 256, 256])], [tensor('y', [1, 1, 256, 256])], named, 'm@1')).toThrow(/names input 'image'.*'x'/);
  });
});

describe('planProviders', () => {
  it.each([
    ['linux with the CUDA library', 'linux', true, 'cuda'],
    ['linux without it', 'linux', false, 'cpu'],
    ['windows', 'win32', false, 'dml'],
    ['macOS', 'darwin', false, 'coreml'],
  ])('%s prefers %s', (_case, platform, cudaPresent, preferred) => {
    const plan = planProviders({ platform, binDir: '/ort/bin', fileExists: (path) => cudaPresent && path.endsWith('libonnxruntime_providers_cuda.so') });
    expect(plan.preferred).toBe(preferred);
    expect(plan.available).toContain('cpu');
  });

  it('says why it uses the CPU on Linux without CUDA', () => {
    expect(planProviders({ platform: 'linux', binDir: '/x', fileExists: () => false }).note).toMatch(/CUDA/);
  });
});
