import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../../src-main/services/create-context';
import { getModelRegistry } from '../../src-main/services/models/registry';
import { getInferenceService } from '../../src-main/services/inference/service';
import { fixturePath } from '../helpers/paths';

describe('model activation', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads the newly active model in the running worker, without a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pleura-activate-'));
    const ctx = createAppContext({ transport: 'cli', dataDir: dir, builtinModelsDir: join(dir, 'none') });
    const inference = getInferenceService(ctx);
    try {
      expect(inference.host.runtimeReport().active).toBeNull();
      const registry = getModelRegistry(ctx);
      const version = await registry.add(fixturePath('models', 'tiny-lungs'));
      await registry.activate(version.key);
      // The listener starts the load; wait for it to land.
      for (let i = 0; i < 100 && inference.host.runtimeReport().active === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(inference.host.runtimeReport().active).toBe('cpu');
      expect(inference.host.crashes).toBe(0);
    } finally {
      await inference.close();
    }
  });
});
