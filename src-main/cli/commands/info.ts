import { basename } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { UsageError, type CliCommand } from '../command';
import { expandInputs, inputOptions, inputUsage } from '../inputs';
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
  summary: 'Print the metadata of DICOM or raster images (size, photometric, spacing, windows, patient/study)',
  usage: [
    'pleura info FILE|DIR... [--pattern GLOB] [--from LIST] [--json]',
    '',
    '  FILE   a DICOM file (.dcm or none) or a PNG/JPEG/TIFF image',
    ...inputUsage,
    '',
    'Pixels are not decoded; `pleura decode` checks them. With several inputs the result is a list; a',
    'file that cannot be read is listed with its error and the exit code is 1.',
  ].join('\n'),
  options: { ...inputOptions },
  allowPositionals: true,
  async run({ positionals, values }, io) {
    if (positionals.length === 0 && typeof values.from !== 'string') throw new UsageError('Give at least one FILE or DIR (or --from LIST).');
    const single = positionals.length === 1 && values.from === undefined;
    const inputs = await expandInputs(positionals, values);
    if (single && inputs.length === 1 && inputs[0].path === positionals[0]) {
      const path = positionals[0];
      const meta = await readImageMeta(await readInputFile(path), { name: basename(path) });
      io.result({ file: path, ...meta });
      return;
    }
    const results: Record<string, unknown>[] = [];
    let failed = 0;
    for (const { path } of inputs) {
      try {
        results.push({ file: path, ...(await readImageMeta(await readInputFile(path), { name: basename(path) })) });
      } catch (error) {
        if (!(error instanceof PleuraError)) throw error;
        failed++;
        results.push({ file: path, error: { code: error.code, reason: error.message } });
      }
    }
    io.result(results);
    return failed > 0 ? 1 : 0;
  },
};
