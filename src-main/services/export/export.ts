import type { ExportOptions, ExportReport } from '../../../src-shared/api/project';
import { PleuraError } from '../../../src-shared/api/result';
import type { ProjectStore } from '../project/store';

/** Exports masks of the open project in one of the supported formats. */
export async function exportProject(_store: ProjectStore, options: ExportOptions): Promise<ExportReport> {
  throw new PleuraError('unsupported', `Export to ${options.format} is not available yet.`);
}
