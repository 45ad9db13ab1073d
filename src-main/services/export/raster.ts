import { join } from 'node:path';
import sharp from 'sharp';
import type { LabelMask } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { safeJoin, writeFileAtomic } from '../project/durable';
import type { ExportItem, ExportJob } from './export';

/** A label mask as an 8-bit grey PNG: labels 1/2 as they are, or binary 0/255. */
export async function maskToPng(mask: LabelMask, options: { labels: boolean }): Promise<Buffer> {
  const pixels = Buffer.alloc(mask.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = options.labels ? mask.data[i] : mask.data[i] ? 255 : 0;
  return sharp(pixels, { raw: { width: mask.widthPx, height: mask.heightPx, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
}

/** PNG masks: `<stem>.png`, binary 0/255, or labelled 1 right / 2 left with `labels`. */
export async function exportPng(job: ExportJob): Promise<void> {
  for (const item of job.items) {
    const path = safeJoin(job.outDir, `${item.stem}.png`);
    await writeFileAtomic(path, await maskToPng(item.mask, { labels: !!job.options.labels }));
    job.report.files.push(path);
  }
}

/**
 * An nnU-Net v2 raw dataset: imagesTr/<case>_0000.png (8-bit grey), labelsTr/<case>.png (0 background,
 * 1 right lung, 2 left lung) and dataset.json. Written into outDir, which the user names
 * DatasetNNN_Name inside nnUNet_raw.
 */
export async function exportNnunet(job: ExportJob): Promise<void> {
  let count = 0;
  for (const item of job.items) {
    let image: Buffer;
    try {
      image = await imageAsGrayPng(job, item);
    } catch (error) {
      job.report.skipped.push({ imageId: item.image.id, reason: error instanceof PleuraError ? error.message : `Could not convert the image: ${(error as Error).message}` });
      continue;
    }
    const imagePath = safeJoin(job.outDir, 'imagesTr', `${item.stem}_0000.png`);
    const labelPath = safeJoin(job.outDir, 'labelsTr', `${item.stem}.png`);
    await writeFileAtomic(imagePath, image);
    await writeFileAtomic(labelPath, await maskToPng(item.mask, { labels: true }));
    job.report.files.push(imagePath, labelPath);
    count++;
  }
  const dataset = {
    channel_names: { '0': 'X-ray' },
    labels: { background: 0, right_lung: 1, left_lung: 2 },
    numTraining: count,
    file_ending: '.png',
    overwrite_image_reader_writer: 'NaturalImage2DIO',
    name: job.options.deidentify ? 'Pleura export' : job.store.name,
    description: 'Lung masks exported by Pleura (label 1 = patient right lung, 2 = patient left lung).',
  };
  const path = join(job.outDir, 'dataset.json');
  await writeFileAtomic(path, Buffer.from(JSON.stringify(dataset, null, 2) + '\n'));
  job.report.files.push(path);
}

/** The image as an 8-bit grey PNG, the size of its mask. DICOM images go through the images service. */
async function imageAsGrayPng(job: ExportJob, item: ExportItem): Promise<Buffer> {
  const bytes = await job.store.readImageBytes(item.image.id);
  if (item.image.kind === 'raster') {
    return sharp(bytes).grayscale().toColourspace('b-w').png().toBuffer();
  }
  const { dicomToGray8 } = await import('./dicom-gray');
  const gray = await dicomToGray8(bytes, item.image.name);
  return sharp(Buffer.from(gray.data), { raw: { width: gray.widthPx, height: gray.heightPx, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}
