import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles } from '../../src-main/services/project/import';
import { fixturePath } from '../helpers/paths';

const total = 2000;
const perFileLimitMs = 5000;

/** Real samples: small DICOM files of several syntaxes and the two project PNGs. */
const samples = [
  ['dicom', 'gdcm-CR-MONO1-10-chest.dcm'],
  ['dicom', 'Issue56-NoPixelData.dcm'],
  ['dicom', '1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm'],
  ['dicom', 'derived_CR-MONO1-10-chest_implicitVR-LE.dcm'],
  ['dicom', 'derived_CR-MONO1-10-chest_RLE.dcm'],
  ['project', 'images/COVIDGB_kjr-21-e24-g001-l-a.png'],
  ['project', 'images/COVIDGB_kjr-21-e24-g002-l-a.png'],
] as const;

/** mulberry32: seeded, so a failing mutation can be reproduced from its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vrs = new Set(['UL', 'OB', 'UI', 'SH', 'CS', 'DA', 'US', 'LO', 'PN', 'SQ', 'OW', 'UN', 'DS', 'IS', 'TM', 'ST', 'LT', 'UT', 'AE', 'AS', 'FL', 'FD', 'SL', 'SS']);
const longVrs = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

/** Offsets and widths of length fields: DICOM explicit-VR element lengths, PNG chunk lengths. */
function lengthFields(bytes: Uint8Array): { offset: number; width: 2 | 4 }[] {
  const fields: { offset: number; width: 2 | 4 }[] = [];
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    for (let p = 8; p + 8 <= bytes.length; ) {
      fields.push({ offset: p, width: 4 });
      p += 12 + ((bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]);
    }
    return fields;
  }
  for (let p = 132; p + 8 < Math.min(bytes.length, 64 * 1024); p++) {
    const vr = String.fromCharCode(bytes[p + 4], bytes[p + 5]);
    if (vrs.has(vr)) fields.push(longVrs.has(vr) ? { offset: p + 8, width: 4 } : { offset: p + 6, width: 2 });
  }
  // Implicit VR files: every 4 bytes after a tag is a 32-bit length; take some plausible spots.
  if (fields.length === 0) for (let p = 4; p < Math.min(bytes.length - 4, 4096); p += 8) fields.push({ offset: p, width: 4 });
  return fields;
}

function mutate(original: Uint8Array, random: () => number): { bytes: Uint8Array; how: string } {
  const bytes = new Uint8Array(original);
  const kind = Math.floor(random() * 3);
  if (kind === 0) {
    const flips = 1 + Math.floor(random() * 16);
    // Half the flips land in the first 4 KiB, where headers live; the rest anywhere.
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(random() * (random() < 0.5 ? Math.min(4096, bytes.length) : bytes.length));
      bytes[at] ^= 1 << Math.floor(random() * 8);
    }
    return { bytes, how: `${flips} bit flips` };
  }
  if (kind === 1) {
    const length = Math.floor(random() * bytes.length);
    return { bytes: bytes.subarray(0, length), how: `truncated to ${length}` };
  }
  const fields = lengthFields(bytes);
  const field = fields[Math.floor(random() * fields.length)];
  const values = [0, 1, 0xffff, 0xffffffff, 0x7fffffff, Math.floor(random() * 2 ** 32), bytes.length * 2];
  const value = values[Math.floor(random() * values.length)];
  const view = new DataView(bytes.buffer);
  if (field.width === 2) view.setUint16(field.offset, value & 0xffff, true);
  else view.setUint32(field.offset, value >>> 0, bytes[0] !== 0x89);
  return { bytes, how: `length field at ${field.offset} set to ${value}` };
}

describe('import fuzzing', () => {
  let dir: string;
  let store: ProjectStore;
  // tmpfs when there is one: the test is about parsing, not about fsync speed.
  beforeAll(async () => {
    dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pleura-fuzz-'));
    store = await ProjectStore.create(join(dir, 'project'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`imports ${total} mutated DICOM and PNG files without a crash or a hang, with a reason for each refusal`, async () => {
    const originals = await Promise.all(samples.map(async ([folder, file]) => ({ name: file.split('/').pop()!, bytes: new Uint8Array(await readFile(fixturePath(folder, file))) })));
    const random = prng(0x5eed);
    const outcomes = { imported: 0, duplicates: 0, rejected: 0 };
    let slowest = 0;
    for (let i = 0; i < total; i++) {
      const sample = originals[i % originals.length];
      const { bytes, how } = mutate(sample.bytes, random);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const report = await Promise.race([
        importFiles(store, [{ name: `${i}-${sample.name}`, bytes }]),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`mutation ${i} (${sample.name}, ${how}) took over ${perFileLimitMs} ms`)), perFileLimitMs))),
      ]);
      clearTimeout(timer);
      slowest = Math.max(slowest, performance.now() - started);
      const count = report.imported.length + report.duplicates.length + report.rejected.length;
      expect(count, `mutation ${i} (${sample.name}, ${how}) has one outcome`).toBe(1);
      for (const rejected of report.rejected) {
        expect(rejected.reason, `mutation ${i} (${how})`).toMatch(/\w{3,}/);
        // by key too, so the window shows it in the user's language
        expect(rejected.text?.key, `mutation ${i} (${how}): ${rejected.reason}`).toBeTypeOf('string');
      }
      outcomes.imported += report.imported.length;
      outcomes.duplicates += report.duplicates.length;
      outcomes.rejected += report.rejected.length;
    }
    console.info(`fuzz: ${JSON.stringify(outcomes)}, slowest import ${slowest.toFixed(0)} ms`);
    // The mutations must actually reach the error paths, and some files must survive them.
    expect(outcomes.rejected).toBeGreaterThan(total / 10);
    expect(outcomes.imported).toBeGreaterThan(total / 10);
    expect(store.listImages()).toHaveLength(outcomes.imported);
  });
});
