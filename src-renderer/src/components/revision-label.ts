import type { RevisionSource } from '../../../src-shared/api';

/** Who or what made a revision, in the UI's language: a person's name, "model id@version", a reference file. */
export function sourceLabel(source: RevisionSource, t: (key: string, params?: Record<string, unknown>) => string): string {
  if (source.kind === 'user') return t('history.byUser', { user: source.user });
  if (source.kind === 'model') return t('history.byModel', { model: `${source.modelId}@${source.modelVersion}` });
  return t('history.byReference', { file: source.file });
}
