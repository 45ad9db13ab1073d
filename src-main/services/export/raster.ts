import { join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { toGrey8 } from '../../../src-shared/imaging/defaults';
import { decodeImage } from '../images/decode';
import { safeJoin, writeFileAtomic } from '../project/durable';
import type { ExportItem, ExportJob } from './export';
import { grey8Png, maskToPng } from './grey-png';

/** PNG masks: `<case>.png`, single-channel 8-bit, binary 0/255, or labelled 1 right / 2 left with `labels`. */
export async function exportPng(job: ExportJob): Promise<void> {
  for (const [index, item] of job.items.entries()) {
    job.step(index, item);
    const path = safeJoin(job.outDir, `${item.stem}.png`);
    await writeFileAtomic(path, await maskToPng(item.mask, { labels: !!job.options.labels }));
    job.done(item, [path]);
  }
}

/**
 * An nnU-Net v2 raw dataset: imagesTr/<case>_0000.png (8-bit grey, one channel), labelsTr/<case>.png
 * (one channel: 0 background, 1 right lung, 2 left lung) and dataset.json. Every film goes through the
 * images decoder (each transfer syntax Pleura reads) and the default window it opens with; a film
 * that cannot be decoded is skipped with the reason as a failure, never silently. Written into outDir,
 * which the user names DatasetNNN_Name inside nnUNet_raw.
 */
export async function exportNnunet(job: ExportJob): Promise<void> {
  let count = 0;
  for (const [index, item] of job.items.entries()) {
    job.step(index, item);
    let image: Buffer;
    try {
      image = await filmAsGreyPng(job, item);
    } catch (error) {
      job.skip(item, 'failed', error instanceof PleuraError ? (error.text ?? error.message) : say('export.notDecoded', { detail: (error as Error).message }));
      continue;
    }
    const imagePath = safeJoin(job.outDir, 'imagesTr', `${item.stem}_0000.png`);
    const labelPath = safeJoin(job.outDir, 'labelsTr', `${item.stem}.png`);
    await writeFileAtomic(imagePath, image);
    await writeFileAtomic(labelPath, await maskToPng(item.mask, { labels: true }));
    job.done(item, [imagePath, labelPath]);
    count++;
  }
  const dataset = {
    channel_names: { '0': 'X-ray' },
    labels: { background: 0, right_lung: 1, left_lung: 2 },
    numTraining: count,
    file_ending: '.png',
    overwrite_image_reader_writer: 'NaturalImage2DIO',
    name: job.options.deidentify ? 'Pleura export' : job.source.name,
    description: 'Lung masks exported by Pleura (label 1 = patient right lung, 2 = patient left lung).',
  };
  const path = join(job.outDir, 'dataset.json');
  await writeFileAtomic(path, Buffer.from(JSON.stringify(dataset, null, 2) + '\n'));
  job.report.files.push(path);
}

/**
 * The film as a one-channel 8-bit grey PNG the size of its mask: decoded by the images service
 * (DICOM of every supported syntax, PNG/JPEG/TIFF) and windowed as the model sees it.
 */
export async function filmAsGreyPng(job: ExportJob, item: ExportItem): Promise<Buffer> {
  const decoded = await decodeImage(await job.source.readImageBytes(item.image.id), { name: item.image.name });
  const { widthPx, heightPx } = decoded.pixels;
  if (widthPx !== item.mask.widthPx || heightPx !== item.mask.heightPx) {
    throw new PleuraError('conflict', say('export.maskSize', { name: item.image.name, widthPx, heightPx, maskWidth: item.mask.widthPx, maskHeight: item.mask.heightPx }));
  }
  return grey8Png(toGrey8(decoded.pixels, decoded.meta), widthPx, heightPx);
}
