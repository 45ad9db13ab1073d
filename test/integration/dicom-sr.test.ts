import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles, importReceived } from '../../src-main/services/project/import';
import { exportProject } from '../../src-main/services/export/export';
import { readDicom } from '../../src-main/services/export/dicom-seg';
import type { ExportReport } from '../../src-shared/api/project';
import { makeTestStudy, type TestStudy } from '../helpers/pacs-study';
import { fixturePath } from '../helpers/paths';
import { grayPng, tempDir } from '../unit/main/project/helpers';

type Dataset = Record<string, unknown>;
const dciodvfy = '/usr/bin/dciodvfy';

/** Right lung: a 100x200 block (label 1); left lung: a 80x150 block (label 2). */
function knownMask(widthPx: number, heightPx: number): { widthPx: number; heightPx: number; data: Uint8Array } {
  const data = new Uint8Array(widthPx * heightPx);
  for (let y = 100; y < 300; y++) for (let x = 60; x < 160; x++) data[y * widthPx + x] = 1;
  for (let y = 100; y < 250; y++) for (let x = 260; x < 340; x++) data[y * widthPx + x] = 2;
  return { widthPx, heightPx, data };
}

/** Every content item of an SR tree, depth first. */
function items(node: Dataset): Dataset[] {
  const children = (node.ContentSequence as Dataset[] | undefined) ?? [];
  return children.flatMap((child) => [child, ...items(child)]);
}
const meaning = (item: Dataset) => ((item.ConceptNameCodeSequence as Dataset[] | Dataset | undefined) && ([item.ConceptNameCodeSequence].flat()[0] as Dataset).CodeMeaning) as string | undefined;
const seq = (value: unknown) => [value].flat() as Dataset[];

describe('DICOM SR lung-area report (TID 1500)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  let study: TestStudy;
  let report: ExportReport;
  let noSpacingId = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-sr-'));
    store = await ProjectStore.create(join(dir, 'project'));
    study = makeTestStudy({ films: 1 });
    const film = (await importReceived(store, { name: 'chest.dcm', bytes: study.files[0], origin: 'test' })).imported[0];
    await store.saveRevision(film.id, knownMask(440, 440), { source: { kind: 'model', modelId: 'unet', modelVersion: '1' } });
    const raster = (await importFiles(store, [{ name: 'film.png', bytes: await grayPng(440, 440, 1) }])).imported[0];
    await store.saveRevision(raster.id, knownMask(440, 440));
    // The original GDCM chest film has no pixel spacing at all.
    const bare = (await importFiles(store, [{ name: 'bare.dcm', bytes: new Uint8Array(await readFile(fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'))) }])).imported[0];
    noSpacingId = bare.id;
    await store.saveRevision(bare.id, knownMask(440, 440));
    report = await exportProject(store, { format: 'dicom-sr', outDir: join(dir, 'out'), approvedOnly: false });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('writes a SEG and an SR for the film with spacing; raster and spacing-less images are skipped with the reason', () => {
    expect(report.files.map((f) => f.split('/').pop()).sort()).toEqual(['bare.seg.dcm', 'chest.seg.dcm', 'chest.sr.dcm']);
    expect(report.skipped).toHaveLength(2);
    expect(report.skipped.find((s) => s.imageId === noSpacingId)?.reason).toMatch(/pixel spacing/i);
    expect(report.skipped.some((s) => /raster/.test(s.reason))).toBe(true);
  });

  it('holds right, left and total lung area in cm² (UCUM), the spacing source, and references the SEG and the source image', async () => {
    const sr = readDicom(new Uint8Array(await readFile(join(dir, 'out', 'chest.sr.dcm'))));
    const seg = readDicom(new Uint8Array(await readFile(join(dir, 'out', 'chest.seg.dcm'))));
    expect(sr).toMatchObject({ Modality: 'SR', SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.33', StudyInstanceUID: study.studyInstanceUid, PatientID: study.patientId });
    expect(seq(sr.ContentTemplateSequence)[0]).toMatchObject({ MappingResource: 'DCMR', TemplateIdentifier: '1500' });
    expect(seq(sr.ConceptNameCodeSequence)[0]).toMatchObject({ CodeValue: '126000', CodingSchemeDesignator: 'DCM' });
    const groups = items(sr).filter((item) => meaning(item) === 'Measurement Group');
    expect(groups).toHaveLength(3);
    const pixelCm2 = (0.8 * 0.8) / 100;
    const expected: Record<string, number> = { 'Right lung': 100 * 200 * pixelCm2, 'Left lung': 80 * 150 * pixelCm2, 'Both lungs': (100 * 200 + 80 * 150) * pixelCm2 };
    for (const group of groups) {
      const children = items(group);
      const label = children.find((c) => meaning(c) === 'Tracking Identifier')!.TextValue as string;
      const area = children.find((c) => c.ValueType === 'NUM')!;
      const measured = seq(area.MeasuredValueSequence)[0];
      expect(Number(measured.NumericValue)).toBeCloseTo(expected[label], 2);
      expect(seq(measured.MeasurementUnitsCodeSequence)[0]).toMatchObject({ CodeValue: 'cm2', CodingSchemeDesignator: 'UCUM' });
      const segments = children.filter((c) => meaning(c) === 'Referenced Segment').map((c) => seq(c.ReferencedSOPSequence)[0]);
      expect(segments.length).toBeGreaterThan(0);
      for (const ref of segments) expect(ref.ReferencedSOPInstanceUID).toBe(seg.SOPInstanceUID);
      const source = seq(children.find((c) => meaning(c) === 'Source')!.ReferencedSOPSequence)[0];
      expect(source.ReferencedSOPInstanceUID).toBe(study.films[0]);
      expect(children.find((c) => meaning(c) === 'Comment')!.TextValue).toMatch(/0\.8 x 0\.8 mm.*pixel-spacing/);
    }
  });

  it.skipIf(!existsSync(dciodvfy))('passes dciodvfy with no error', () => {
    const result = spawnSync(dciodvfy, [join(dir, 'out', 'chest.sr.dcm')], { encoding: 'utf8' });
    const errors = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => /^Error/.test(line));
    expect(errors).toEqual([]);
    // dciodvfy names the IOD it checked against: make sure it really read the file as an SR.
    expect(`${result.stdout}${result.stderr}`).toMatch(/ComprehensiveSR/);
  });
});
