import { join } from 'node:path';
import { encodeCocoRle } from '../../../src-shared/mask/rle';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { safeJoin, writeFileAtomic } from '../project/durable';
import type { ExportJob } from './export';
import { filmAsGreyPng } from './raster';

const categories = [
  { id: 1, name: 'right_lung', supercategory: 'lung' },
  { id: 2, name: 'left_lung', supercategory: 'lung' },
];

/**
 * COCO instances JSON (annotations.json) with the films it names: `images/<case>.png` (8-bit grey,
 * decoded and windowed as the model sees it; a PNG carries no DICOM metadata, so a de-identified
 * export's copies hold pixels only). One annotation per lung per film, segmentation as RLE in
 * pycocotools' compressed string form, with area (pixels) and bbox [x, y, width, height].
 */
export async function exportCoco(job: ExportJob): Promise<void> {
  const images: object[] = [];
  const annotations: object[] = [];
  for (const [index, item] of job.items.entries()) {
    job.step(index, item);
    let film: Buffer;
    try {
      film = await filmAsGreyPng(job, item);
    } catch (error) {
      job.skip(item, 'failed', error instanceof PleuraError ? (error.text ?? error.message) : say('export.notDecoded', { detail: (error as Error).message }));
      continue;
    }
    const fileName = `images/${item.stem}.png`;
    const filmPath = safeJoin(job.outDir, 'images', `${item.stem}.png`);
    await writeFileAtomic(filmPath, film);
    const imageId = images.length + 1;
    const { widthPx, heightPx, data } = item.mask;
    images.push({ id: imageId, file_name: fileName, width: widthPx, height: heightPx, ...(job.options.deidentify ? {} : { pleura_id: item.image.id }) });
    for (const category of categories) {
      const binary = new Uint8Array(data.length);
      let area = 0;
      let minX = widthPx;
      let minY = heightPx;
      let maxX = -1;
      let maxY = -1;
      for (let y = 0; y < heightPx; y++) {
        for (let x = 0; x < widthPx; x++) {
          if (data[y * widthPx + x] !== category.id) continue;
          binary[y * widthPx + x] = 1;
          area++;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
      if (area === 0) continue;
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: category.id,
        segmentation: encodeCocoRle(binary, widthPx, heightPx),
        area,
        bbox: [minX, minY, maxX - minX + 1, maxY - minY + 1],
        iscrowd: 0,
      });
    }
    job.done(item, [filmPath]);
  }
  const coco = {
    info: { description: job.options.deidentify ? 'Pleura export' : `Pleura export of ${job.source.name}`, version: '1', ...(job.options.deidentify ? {} : { date_created: new Date().toISOString() }) },
    licenses: [],
    images,
    annotations,
    categories,
  };
  const path = join(job.outDir, 'annotations.json');
  await writeFileAtomic(path, Buffer.from(JSON.stringify(coco)));
  job.report.files.push(path);
}
