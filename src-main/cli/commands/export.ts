import type { CliCommand } from '../command';
import { UsageError } from '../command';
import type { ExportFormat } from '../../../src-shared/api/project';
import { ProjectStore } from '../../services/project/store';
import { exportProject } from '../../services/export/export';

const formats: ExportFormat[] = ['png', 'coco', 'dicom-seg', 'nnunet', 'csv'];

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export the masks of a project (PNG, COCO, DICOM SEG, nnU-Net, CSV)',
  usage: [
    'pleura export PROJECT --format png|coco|dicom-seg|nnunet|csv --out DIR [options]',
    '',
    '  PROJECT            a Pleura project folder',
    '  --format F         png | coco | dicom-seg | nnunet | csv',
    '  --out DIR          output folder (created if missing)',
    '  --deidentify       remove/replace PHI (DICOM basic profile); files are named case_0001...',
    '  --labels           PNG: write 1 (right lung) / 2 (left lung) instead of 0/255',
    '  --all              include images that are not approved (default: approved only for coco/nnunet)',
    '  --approved-only    only approved images, for every format',
  ].join('\n'),
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    deidentify: { type: 'boolean' },
    labels: { type: 'boolean' },
    all: { type: 'boolean' },
    'approved-only': { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [project] = positionals;
    const format = values.format as ExportFormat | undefined;
    if (!project || positionals.length > 1) throw new UsageError('Give exactly one PROJECT folder.');
    if (!format || !formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}.`);
    if (typeof values.out !== 'string') throw new UsageError('--out DIR is required.');
    const approvedOnly = values.all ? false : values['approved-only'] ? true : undefined;
    const store = await ProjectStore.open(project);
    try {
      const report = await exportProject(store, { format, outDir: values.out, deidentify: !!values.deidentify, labels: !!values.labels, ...(approvedOnly === undefined ? {} : { approvedOnly }) });
      if (io.json) io.result(report);
      else {
        io.out(`Exported ${report.files.length} file(s) to ${report.outDir}`);
        for (const skipped of report.skipped) io.out(`  skipped ${skipped.imageId}: ${skipped.reason}`);
      }
    } finally {
      await store.close();
    }
  },
};
