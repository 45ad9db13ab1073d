#!/usr/bin/env node
// `pleura` command. In a checkout it runs the TypeScript sources through tsx (always current); in a
// packaged build it runs the bundle electron-vite wrote to out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src-main', 'cli', 'main.ts');
const built = join(root, 'out', 'main', 'cli.js');

let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else if (existsSync(built)) {
  entry = built;
} else {
  console.error('pleura: neither the sources nor the built CLI were found; run `npm run build`.');
  process.exit(1);
}
const { runCli } = await import(pathToFileURL(entry).href);
process.exitCode = await runCli(process.argv.slice(2));
