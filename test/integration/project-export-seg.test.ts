import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exportProject } from '../../src-main/services/export/export';
import { readDicom, unpackFrame } from '../../src-main/services/export/dicom-seg';
import { decodeImage } from '../../src-main/services/images/decode';
import type { LabelMask } from '../../src-shared/api/masks';
import type { ExportReport } from '../../src-shared/api/project';
import { chestWithPhi, createMixedProject, phi, stripeMask } from '../helpers/mixed-project';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles } from '../../src-main/services/project/import';
import { writeDicom } from '../../src-main/services/export/dicom-io';
import { dciodvfyErrors, hasDciodvfy, loadSegWithDcmjs } from '../helpers/downstream';
import { tempDir } from '../unit/main/project/helpers';

const seqItem = (value: unknown) => ((Array.isArray(value) ? value[0] : value) ?? {}) as Record<string, unknown>;

/** Every SEG written for the mixed project, plain and de-identified: dciodvfy, dcmjs's adapter, the masks. */
describe('project export: DICOM SEG of a mixed project', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  let masks: Map<string, LabelMask>;
  let chestId: string;
  let chest: Record<string, unknown>;
  const reports: Record<'plain' | 'deid', ExportReport> = {} as never;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-export-seg-'));
    ({ store, masks, chestId, chest } = await createMixedProject(dir));
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (stderr.push(String(chunk)), write(chunk, ...rest))) as typeof process.stderr.write;
    try {
      reports.plain = await exportProject(store, { format: 'dicom-seg', outDir: join(dir, 'seg'), approvedOnly: false });
      reports.deid = await exportProject(store, { format: 'dicom-seg', outDir: join(dir, 'seg-deid'), approvedOnly: false, deidentify: true, confirmBurnedIn: true });
    } finally {
      process.stderr.write = write;
    }
    // dcmjs warns about every private or odd attribute of the films; the export keeps that quiet.
    expect(stderr.join('')).toBe('');
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('writes one SEG per DICOM film and lists the raster films as excluded', () => {
    for (const report of Object.values(reports)) {
      expect(report.skipped.map((s) => [s.kind, s.name])).toEqual([['excluded', 'COVIDGB_kjr-21-e24-g001-l-a.png'], ['excluded', 'COVIDGB_kjr-21-e24-g002-l-a.png']]);
      expect(report.exported).toBe(masks.size - 2);
    }
    expect(reports.plain.files.filter((f) => f.endsWith('.seg.dcm'))).toHaveLength(5);
    expect(reports.deid.files.filter((f) => f.endsWith('.seg.dcm'))).toHaveLength(5);
  });

  it.skipIf(!hasDciodvfy)('passes dciodvfy with zero errors, plain and de-identified, and so do the de-identified film copies', () => {
    for (const file of [...reports.plain.files, ...reports.deid.files]) {
      expect(dciodvfyErrors(file), file).toEqual([]);
    }
  });

  it('invents no Frame of Reference, copies no invalid value and keeps Type 1/2 attributes', async () => {
    for (const file of [...reports.plain.files, ...reports.deid.files].filter((f) => f.endsWith('.seg.dcm'))) {
      const seg = readDicom(new Uint8Array(await readFile(file)));
      expect(seg.FrameOfReferenceUID, file).toBeUndefined(); // no film of the set has one
      for (const key of ['PatientOrientation', 'ContentDate', 'ContentTime', 'DeviceSerialNumber', 'AccessionNumber', 'PatientID', 'StudyDate']) expect(seg, `${file} ${key}`).toHaveProperty(key);
      expect(String(seg.ContentDate)).toMatch(/^\d{8}$/);
      expect(String(seg.AccessionNumber).length).toBeLessThanOrEqual(16);
      const measures = seqItem(seqItem(seg.SharedFunctionalGroupsSequence).PixelMeasuresSequence);
      if (measures.PixelSpacing) expect((measures.PixelSpacing as number[]).every((v) => v > 0), file).toBe(true);
      if (seg.DeidentificationMethod) expect(String(seg.DeidentificationMethod).length).toBeLessThanOrEqual(64);
    }
    const jlsn = readDicom(new Uint8Array(await readFile(join(dir, 'seg', 'RG1_JLSN.seg.dcm'))));
    expect(seqItem(jlsn.SharedFunctionalGroupsSequence).PixelMeasuresSequence).toBeUndefined(); // its PixelSpacing is 0\0
    const dx = readDicom(new Uint8Array(await readFile(join(dir, 'seg', '966_fixed.seg.dcm'))));
    expect(dx.AccessionNumber).toBe(''); // its 56-character value is invalid for SH
  });

  it('loads back with dcmjs\'s Cornerstone adapter, against the film it references, as the mask', async () => {
    for (const [name, report] of Object.entries(reports)) {
      for (const file of report.files.filter((f) => f.endsWith('.seg.dcm'))) {
        const segBytes = new Uint8Array(await readFile(file));
        const seg = readDicom(segBytes);
        const referenced = seqItem(seqItem(seg.ReferencedSeriesSequence).ReferencedInstanceSequence).ReferencedSOPInstanceUID as string;
        let filmBytes: Uint8Array;
        if (name === 'deid') filmBytes = new Uint8Array(await readFile(file.replace(/\.seg\.dcm$/, '.dcm')));
        else {
          const id = store.listImages().find((i) => i.name.replace(/\.dcm$/, '') === file.split('/').pop()!.replace(/\.seg\.dcm$/, ''))!.id;
          filmBytes = await store.readImageBytes(id);
        }
        expect(readDicom(filmBytes).SOPInstanceUID).toBe(referenced);
        const labelmap = loadSegWithDcmjs(segBytes, filmBytes);
        const mask = [...masks.values()].find((m) => m.widthPx === seg.Columns && m.heightPx === seg.Rows && m.data.every((v, i) => v === labelmap[i]));
        expect(mask, file).toBeDefined();
      }
    }
  });

  it('reads back in dcmtk, and as the mask bit for bit', async () => {
    const file = join(dir, 'seg', 'chest.seg.dcm');
    const seg = readDicom(new Uint8Array(await readFile(file)));
    const mask = masks.get(chestId)!;
    expect(seg).toMatchObject({ Modality: 'SEG', SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4', Rows: mask.heightPx, Columns: mask.widthPx, NumberOfFrames: 2, StudyInstanceUID: chest.StudyInstanceUID });
    const pixelData = (seg.PixelData as ArrayBuffer[])[0];
    for (const [frame, label] of [[0, 1], [1, 2]]) {
      const bits = unpackFrame(pixelData, frame, mask.data.length);
      expect(bits.every((v, i) => v === (mask.data[i] === label ? 1 : 0))).toBe(true);
    }
    const dump = spawnSync('dcmdump', ['-q', file], { encoding: 'utf8' });
    if (dump.error) return console.warn('dcmdump (dcmtk) not installed: skipping the dcmtk read-back');
    expect(dump.status).toBe(0);
    expect(dump.stdout).toMatch(/SegmentationStorage/);
    expect(dump.stdout).toContain('Right lung');
  });

  it('de-identifies: no PHI in any file, only de-identified copies referenced, copies decode as the films', async () => {
    const out = join(dir, 'seg-deid');
    const files = (await readdir(out)).sort();
    expect(files.every((f) => /^case_[0-9a-f]{12}(\.seg)?\.dcm$/.test(f))).toBe(true);
    const sourceUids = [chest.StudyInstanceUID, chest.SOPInstanceUID, chest.SeriesInstanceUID] as string[];
    for (const file of files) {
      const bytes = await readFile(join(out, file));
      const text = bytes.toString('latin1');
      for (const value of [phi.name, phi.id, phi.birth, phi.institution, phi.accession, phi.studyDate, ...sourceUids]) expect(text, `${file} ${value}`).not.toContain(value);
      const dataset = readDicom(new Uint8Array(bytes));
      expect(dataset).toMatchObject({ PatientIdentityRemoved: 'YES', DeidentificationMethodCodeSequence: expect.anything() });
      expect(Object.keys(dataset).filter((k) => /^[0-9A-F]{8}$/i.test(k) && parseInt(k.slice(0, 4), 16) % 2 === 1), file).toEqual([]);
    }
    for (const seg of files.filter((f) => f.endsWith('.seg.dcm'))) {
      const copy = seg.replace('.seg.dcm', '.dcm');
      expect(files).toContain(copy);
      const decoded = await decodeImage(new Uint8Array(await readFile(join(out, copy))), { name: copy });
      const segData = readDicom(new Uint8Array(await readFile(join(out, seg))));
      expect([decoded.pixels.widthPx, decoded.pixels.heightPx]).toEqual([segData.Columns, segData.Rows]);
    }
    // The copies of the chest CR (explicit VR and RLE) hold the film's pixels, value for value.
    const original = await decodeImage(await store.readImageBytes(chestId), { name: 'chest.dcm' });
    let same = 0;
    for (const copy of files.filter((f) => !f.endsWith('.seg.dcm'))) {
      const decoded = await decodeImage(new Uint8Array(await readFile(join(out, copy))), { name: copy });
      if (decoded.pixels.widthPx !== original.pixels.widthPx || decoded.pixels.heightPx !== original.pixels.heightPx) continue;
      // Compare the pixel views, not their buffers: an uncompressed film's pixels are a view into its file.
      const bytesOf = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      expect(bytesOf(decoded.pixels.data).equals(bytesOf(original.pixels.data)), copy).toBe(true);
      same++;
    }
    expect(same).toBe(2);
  });

  it('carries a film\'s Frame of Reference, with the plane functional groups, only when it has patient geometry', async () => {
    const { dataset } = await chestWithPhi();
    for (const key of ['InstanceCreationDate', 'InstanceCreationTime', 'AcquisitionDate', 'AcquisitionTime']) delete dataset[key]; // invalid in the fixture
    const film = { ...dataset, FrameOfReferenceUID: '1.2.826.0.1.3680043.8.498.1', ImagePositionPatient: [-200, -180, 0], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PositionReferenceIndicator: '' };
    const other = await ProjectStore.create(join(dir, 'geometry'));
    try {
      const [record] = (await importFiles(other, [{ name: 'geometry.dcm', bytes: new Uint8Array(writeDicom(film)) }])).imported;
      const mask = stripeMask(440, 440, 3);
      await other.saveRevision(record.id, mask);
      for (const deidentify of [false, true]) {
        const report = await exportProject(other, { format: 'dicom-seg', outDir: join(dir, `geometry-${deidentify}`), approvedOnly: false, deidentify });
        const segPath = report.files.find((f) => f.endsWith('.seg.dcm'))!;
        if (hasDciodvfy) expect(dciodvfyErrors(segPath)).toEqual([]);
        const segBytes = new Uint8Array(await readFile(segPath));
        const seg = readDicom(segBytes);
        const filmBytes = deidentify ? new Uint8Array(await readFile(segPath.replace(/\.seg\.dcm$/, '.dcm'))) : await other.readImageBytes(record.id);
        expect(seg.FrameOfReferenceUID).toBe(readDicom(filmBytes).FrameOfReferenceUID);
        expect(seg).toHaveProperty('PositionReferenceIndicator');
        expect(seqItem(seqItem(seg.PerFrameFunctionalGroupsSequence).PlanePositionSequence).ImagePositionPatient).toEqual([-200, -180, 0]);
        const labelmap = loadSegWithDcmjs(segBytes, filmBytes);
        expect(labelmap.every((v, i) => v === mask.data[i])).toBe(true);
      }
    } finally {
      await other.close();
    }
  });
});
