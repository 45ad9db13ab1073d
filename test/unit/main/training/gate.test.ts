import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { promotionAllowed, referenceSetFor } from '../../../../src-main/services/models/reference';
import { chooseHeldOut, isHeldOut, userChangedModelMask } from '../../../../src-main/services/training/project-data';
import type { ResolvedModel } from '../../../../src-main/services/models/registry';
import { repoRoot } from '../../../helpers/paths';

describe('promotion gate', () => {
  const v = (dice: number) => ({ dice });
  it.each([
    [{ validation: v(0.9), activeValidation: v(0.89), reference: v(0.93), activeReference: v(0.92) }, true],
    [{ validation: v(0.9), activeValidation: v(0.89), reference: v(0.88), activeReference: v(0.92) }, false],
    [{ validation: v(0.85), activeValidation: v(0.89), reference: v(0.95), activeReference: v(0.92) }, false],
    [{ validation: v(0.9), activeValidation: null, reference: null, activeReference: null }, true],
    [{ validation: v(0.9), activeValidation: v(0.9), reference: null, activeReference: null }, true],
  ])('%o → %s', (scores, allowed) => {
    expect(promotionAllowed(scores)).toBe(allowed);
    expect(promotionAllowed(scores, { force: true })).toBe(true);
  });
});

describe('held-out films for validation', () => {
  const model = { source: { kind: 'model' } };
  const user = { source: { kind: 'user' } };
  const reference = { source: { kind: 'reference' } };

  it('a film counts as corrected only when a person changed a model mask', () => {
    expect(userChangedModelMask([model, user])).toBe(true);
    expect(userChangedModelMask([model])).toBe(false);
    expect(userChangedModelMask([user, model])).toBe(false);
    expect(userChangedModelMask([reference, user])).toBe(false);
  });

  it('prefers the held-out films a person corrected over the model\'s own unedited output', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `img-${i}`);
    const heldOut = ids.filter(isHeldOut);
    expect(heldOut.length).toBeGreaterThan(1);
    const correctedId = heldOut[0];
    const films = ids.map((id) => ({ id, corrected: id === correctedId || !isHeldOut(id) }));
    const chosen = chooseHeldOut(films);
    expect([...chosen.valIds]).toEqual([correctedId]);
    expect(chosen.corrected).toBe(true);
    const none = chooseHeldOut(ids.map((id) => ({ id, corrected: false })));
    expect([...none.valIds].sort()).toEqual([...heldOut].sort());
    expect(none.corrected).toBe(false);
  });

  it('never holds out every film', () => {
    const films = [{ id: 'a', corrected: true }, { id: 'b', corrected: true }];
    expect(chooseHeldOut(films).valIds.size).toBeLessThan(2);
  });
});

describe('reference set', () => {
  const model = (key: string, dir: string, parent?: string) => ({ key, dir, manifest: { training: { parent } } }) as unknown as ResolvedModel;

  // The reference set is looked up in the version's own folder, so each shipped version folder holds one.
  it.each(['1.0.0', '2.0.0', '3.0.0'])('shipped model %s has one, and a fine-tuned version finds it through its parent', async (version) => {
    const base = model(`pleura-lungs-unet@${version}`, join(repoRoot, 'models', `pleura-lungs-unet-${version}`));
    const child = model('pleura-lungs-unet@2026', join(repoRoot, 'no-such-folder'), base.key);
    const registry = { resolve: async (key?: string) => (key === base.key ? base : Promise.reject(new Error('nope'))) };
    const own = await referenceSetFor(registry, base);
    expect(own?.name).toBe(`reference:pleura-lungs-unet@${version}`);
    expect(own?.pairs.length).toBe(4);
    expect(own?.pairs.every((p) => p.mask.some((v) => v > 0) && p.image.length === p.widthPx * p.heightPx)).toBe(true);
    expect((await referenceSetFor(registry, child))?.name).toBe(own?.name);
    expect(await referenceSetFor(registry, model('x@1', join(repoRoot, 'no-such-folder')))).toBeNull();
  });
});
