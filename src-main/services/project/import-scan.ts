import { stat } from 'node:fs/promises';
import type { ImportScan } from '../../../src-shared/api/project';
import { saidOf } from '../../../src-shared/api/result';
import { collectCandidates, findReferenceMask } from './import';
import { sha256Hex } from './revision-file';
import type { ProjectStore } from './store';

/** Files larger than this are not hashed by the scan (the import itself reports them). */
const maxScanBytes = 1024 * 1024 * 1024;

/**
 * What `importPaths` would find, without writing anything: each film with the mask PNG beside it (if
 * any), and the films already in the project (by content). The UI shows it and asks whether to import
 * the masks, so a sibling `masks/` folder is never taken as the films' masks without the user knowing.
 * With `root` (serve --root), masks outside it are not looked at.
 */
export async function scanImport(store: ProjectStore, paths: string[], options: { recursive?: boolean; root?: string }): Promise<ImportScan> {
  const scan: ImportScan = { images: [], duplicates: [], rejected: [] };
  const candidates = await collectCandidates(paths, options.recursive ?? true, scan);
  for (const candidate of candidates) {
    try {
      const size = candidate.path ? (await stat(candidate.path)).size : 0;
      if (size > 0 && size <= maxScanBytes) {
        const existingId = store.findByHash(sha256Hex(await candidate.read()));
        if (existingId) {
          scan.duplicates.push({ path: candidate.label, existingId });
          continue;
        }
      }
      const mask = await findReferenceMask(candidate, { root: options.root });
      scan.images.push({ path: candidate.label, mask: mask?.name ?? null });
    } catch (error) {
      scan.rejected.push({ path: candidate.label, ...saidOf(error) });
    }
  }
  return scan;
}
