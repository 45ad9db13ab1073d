import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectStore } from '../../src-main/services/project/store';
import { exportProject } from '../../src-main/services/export/export';
import { pseudonymKeyFile } from '../../src-main/services/export/pseudonym';
import type { ExportOptions } from '../../src-shared/api/project';
import type { LabelMask } from '../../src-shared/api/masks';
import { createMixedProject } from '../helpers/mixed-project';
import { nnunetProblems, pycocoDecode, readSingleChannelPng } from '../helpers/downstream';
import { tempDir } from '../unit/main/project/helpers';

/** Every export of a mixed project (PNG films and DICOM of five syntaxes), plain and de-identified. */
describe('project export: PNG, COCO, nnU-Net, CSV of a mixed project', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  let masks: Map<string, LabelMask>;
  let unapprovedId: string;
  let chestId: string;
  const run = (name: string, options: Omit<ExportOptions, 'outDir'>) => exportProject(store, { outDir: join(dir, name), ...options });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-export-'));
    ({ store, masks, unapprovedId, chestId } = await createMixedProject(dir));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('exports approved films only by default, in every format; --all adds the rest', async () => {
    for (const format of ['png', 'csv', 'coco', 'nnunet', 'dicom-seg'] as const) {
      const report = await run(`default-${format}`, { format });
      expect(report.skipped.find((s) => s.imageId === unapprovedId), format).toMatchObject({ kind: 'excluded', reason: expect.stringMatching(/Not approved/) });
    }
    const all = await run('all-png', { format: 'png', approvedOnly: false });
    expect(all.skipped).toEqual([]);
    expect(all.exported).toBe(masks.size);
  }, 300_000);

  it('stops before the next film when cancelled, keeping what it wrote', async () => {
    const controller = new AbortController();
    let steps = 0;
    const progress = () => {
      if (++steps === 2) controller.abort();
    };
    await expect(exportProject(store, { format: 'png', outDir: join(dir, 'cancelled'), approvedOnly: false }, { signal: controller.signal, progress })).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(join(dir, 'cancelled'))).toHaveLength(2);
  });

  it('writes single-channel PNG masks, binary and labelled, equal to the masks', async () => {
    for (const labels of [false, true]) {
      const report = await run(`png-${labels}`, { format: 'png', labels, approvedOnly: false });
      expect(report.files).toHaveLength(masks.size);
      for (const [id, mask] of masks) {
        const stem = store.getImage(id).name.replace(/\.(png|dcm)$/, '');
        const png = await readSingleChannelPng(join(dir, `png-${labels}`, `${stem}.png`));
        expect([png.widthPx, png.heightPx]).toEqual([mask.widthPx, mask.heightPx]);
        expect(png.data.every((v, i) => v === (labels ? mask.data[i] : mask.data[i] ? 255 : 0)), stem).toBe(true);
      }
    }
  });

  it('writes an nnU-Net v2 dataset that passes verify_dataset_integrity\'s checks, every syntax decoded', async () => {
    for (const deidentify of [false, true]) {
      const out = join(dir, `Dataset50${deidentify ? 2 : 1}_Lungs`);
      const report = await exportProject(store, { format: 'nnunet', outDir: out, approvedOnly: false, deidentify, confirmBurnedIn: true });
      expect(report.skipped).toEqual([]);
      const { problems, cases } = await nnunetProblems(out);
      expect(problems).toEqual([]);
      expect(cases).toHaveLength(masks.size);
      const dataset = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
      expect(dataset).toMatchObject({ labels: { background: 0, right_lung: 1, left_lung: 2 }, file_ending: '.png', numTraining: masks.size });
    }
  }, 300_000);

  it('writes COCO whose file_name entries exist and whose RLE decodes (pycocotools\' algorithm) to the masks', async () => {
    for (const deidentify of [false, true]) {
      const out = join(dir, `coco-${deidentify}`);
      const report = await exportProject(store, { format: 'coco', outDir: out, approvedOnly: false, deidentify, confirmBurnedIn: true });
      expect(report.skipped).toEqual([]);
      const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'));
      expect(coco.images).toHaveLength(masks.size);
      const byStem = new Map([...masks.keys()].map((id) => [deidentify ? '' : store.getImage(id).name.replace(/\.(png|dcm)$/, ''), id]));
      for (const image of coco.images) {
        const film = await readSingleChannelPng(join(out, image.file_name));
        expect([film.widthPx, film.heightPx]).toEqual([image.width, image.height]);
        const id = deidentify ? undefined : byStem.get(image.file_name.replace(/^images\/|\.png$/g, ''));
        const rebuilt = new Uint8Array(image.width * image.height);
        for (const annotation of coco.annotations.filter((a: { image_id: number }) => a.image_id === image.id)) {
          expect(annotation.segmentation.size).toEqual([image.height, image.width]);
          const decoded = pycocoDecode(annotation.segmentation);
          expect(annotation.area).toBe(decoded.reduce((s, v) => s + v, 0));
          decoded.forEach((v, i) => v && (rebuilt[i] = annotation.category_id));
        }
        const mask = id ? masks.get(id)! : [...masks.values()].find((m) => m.widthPx === image.width && m.heightPx === image.height && Buffer.from(m.data).equals(Buffer.from(rebuilt)));
        expect(mask, image.file_name).toBeDefined();
        expect(Buffer.from(rebuilt).equals(Buffer.from(mask!.data))).toBe(true);
        if (deidentify) expect(image).not.toHaveProperty('pleura_id');
      }
      expect((await readdir(join(out, 'images'))).sort()).toEqual(coco.images.map((i: { file_name: string }) => i.file_name.slice(7)).sort());
    }
  }, 300_000);

  it('gives each film one case id in every de-identified format and every run, so the CSV joins', async () => {
    const csvRows = async (name: string) => {
      const [header, ...rows] = (await readFile(join(dir, name, 'measurements.csv'), 'utf8')).trim().split('\n').map((l) => l.split(','));
      return rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]])));
    };
    const options = { approvedOnly: false, deidentify: true, confirmBurnedIn: true };
    await run('deid-csv-1', { format: 'csv', ...options });
    await run('deid-csv-2', { format: 'csv', ...options });
    await run('deid-png', { format: 'png', ...options });
    const first = await csvRows('deid-csv-1');
    expect(first).toHaveLength(masks.size);
    expect(await csvRows('deid-csv-2')).toEqual(first);
    const cases = first.map((row) => row.case).sort();
    expect(new Set(cases).size).toBe(masks.size);
    expect(cases.every((c) => /^case_[0-9a-f]{12}$/.test(c))).toBe(true);
    for (const row of first) {
      expect(row.image_id).toBe('');
      expect(row.name).toBe('');
      expect(row.revision_id).toBe('');
    }
    expect((await readdir(join(dir, 'deid-png'))).map((f) => f.replace(/\.png$/, '')).sort()).toEqual(cases);
    const coco = JSON.parse(await readFile(join(dir, 'coco-true', 'annotations.json'), 'utf8'));
    expect(coco.images.map((i: { file_name: string }) => i.file_name.replace(/^images\/|\.png$/g, '')).sort()).toEqual(cases);
    expect((await readdir(join(dir, 'Dataset502_Lungs', 'labelsTr'))).map((f) => f.replace(/\.png$/, '')).sort()).toEqual(cases);
    // Areas join too: the CSV row of a case measures the mask exported under that case id.
    for (const row of first) {
      const png = await readSingleChannelPng(join(dir, 'deid-png', `${row.case}.png`));
      expect(Number(row.total_px)).toBe(png.data.filter((v) => v > 0).length);
    }
  }, 300_000);

  it('keeps the pseudonym key in the project, logs its creation once, and never writes it into an export', async () => {
    const key = await readFile(join(store.path, pseudonymKeyFile), 'utf8');
    expect((await stat(join(store.path, pseudonymKeyFile))).mode & 0o077).toBe(0);
    const created = (await store.audit()).filter((e) => e.action === 'pseudonym-key');
    expect(created).toHaveLength(1);
    const secret = JSON.parse(key).key as string;
    for (const name of ['deid-csv-1', 'deid-png', 'coco-true', 'Dataset502_Lungs']) {
      for (const file of await readdir(join(dir, name), { recursive: true })) {
        const path = join(dir, name, String(file));
        if ((await stat(path)).isFile()) expect((await readFile(path)).toString('latin1'), path).not.toContain(secret);
      }
    }
  });

  it('refuses films flagged or suspected of burned-in text in de-identified pixel exports unless confirmed', async () => {
    const report = await run('burned', { format: 'coco', approvedOnly: false, deidentify: true });
    const refused = report.skipped.filter((s) => s.kind === 'refused').map((s) => store.getImage(s.imageId).name).sort();
    // Raster films and the Secondary Capture film without Burned In Annotation are suspected; 966 says NO.
    expect(refused).toEqual(['1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm', 'COVIDGB_kjr-21-e24-g001-l-a.png', 'COVIDGB_kjr-21-e24-g002-l-a.png']);
    expect(report.exported).toBe(masks.size - refused.length);
    // Mask-only formats carry no film pixels: nothing is refused there.
    expect((await run('burned-png', { format: 'png', approvedOnly: false, deidentify: true })).skipped).toEqual([]);
    expect(chestId).toBeTruthy();
  }, 300_000);
});
