import { importPaths } from '../../../services/project/import';
import { UsageError, type CliCommand } from '../../command';
import { openOrCreateProject } from '../pacs/retrieve';

export const projectImportCommand: CliCommand = {
  name: 'import',
  summary: 'Import image files or folders into a project (created if missing)',
  usage: [
    'pleura project import DIR FILE|FOLDER... [--reference] [--no-recursive] [--json]',
    '',
    '  DIR              the project folder (created when missing or empty)',
    '  FILE|FOLDER      DICOM, PNG, JPEG, TIFF, BMP or WebP files; folders are walked for images',
    '  --reference      reference files where they are instead of copying them into the project',
    '  --no-recursive   do not descend into sub-folders',
    '',
    'Exit code 1 when any file was refused (the others are imported).',
  ].join('\n'),
  options: { reference: { type: 'boolean' }, 'no-recursive': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir, ...paths] = positionals;
    if (!dir || paths.length === 0) throw new UsageError('Give the project DIR and at least one FILE or FOLDER.');
    const store = await openOrCreateProject(dir);
    try {
      const report = await importPaths(store, paths, { recursive: values['no-recursive'] !== true, ...(values.reference ? { copy: false } : {}) });
      if (io.json) io.result(report);
      else {
        io.out(`Imported ${report.imported.length} image(s) into ${store.path}; ${report.duplicates.length} already there.`);
        for (const rejected of report.rejected) io.out(`  refused ${rejected.path}: ${rejected.reason}`);
      }
      return report.rejected.length ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};
