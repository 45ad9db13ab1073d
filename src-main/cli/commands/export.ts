import type { CliCommand } from '../command';
import { UsageError } from '../command';
import type { ExportFormat } from '../../../src-shared/api/project';
import { ProjectStore } from '../../services/project/store';
import { exportProject } from '../../services/export/export';
import { sendResults } from '../../services/pacs/send';
import { clientFromArgs } from './pacs/target';

const formats: ExportFormat[] = ['png', 'coco', 'dicom-seg', 'dicom-sr', 'nnunet', 'csv'];

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export the masks of a project (PNG, COCO, DICOM SEG, DICOM SR, nnU-Net, CSV), or send them to a PACS',
  usage: [
    'pleura export PROJECT --format png|coco|dicom-seg|dicom-sr|nnunet|csv --out DIR [options]',
    'pleura export PROJECT --format dicom-seg|dicom-sr --send URL [--all] [--out DIR] [--user NAME]',
    '',
    '  PROJECT            a Pleura project folder',
    '  --format F         png | coco | dicom-seg | dicom-sr | nnunet | csv',
    '                     (dicom-sr: a TID 1500 lung-area report per image, with the SEG it references)',
    '  --out DIR          output folder (created if missing; optional with --send)',
    '  --send URL         store the SEG (and SR) in the PACS at this DICOMweb root with STOW-RS, into each',
    '                     image\'s own study; approved images only unless --all. Credentials: --user with',
    '                     PLEURA_PACS_PASSWORD, PLEURA_PACS_TOKEN, or a saved connection (see pleura pacs)',
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
    send: { type: 'string' },
    user: { type: 'string' },
    'timeout-s': { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [project] = positionals;
    const format = values.format as ExportFormat | undefined;
    if (!project || positionals.length > 1) throw new UsageError('Give exactly one PROJECT folder.');
    if (!format || !formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}.`);
    if (values.send !== undefined) return send(project, format, values, io);
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

async function send(project: string, format: ExportFormat, values: Record<string, unknown>, io: Parameters<CliCommand['run']>[1]): Promise<number> {
  if (format !== 'dicom-seg' && format !== 'dicom-sr') throw new UsageError('--send takes --format dicom-seg or dicom-sr.');
  if (values.deidentify) throw new UsageError('--send writes into the images\' own studies; --deidentify does not go with it.');
  const { client, server } = await clientFromArgs(values, 'send');
  const store = await ProjectStore.open(project);
  try {
    const imageIds = values.all ? store.listImages().map((image) => image.id) : undefined;
    const report = await sendResults(client, server, store, { format, ...(imageIds ? { imageIds } : {}), ...(typeof values.out === 'string' ? { outDir: values.out } : {}) }, { progress: (f, m) => io.progress(f, m) });
    if (io.json) io.result(report);
    else {
      io.out(`Sent ${report.sent.length} image(s)' results to ${server}`);
      for (const skipped of report.skipped) io.out(`  skipped ${skipped.imageId}: ${skipped.reason}`);
    }
    return report.skipped.length && !report.sent.length ? 1 : 0;
  } finally {
    await store.close();
  }
}
