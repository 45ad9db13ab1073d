import { access } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { PixelSpacing } from '../../../src-shared/api/images';
import { say } from '../../../src-shared/api/text';
import type { PacsProvenance } from '../../../src-shared/api/pacs';
import { PleuraError } from '../../../src-shared/api/result';
import { safeJoin, writeFileAtomic } from './durable';
import type { StoredImage } from './state';

/** An image about to be added: decoded enough to know its size, hashed, with bytes or a path. */
export interface NewImage {
  name: string;
  kind: 'dicom' | 'raster';
  contentHash: string;
  widthPx: number;
  heightPx: number;
  spacing: PixelSpacing | null;
  /** Where it came from (path or dropped name), kept for the audit trail. */
  origin: string;
  /** Copy these bytes into images/ ... */
  bytes?: Uint8Array;
  /** ... or reference this absolute path. */
  referencePath?: string;
  /** The PACS it was retrieved from, with its UIDs. */
  pacs?: PacsProvenance;
}

/** File extension to keep for a copied image, from a trusted list only. */
function extensionFor(image: NewImage): string {
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(image.name);
  const ext = match?.[1].toLowerCase();
  const known = ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'bmp', 'webp', 'gif', 'dcm', 'dicom'];
  if (ext && known.includes(ext)) return `.${ext}`;
  return image.kind === 'dicom' ? '.dcm' : '.img';
}

/**
 * Puts an image's bytes in place and builds its record. Copies are content-addressed
 * (images/<sha256>.<ext>), so the file name from the outside never reaches the disk.
 */
export async function storeImage(root: string, image: NewImage, idTaken: (id: string) => boolean): Promise<StoredImage> {
  if (!/^[0-9a-f]{64}$/.test(image.contentHash)) throw new PleuraError('invalid-argument', say('image.badHash'));
  let storage: StoredImage['storage'];
  if (image.bytes) {
    const file = `images/${image.contentHash}${extensionFor(image)}`;
    const path = safeJoin(root, file);
    const present = await access(path).then(() => true, () => false);
    if (!present) await writeFileAtomic(path, image.bytes);
    storage = { mode: 'copy', file };
  } else if (image.referencePath && isAbsolute(image.referencePath)) {
    storage = { mode: 'reference', path: image.referencePath };
  } else {
    throw new PleuraError('invalid-argument', say('image.needsBytesOrPath'));
  }
  let length = 16;
  while (idTaken(image.contentHash.slice(0, length))) length += 4;
  return {
    id: image.contentHash.slice(0, length),
    name: stripControl(image.name).slice(0, 255) || 'image',
    kind: image.kind,
    contentHash: image.contentHash,
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    status: 'new',
    importedAt: new Date().toISOString(),
    latestRevisionId: null,
    predictedBy: null,
    uncertainty: null,
    areas: null,
    hasReference: false,
    storage,
    origin: image.origin,
    fileSpacing: image.spacing,
    userSpacingMm: null,
    ...(image.pacs ? { pacs: { ...image.pacs } } : {}),
  };
}

/** Drops control characters (a name is shown in the UI and written to CSV). */
function stripControl(name: string): string {
  return Array.from(name).filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('');
}
