import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root when running from a checkout (sources present), else null. */
export function repoRootOrNull(): string | null {
  for (const candidate of [join(here, '..', '..'), join(here, '..', '..', '..')]) {
    if (existsSync(join(candidate, 'src-renderer')) && existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return null;
}

/** Where the built renderer may be: a checkout's out/renderer or beside the packaged main bundle. */
export function rendererDirCandidates(): string[] {
  const root = repoRootOrNull();
  // PLEURA_RENDERER_DIR: a renderer built elsewhere (tests of the serve process use a stand-in page).
  return [process.env.PLEURA_RENDERER_DIR ?? '', root ? join(root, 'out', 'renderer') : '', join(here, '..', 'renderer'), join(here, '..', '..', 'out', 'renderer')].filter(Boolean);
}
