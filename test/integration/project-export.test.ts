import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import dcmjs from 'dcmjs';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles, importPaths } from '../../src-main/services/project/import';
import { exportProject } from '../../src-main/services/export/export';
import { readDicom, unpackFrame } from '../../src-main/services/export/dicom-seg';
import { decodeCocoRle } from '../../src-shared/mask/rle';
import type { LabelMask } from '../../src-shared/api/masks';
import { fixturePath } from '../helpers/paths';
import { patternMask, tempDir } from '../unit/main/project/helpers';

const phi = { name: 'Doe^Jane', id: 'MRN-77421', birth: '19500102', institution: 'St Elsewhere Hospital' };
const hasDcmdump = spawnSync('dcmdump', ['--version']).status === 0;

/** The chest CR fixture with PHI written into it, so de-identification has something to remove. */
function dicomWithPhi(): { bytes: Uint8Array; source: Record<string, unknown> } {
  const original = readDicom(new Uint8Array(execFileSync('cat', [fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm')])));
  const dataset: Record<string, unknown> = { ...original, PatientName: [{ Alphabetic: phi.name }], PatientID: phi.id, PatientBirthDate: phi.birth, InstitutionName: phi.institution, StudyDate: '20200304', AccessionNumber: 'ACC998877', PixelSpacing: [0.2, 0.25] };
  const meta = { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: dataset.SOPClassUID, MediaStorageSOPInstanceUID: dataset.SOPInstanceUID, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '2.25.1' };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return { bytes: new Uint8Array(dict.write({ allowInvalidVRLength: true })), source: dataset };
}

async function readPngGray(path: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(path).extractChannel(0).raw().toBuffer());
}

describe('project export round-trips', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  const masks = new Map<string, LabelMask>();
  let dicomId = '';
  let source: Record<string, unknown>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-export-'));
    store = await ProjectStore.create(join(dir, 'project'));
    const folder = await importPaths(store, [fixturePath('project', 'images')], { masks: 'import' });
    expect(folder.rejected).toEqual([]);
    expect(folder.imported.every((r) => r.hasReference && r.areas!.totalPx > 0)).toBe(true);
    const withPhi = dicomWithPhi();
    source = withPhi.source;
    const dropped = await importFiles(store, [{ name: 'chest.dcm', bytes: withPhi.bytes }]);
    dicomId = dropped.imported[0].id;
    const image = store.getImage(dicomId);
    await store.saveRevision(dicomId, patternMask(image.widthPx, image.heightPx, 5), { source: { kind: 'model', modelId: 'unet', modelVersion: '3' } });
    for (const record of store.listImages()) {
      masks.set(record.id, (await store.loadRevision(record.id))!.mask);
      await store.setStatus(record.id, 'approved');
    }
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('writes PNG masks, binary and labelled, that read back as the masks', async () => {
    for (const labels of [false, true]) {
      const out = join(dir, `png-${labels}`);
      const report = await exportProject(store, { format: 'png', outDir: out, labels });
      expect(report.files).toHaveLength(masks.size);
      for (const [id, mask] of masks) {
        const name = id === dicomId ? 'chest.png' : `${store.getImage(id).name}`;
        const pixels = await readPngGray(join(out, name));
        expect(Array.from(pixels).every((v, i) => v === (labels ? mask.data[i] : mask.data[i] ? 255 : 0))).toBe(true);
      }
    }
  });

  it('writes COCO RLE that decodes to the same masks', async () => {
    const out = join(dir, 'coco');
    await exportProject(store, { format: 'coco', outDir: out });
    const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'));
    expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(['right_lung', 'left_lung']);
    for (const image of coco.images) {
      const mask = masks.get(image.pleura_id)!;
      const rebuilt = new Uint8Array(mask.data.length);
      for (const annotation of coco.annotations.filter((a: { image_id: number }) => a.image_id === image.id)) {
        const decoded = decodeCocoRle(annotation.segmentation);
        expect(annotation.area).toBe(decoded.data.reduce((s, v) => s + v, 0));
        decoded.data.forEach((v, i) => v && (rebuilt[i] = annotation.category_id));
      }
      expect(Buffer.from(rebuilt).equals(Buffer.from(mask.data))).toBe(true);
    }
  });

  it('writes an nnU-Net v2 raw dataset that passes a structure check', async () => {
    const out = join(dir, 'Dataset501_Lungs');
    const report = await exportProject(store, { format: 'nnunet', outDir: out });
    const dataset = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    expect(dataset).toMatchObject({ channel_names: { '0': expect.any(String) }, labels: { background: 0, right_lung: 1, left_lung: 2 }, file_ending: '.png' });
    const images = (await readdir(join(out, 'imagesTr'))).sort();
    const labels = (await readdir(join(out, 'labelsTr'))).sort();
    expect(dataset.numTraining).toBe(labels.length);
    expect(labels.length + report.skipped.length).toBe(masks.size);
    expect(images).toEqual(labels.map((l) => l.replace(/\.png$/, '_0000.png')));
    for (const label of labels) {
      const labelMeta = await sharp(join(out, 'labelsTr', label)).metadata();
      const imageMeta = await sharp(join(out, 'imagesTr', label.replace(/\.png$/, '_0000.png'))).metadata();
      expect([imageMeta.width, imageMeta.height, imageMeta.channels]).toEqual([labelMeta.width, labelMeta.height, 1]);
      const values = new Set(await readPngGray(join(out, 'labelsTr', label)));
      expect([...values].every((v) => v <= 2) && values.has(1)).toBe(true);
    }
  });

  it('writes a CSV of measurements with the spacing source', async () => {
    const out = join(dir, 'csv');
    await exportProject(store, { format: 'csv', outDir: out });
    const [header, ...rows] = (await readFile(join(out, 'measurements.csv'), 'utf8')).trim().split('\n').map((l) => l.split(','));
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    expect(rows).toHaveLength(masks.size);
    for (const row of rows) {
      const mask = masks.get(column(row, 'image_id'))!;
      expect(Number(column(row, 'total_px'))).toBe(mask.data.filter((v) => v > 0).length);
      if (column(row, 'image_id') === dicomId) {
        expect(column(row, 'spacing_source')).not.toBe('none');
        const cm2 = (mask.data.filter((v) => v > 0).length * Number(column(row, 'row_mm')) * Number(column(row, 'col_mm'))) / 100;
        expect(Number(column(row, 'total_cm2'))).toBeCloseTo(cm2, 1);
      } else expect(column(row, 'spacing_source')).toBe('none');
    }
  });

  it('writes a DICOM SEG that references the source and reads back as the mask', async () => {
    const out = join(dir, 'seg');
    const report = await exportProject(store, { format: 'dicom-seg', outDir: out });
    expect(report.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/raster/), expect.stringMatching(/raster/)]);
    const seg = readDicom(new Uint8Array(await readFile(report.files[0])));
    const mask = masks.get(dicomId)!;
    expect(seg).toMatchObject({ Modality: 'SEG', SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4', Rows: mask.heightPx, Columns: mask.widthPx, NumberOfFrames: 2, StudyInstanceUID: source.StudyInstanceUID });
    const referenced = (seg.ReferencedSeriesSequence as { ReferencedInstanceSequence: { ReferencedSOPInstanceUID: string }[] }[])[0] ?? seg.ReferencedSeriesSequence;
    expect(JSON.stringify(referenced)).toContain(source.SOPInstanceUID as string);
    const pixelData = (seg.PixelData as ArrayBuffer[])[0];
    for (const [frame, label] of [[0, 1], [1, 2]]) {
      const bits = unpackFrame(pixelData, frame, mask.data.length);
      expect(bits.every((v, i) => v === (mask.data[i] === label ? 1 : 0))).toBe(true);
    }
    if (!hasDcmdump) {
      console.warn('dcmdump (dcmtk) not installed: skipping the dcmtk read-back');
      return;
    }
    const dump = execFileSync('dcmdump', ['-q', report.files[0]], { encoding: 'utf8' });
    expect(dump).toMatch(/SegmentationStorage/);
    expect(dump).toMatch(new RegExp(`\\(0028,0010\\) US ${mask.heightPx}`));
    expect(dump).toContain('Right lung');
  });

  it('de-identifies a DICOM SEG: no PHI left, UIDs replaced consistently', async () => {
    const out = join(dir, 'seg-deid');
    const report = await exportProject(store, { format: 'dicom-seg', outDir: out, deidentify: true });
    expect(relative(out, report.files[0])).toBe('case_0003.seg.dcm');
    const bytes = await readFile(report.files[0]);
    const text = bytes.toString('latin1');
    for (const value of [...Object.values(phi), 'ACC998877', '20200304', source.StudyInstanceUID as string, source.SOPInstanceUID as string, source.SeriesInstanceUID as string]) {
      expect(text, value).not.toContain(value);
    }
    const seg = readDicom(new Uint8Array(bytes));
    expect(seg).toMatchObject({ PatientIdentityRemoved: 'YES', DeidentificationMethod: expect.stringMatching(/Basic/) });
    expect(seg.StudyInstanceUID).toMatch(/^2\.25\.\d+$/);
    // The study UID and the referenced image UID map to the same new UIDs wherever they appear.
    const perFrame = seg.PerFrameFunctionalGroupsSequence as { DerivationImageSequence: { SourceImageSequence: { ReferencedSOPInstanceUID: string } } }[];
    const refs = perFrame.map((f) => JSON.stringify(f).match(/"ReferencedSOPInstanceUID":"([^"]+)"/)![1]);
    expect(new Set(refs).size).toBe(1);
    expect(JSON.stringify(seg.ReferencedSeriesSequence)).toContain(refs[0]);
    if (hasDcmdump) {
      const dump = execFileSync('dcmdump', ['-q', report.files[0]], { encoding: 'utf8' });
      expect(dump).not.toContain('Doe');
      expect(dump).toMatch(/PatientIdentityRemoved\s*\n?/);
    }
  });
});
