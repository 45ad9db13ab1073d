import { cp, mkdir } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import type { ModelVersion } from '../../../src-shared/api/models';
import { say } from '../../../src-shared/api/text';
import type { ModelManifest } from '../../../src-shared/ml/manifest';
import { PleuraError } from '../../../src-shared/api/result';
import { service, type AppContext } from '../context';
import { getSession } from '../project/session';
import { folderName, readState, readVersion, scanVersions, versionKey, writeState, type StoredVersion } from './store';

export type { StoredVersion } from './store';

/** A version ready to load: its manifest, ONNX file, key, folder and TF.js weights if it has them. */
export interface ResolvedModel {
  manifest: ModelManifest;
  onnxPath: string;
  key: string;
  dir: string;
  tfjsDir: string | null;
  builtIn: boolean;
}

/** Called after the active version changed (activate, rollback, a project opened or closed). */
export type ActivationListener = (model: ResolvedModel | null) => void;

/** The model registry: shipped versions (read-only) plus the project's (or the user's) own versions. */
export interface ModelRegistry {
  list(): Promise<ModelVersion[]>;
  /** The active version: the chosen one, else the newest built-in model; null when there is none. */
  active(): Promise<ModelVersion | null>;
  /**
   * A version by key (`id@version`), by id (its active or newest version), by folder or ONNX/manifest
   * path; the active version when absent. Throws PleuraError('not-found').
   */
  resolve(idOrKeyOrPath?: string): Promise<ResolvedModel>;
  /**
   * Makes `key` active. Without `force`, refuses (PleuraError 'conflict') when both it and the active
   * version were validated on the same set and its Dice is lower.
   */
  activate(key: string, options?: { force?: boolean }): Promise<ModelVersion>;
  /** Goes back to the previously active version. Throws PleuraError('not-found') when there is none. */
  rollback(): Promise<ModelVersion>;
  /** Copies a version folder (manifest + ONNX [+ tfjs/]) into the store; does not activate it. */
  add(sourceDir: string): Promise<ModelVersion>;
  /** Records a validation result of a version on a named validation set. */
  recordValidation(key: string, validation: { set: string; dice: number; iou: number }): Promise<void>;
  /** The validation recorded for a version, if any. */
  validation(key: string): Promise<{ set: string; dice: number; iou: number } | null>;
  /** Folder where new versions are written (the project's models folder, else the user's). */
  versionsDir(): string;
  /** Subscribes to activations; returns the unsubscribe function. */
  onActivate(listener: ActivationListener): () => void;
}

/** The process's registry (created on first use). */
export function getModelRegistry(ctx: AppContext): ModelRegistry {
  return service(ctx, 'models.registry', () => createRegistry(ctx));
}

function toVersion(v: StoredVersion, activeKey: string | null, validations: Record<string, { set: string; dice: number; iou: number }> = {}): ModelVersion {
  const validation = validations[v.key];
  const reference = validations[`${v.key}#reference`];
  return { key: v.key, manifest: v.manifest, active: v.key === activeKey, builtIn: v.builtIn, sizeBytes: v.sizeBytes, ...(validation ? { validation } : {}), ...(reference ? { reference } : {}) };
}

function toResolved(v: StoredVersion): ResolvedModel {
  return { manifest: v.manifest, onnxPath: v.onnxPath, key: v.key, dir: v.dir, tfjsDir: v.tfjsDir, builtIn: v.builtIn };
}

function createRegistry(ctx: AppContext): ModelRegistry {
  const listeners = new Set<ActivationListener>();
  const versionsDir = () => getSession(ctx).current()?.modelsDir ?? join(ctx.dataDir, 'models');
  const all = async () => [...(await scanVersions(ctx.builtinModelsDir, true)), ...(await scanVersions(versionsDir(), false))];

  // Without an explicit choice the NEWEST built-in version is active (versions are sorted by createdAt),
  // so an update that ships a new default model switches new predictions to it, while a store that chose
  // a version (registry.json `active`) keeps it and older built-ins stay listed for rollback.
  const activeOf = async (versions: StoredVersion[]) => {
    const state = await readState(versionsDir());
    const chosen = state.active ? versions.find((v) => v.key === state.active) : undefined;
    return chosen ?? versions.filter((v) => v.builtIn).at(-1) ?? null;
  };

  const notify = async () => {
    const active = await activeOf(await all());
    const resolved = active ? toResolved(active) : null;
    ctx.events.emit('models', { kind: 'activated', key: active?.key ?? '' });
    for (const listener of listeners) {
      try {
        listener(resolved);
      } catch (error) {
        console.error('model activation listener failed', error);
      }
    }
  };

  // Opening or closing a project switches the version store, and with it possibly the active model.
  let lastActive: string | null | undefined;
  ctx.events.on('project', (event) => {
    if (event.kind === 'changed') return;
    void (async () => {
      const active = (await activeOf(await all()))?.key ?? null;
      if (lastActive !== undefined && active !== lastActive) await notify();
      lastActive = active;
    })();
  });

  const registry: ModelRegistry = {
    async list() {
      const versions = await all();
      const active = await activeOf(versions);
      const { validations } = await readState(versionsDir());
      return versions.map((v) => toVersion(v, active?.key ?? null, validations));
    },
    async active() {
      const active = await activeOf(await all());
      return active ? toVersion(active, active.key) : null;
    },
    async resolve(idOrKeyOrPath) {
      const versions = await all();
      if (idOrKeyOrPath === undefined || idOrKeyOrPath === '') {
        const active = await activeOf(versions);
        if (!active) throw new PleuraError('not-found', say('model.noneInstalled'));
        return toResolved(active);
      }
      const byKey = versions.find((v) => v.key === idOrKeyOrPath);
      if (byKey) return toResolved(byKey);
      const sameId = versions.filter((v) => v.manifest.id === idOrKeyOrPath);
      if (sameId.length > 0) {
        const active = await activeOf(versions);
        return toResolved(sameId.find((v) => v.key === active?.key) ?? sameId[sameId.length - 1]);
      }
      if (existsSync(idOrKeyOrPath)) {
        const isDir = statSync(idOrKeyOrPath).isDirectory();
        const manifestPath = isDir ? join(idOrKeyOrPath, 'model.json')
          : basename(idOrKeyOrPath).endsWith('.json') ? idOrKeyOrPath : join(dirname(idOrKeyOrPath), 'model.json');
        const version = await readVersion(manifestPath, false);
        if (version) return toResolved(version);
        throw new PleuraError('not-found', say('model.noManifest', { path: idOrKeyOrPath }));
      }
      throw new PleuraError('not-found', say('model.noSuchModel', { model: idOrKeyOrPath }));
    },
    async activate(key, options = {}) {
      const versions = await all();
      const target = versions.find((v) => v.key === key);
      if (!target) throw new PleuraError('not-found', say('model.noVersion', { key }));
      const dir = versionsDir();
      const state = await readState(dir);
      const current = await activeOf(versions);
      if (current?.key === key) return toVersion(target, key);
      if (!options.force && current) {
        const mine = state.validations[key];
        const theirs = state.validations[current.key];
        if (mine && theirs && mine.set === theirs.set && mine.dice < theirs.dice) {
          throw new PleuraError('conflict', say('model.worseThanActive', { key, dice: Number(mine.dice.toFixed(4)), active: current.key, activeDice: Number(theirs.dice.toFixed(4)), set: mine.set }));
        }
      }
      if (current) state.previous.push(current.key);
      state.active = key;
      await writeState(dir, state);
      await notify();
      return toVersion(target, key);
    },
    async rollback() {
      const dir = versionsDir();
      const state = await readState(dir);
      const versions = await all();
      const current = await activeOf(versions);
      while (state.previous.length > 0) {
        const key = state.previous.pop()!;
        const target = versions.find((v) => v.key === key);
        if (!target || key === current?.key) continue;
        state.active = key;
        await writeState(dir, state);
        await notify();
        return toVersion(target, key);
      }
      throw new PleuraError('not-found', say('model.noPrevious'));
    },
    async add(sourceDir) {
      const version = await readVersion(join(sourceDir, 'model.json'), false);
      if (!version) throw new PleuraError('corrupt', say('model.sourceInvalid', { path: sourceDir }));
      const target = join(versionsDir(), folderName(version.key));
      // A version written straight into the store (training does that) is registered where it is.
      if (target !== resolvePath(sourceDir)) {
        if ((await all()).some((v) => v.key === version.key)) throw new PleuraError('conflict', say('model.exists', { key: version.key }));
        await mkdir(versionsDir(), { recursive: true });
        await cp(sourceDir, target, { recursive: true });
      }
      const stored = await readVersion(join(target, 'model.json'), false);
      if (!stored) throw new PleuraError('io', say('model.storeFailed', { key: version.key, path: target }));
      ctx.events.emit('models', { kind: 'added', key: stored.key });
      const active = await activeOf(await all());
      return toVersion(stored, active?.key ?? null);
    },
    async recordValidation(key, validation) {
      const dir = versionsDir();
      const state = await readState(dir);
      state.validations[key] = validation;
      await writeState(dir, state);
    },
    async validation(key) {
      return (await readState(versionsDir())).validations[key] ?? null;
    },
    versionsDir,
    onActivate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return registry;
}

export { versionKey };
