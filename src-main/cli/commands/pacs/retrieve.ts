import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PleuraError } from '../../../../src-shared/api/result';
import { sentenceOf } from '../../../../src-shared/api/text';
import { retrieveStudy } from '../../../services/pacs/retrieve';
import { ProjectStore } from '../../../services/project/store';
import { UsageError, type CliCommand } from '../../command';
import { clientFromArgs, connectionOptions, connectionUsage } from './target';

/** Opens the project at `dir`, creating it when the folder is missing or empty. */
export async function openOrCreateProject(dir: string): Promise<ProjectStore> {
  if (existsSync(join(dir, 'pleura-project.json'))) return ProjectStore.open(dir);
  try {
    return await ProjectStore.create(dir);
  } catch (error) {
    if (error instanceof PleuraError && error.code === 'conflict') throw new PleuraError('conflict', `${dir} is neither a Pleura project nor an empty folder.`);
    throw error;
  }
}

export const pacsRetrieveCommand: CliCommand = {
  name: 'retrieve',
  summary: 'Retrieve the films of a study from a PACS into a project (WADO-RS)',
  usage: [
    'pleura pacs retrieve --url URL --study UID --project DIR [--series UID,...] [--json]',
    '',
    connectionUsage,
    '  --study UID        Study Instance UID (from pleura pacs query)',
    '  --series LIST      only these Series Instance UIDs, comma-separated',
    '  --project DIR      the project (created when the folder is missing or empty)',
    '',
    'Films (CR/DX frontal views) are imported; SEG, SR, other objects and lateral views are listed and',
    'skipped. Instances already in the project are not fetched again, so re-running completes a cut-off',
    'retrieve. Exit code 1 when any film could not be retrieved or decoded (the rest is imported).',
  ].join('\n'),
  options: { ...connectionOptions, study: { type: 'string' }, series: { type: 'string' }, project: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, io) {
    if (typeof values.study !== 'string' || !/^[0-9.]{1,64}$/.test(values.study)) throw new UsageError('--study UID is required (digits and dots).');
    if (typeof values.project !== 'string' || !values.project) throw new UsageError('--project DIR is required.');
    const series = typeof values.series === 'string' ? values.series.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const { client, server } = await clientFromArgs(values);
    const store = await openOrCreateProject(values.project);
    try {
      const report = await retrieveStudy(client, server, store, { studyInstanceUid: values.study, ...(series ? { seriesInstanceUids: series } : {}) }, { progress: (f, m) => io.progress(f, m === undefined ? undefined : sentenceOf(m)) });
      if (io.json) io.result(report);
      else {
        io.out(`Imported ${report.imported.length} film(s) into ${store.path}; ${report.alreadyInProject.length} already there; ${report.skipped.length} not films (${[...new Set(report.skipped.map((s) => s.kind))].join(', ') || 'none'}).`);
        for (const failed of report.failed) io.out(`  failed ${failed.sopInstanceUid}: ${failed.reason}`);
      }
      if (report.failed.length) {
        io.err(`pleura pacs retrieve: ${report.failed.length} instance(s) not imported; run the same command again to retry them.`);
        return 1;
      }
    } finally {
      await store.close();
    }
  },
};
