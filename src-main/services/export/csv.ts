import { join } from 'node:path';
import { lungMeasurements } from '../../../src-shared/metrics/measurements';
import { writeFileAtomic } from '../project/durable';
import type { StoredImage } from '../project/state';
import type { ExportJob } from './export';

/** The spacing measurements use, with where it came from (shown next to every figure). */
function spacingOf(image: StoredImage): { rowMm: number; colMm: number; source: string } | null {
  if (image.userSpacingMm) return { rowMm: image.userSpacingMm, colMm: image.userSpacingMm, source: 'user' };
  if (image.fileSpacing) return { rowMm: image.fileSpacing.rowMm, colMm: image.fileSpacing.colMm, source: image.fileSpacing.source };
  return null;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote when needed; a leading =,+,-,@ is defused so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * measurements.csv: one row per film, areas in cm² (empty without spacing) and the spacing source.
 * `case` is the film's case id, the stem its files have in every other export (its pseudonym when
 * de-identifying), so the CSV joins to them. De-identified rows carry no image id, name or revision id
 * (a revision id holds its save time).
 */
export async function exportCsv(job: ExportJob): Promise<void> {
  const header = ['case', 'image_id', 'name', 'status', 'revision_id', 'mask_source', 'right_px', 'left_px', 'total_px', 'right_cm2', 'left_cm2', 'total_cm2', 'lung_height_mm', 'row_mm', 'col_mm', 'spacing_source'];
  const rows = [header.join(',')];
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  for (const [index, item] of job.items.entries()) {
    job.step(index, item);
    const spacing = spacingOf(item.image);
    const m = lungMeasurements(item.mask.data, item.mask.widthPx, item.mask.heightPx, spacing);
    const deid = !!job.options.deidentify;
    const source = item.revision.source.kind === 'model' ? `model ${item.revision.source.modelId}@${item.revision.source.modelVersion}` : item.revision.source.kind;
    rows.push([
      item.stem, deid ? '' : item.image.id, deid ? '' : item.image.name, item.image.status, deid ? '' : item.revision.id, source,
      m.rightPx, m.leftPx, m.totalPx, round(m.rightCm2), round(m.leftCm2), round(m.totalCm2), round(m.lungHeightMm),
      spacing?.rowMm, spacing?.colMm, spacing?.source ?? 'none',
    ].map(csvCell).join(','));
    job.done(item, []);
  }
  const path = join(job.outDir, 'measurements.csv');
  await writeFileAtomic(path, Buffer.from(rows.join('\n') + '\n'));
  job.report.files.push(path);
}
