import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { UsageError, type CliCommand } from '../command';
import { readImageMeta } from '../../services/images/decode';

/** Reads a file for a command, turning a missing or unreadable file into a one-line PleuraError. */
export async function readInputFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PleuraError('not-found', `${path}: no such file.`);
    if (code === 'EISDIR') throw new PleuraError('invalid-argument', `${path} is a folder, not a file.`);
    throw new PleuraError('io', `${path} cannot be read (${code ?? String(error)}).`);
  }
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
