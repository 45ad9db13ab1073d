import { basename } from 'node:path';
import { UsageError, type CliCommand } from '../command';
import { readImageMeta } from '../../services/images/decode';
import { readRegularFile } from '../../services/images/read-file';

/**
 * Reads a file for a command: regular files only, within the size cap and time limit of the memory
 * budget, a missing or unreadable file as a one-line PleuraError.
 */
export async function readInputFile(path: string): Promise<Uint8Array> {
  return readRegularFile(path);
}

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Print the metadata of a DICOM or raster image (size, photometric, spacing, windows, patient/study)',
  usage: 'pleura info FILE [--json]\n\n  FILE   a DICOM file (.dcm or none) or a PNG/JPEG/TIFF image\n\nPixels are not decoded; `pleura decode` checks them.',
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('Give exactly one FILE.');
    const path = positionals[0];
    const meta = await readImageMeta(await readInputFile(path), { name: basename(path) });
    io.result({ file: path, ...meta });
  },
};
