import dicomParser from 'dicom-parser';
import { say, type ServerText } from '../../../src-shared/api/text';
import type { StoredImage } from '../project/state';
import type { ExportSource } from './export';

/** Secondary Capture storage classes (1.2.840.10008.5.1.4.1.1.7 and its multi-frame variants). */
const secondaryCapture = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.\d+)?$/;

/**
 * Why the film may carry burned-in text (names, dates, ids drawn into the pixels), or null.
 * - DICOM with Burned In Annotation (0028,0301) YES: flagged.
 * - DICOM with it NO: trusted.
 * - DICOM without it that is secondary-capture-like (a Secondary Capture SOP class, or a Conversion
 *   Type (0008,0064)): unknown, so suspected; such files are often screenshots or scans with text.
 * - DICOM without it from an acquisition class (CR, DX, RF...): trusted, as the modality writes the
 *   attribute when it draws into the pixels.
 * - Raster films (PNG, JPEG...): unknown, so suspected; nothing in the file says what is drawn in it.
 */
export async function burnedInRisk(source: ExportSource, image: StoredImage): Promise<ServerText | null> {
  if (image.kind === 'raster') return say('export.burnedInRaster');
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(await source.readImageBytes(image.id), { untilTag: 'x7fe00010' });
  } catch {
    return say('export.burnedInUnreadable');
  }
  const flag = dataSet.string('x00280301')?.trim().toUpperCase();
  if (flag === 'YES') return say('export.burnedInYes');
  if (flag === 'NO') return null;
  const sopClass = dataSet.string('x00080016')?.trim() ?? '';
  if (secondaryCapture.test(sopClass) || dataSet.string('x00080064')) return say('export.burnedInSecondary');
  return null;
}
