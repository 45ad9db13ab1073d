import type { AuditEntry } from '../../../src-shared/api/project';
import type { TrainingRun } from '../../../src-shared/api/training';

/**
 * Training runs rebuilt from the project's audit log ('train' records), oldest first. Records that keep
 * the whole run (`detail.run`) give it back as it was; older ones give what they recorded.
 */
export function runsFromAudit(entries: AuditEntry[]): TrainingRun[] {
  const runs: TrainingRun[] = [];
  for (const entry of entries) {
    if (entry.action !== 'train') continue;
    const detail = entry.detail as Record<string, unknown>;
    const logged = detail.run as TrainingRun | undefined;
    if (logged && typeof logged.runId === 'string') {
      runs.push({ ...logged, jobId: null });
      continue;
    }
    if (typeof detail.runId !== 'string') continue;
    runs.push({
      runId: detail.runId, jobId: null, state: detail.error ? 'failed' : 'done', startedAt: entry.at,
      options: { ...(typeof detail.base === 'string' ? { baseModelId: detail.base } : {}), ...(detail.mode === 'full' || detail.mode === 'decoder' ? { mode: detail.mode } : {}) },
      resultModel: typeof detail.result === 'string' ? detail.result : null,
      validation: null, activeValidation: null, promoted: detail.promoted === true, history: [], stop: null,
    });
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
