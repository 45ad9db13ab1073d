import type { CliCommand } from '../command';
import { UsageError } from '../command';
import type { ExportFormat } from '../../../src-shared/api/project';
import { PleuraError } from '../../../src-shared/api/result';
import { sentenceOf } from '../../../src-shared/api/text';
import { ProjectStore } from '../../services/project/store';
import { SnapshotView } from '../../services/project/snapshot-view';
import { exportProject, type ExportSource } from '../../services/export/export';
import { sendResults } from '../../services/pacs/send';
import { clientFromArgs } from './pacs/target';
import { closeOnSignals } from '../../services/project/signals';

const formats: ExportFormat[] = ['png', 'coco', 'dicom-seg', 'dicom-sr', 'nnunet', 'csv'];

/**
 * The project to export from: the store itself when no other process has it open (the export is then
 * logged), else a read-only view of its log as it stands now (nothing is written to the project).
 */
async function openSource(project: string): Promise<{ source: ExportSource; close: () => Promise<void>; readOnly: boolean }> {
  try {
    const store = await ProjectStore.open(project);
    for (const warning of store.warnings) process.stderr.write(`warning: ${warning}\n`);
    // Ctrl+C or SIGTERM mid-export still releases the lock.
    const offSignals = closeOnSignals(() => store.close());
    return { source: store, close: () => (offSignals(), store.close()), readOnly: false };
  } catch (error) {
    if (!(error instanceof PleuraError && error.code === 'conflict')) throw error;
    const view = await SnapshotView.open(project);
    return { source: view, close: async () => undefined, readOnly: true };
  }
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export the masks of a project (PNG, COCO, DICOM SEG, DICOM SR, nnU-Net, CSV), or send them to a PACS',
  usage: [
    'pleura export PROJECT --format png|coco|dicom-seg|dicom-sr|nnunet|csv --out DIR [options]',
    'pleura export PROJECT --format dicom-seg|dicom-sr --send URL [--all] [--out DIR] [--user NAME]',
    '',
    '  PROJECT              a Pleura project folder (may be open in the workstation: the export then',
    '                       reads the project as it stands and is not written to its log)',
    '  --format F           png | coco | dicom-seg | dicom-sr | nnunet | csv',
    '                       (dicom-sr: a TID 1500 lung-area report per image, with the SEG it references)',
    '  --out DIR            output folder (created if missing; optional with --send)',
    '  --send URL           store the SEG (and SR) in the PACS at this DICOMweb root with STOW-RS, into each',
    '                       image\'s own study; approved images only unless --all. Credentials: --user with',
    '                       PLEURA_PACS_PASSWORD, PLEURA_PACS_TOKEN, or a saved connection (see pleura pacs)',
    '  --all                every image with a mask (default, in every format: approved images only)',
    '  --deidentify         DICOM PS3.15 basic profile; files are named by the project\'s case ids',
    '  --confirm-burned-in  de-identified COCO / nnU-Net / SEG: include films flagged or suspected to',
    '                       carry burned-in text (you checked them); otherwise they are refused',
    '  --labels             PNG: write 1 (right lung) / 2 (left lung) instead of 0/255',
    '',
    'Exit status: 0 when every selected film was exported; 1 when a film failed or was refused',
    '(each is listed with the reason). Images left out by the selection do not change the status.',
  ].join('\n'),
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    deidentify: { type: 'boolean' },
    labels: { type: 'boolean' },
    all: { type: 'boolean' },
    'approved-only': { type: 'boolean' },
    'confirm-burned-in': { type: 'boolean' },
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
    if (values.all && values['approved-only']) throw new UsageError('--all and --approved-only contradict each other.');
    const { source, close, readOnly } = await openSource(project);
    try {
      const report = await exportProject(source, {
        format,
        outDir: values.out,
        deidentify: !!values.deidentify,
        labels: !!values.labels,
        approvedOnly: !values.all,
        confirmBurnedIn: !!values['confirm-burned-in'],
      }, { progress: (fraction, message) => io.progress(fraction, message) });
      if (io.json) io.result(report);
      else {
        if (readOnly) io.out('The project is open in another Pleura process: exported from a read-only view of its log (not recorded in it).');
        io.out(`Exported ${report.exported ?? 0} film(s), ${report.files.length} file(s) to ${report.outDir}`);
        for (const skipped of report.skipped) io.out(`  ${skipped.kind ?? 'skipped'} ${skipped.name ?? skipped.imageId}: ${skipped.reason}`);
        if (report.skipped.some((s) => s.reason.startsWith('Not approved'))) io.out('Add --all to export the images that are not approved.');
        if (report.skipped.some((s) => s.kind === 'refused')) io.out('Add --confirm-burned-in once you have checked the refused films for burned-in text.');
      }
      return report.skipped.some((s) => s.kind === 'failed' || s.kind === 'refused') ? 1 : 0;
    } finally {
      await close();
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
    const report = await sendResults(client, server, store, { format, ...(imageIds ? { imageIds } : {}), ...(typeof values.out === 'string' ? { outDir: values.out } : {}) }, { progress: (f, m) => io.progress(f, m === undefined ? undefined : sentenceOf(m)) });
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
