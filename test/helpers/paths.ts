import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository root, for tests. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of a file under test/fixtures (each folder there has a README with provenance). */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts);
}
