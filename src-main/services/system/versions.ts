import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Pleura's own version from package.json. */
export function appVersion(): string {
  return versionOf('pleura') ?? readOwnVersion();
}

function readOwnVersion(): string {
  try {
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Versions of the runtimes that matter to support: Node, Electron, ORT, TF.js, codecs. */
export function dependencyVersions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  if (process.versions.electron) out.electron = process.versions.electron;
  if (process.versions.chrome) out.chrome = process.versions.chrome;
  for (const pkg of ['onnxruntime-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'dicom-parser', 'sharp', 'dcmjs', 'vue', 'konva']) {
    const version = versionOf(pkg);
    if (version) out[pkg] = version;
  }
  return out;
}
