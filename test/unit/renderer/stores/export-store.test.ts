import { describe, expect, it } from 'vitest';
import { fakeApi, installStores, ok } from '../fake-api';
import { useExportStore } from '../../../../src-renderer/src/stores/export';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import type { ExportOptions, ExportReport } from '../../../../src-shared/api';

const report: ExportReport = { format: 'png', outDir: '/out', files: ['/out/a.png'], skipped: [{ imageId: 'b', name: 'b.png', kind: 'refused', reason: 'burned-in' }], exported: 1, audited: true };

describe('export store', () => {
  it('starts a job, follows it and keeps the report with every skipped film', async () => {
    const calls: ExportOptions[] = [];
    const { api, emit } = fakeApi({ project: { startExport: (options: ExportOptions) => (calls.push(options), ok({ jobId: 'j1' })) } });
    installStores(api);
    const exporter = useExportStore();
    const done = exporter.start({ format: 'png', outDir: '/out', approvedOnly: true });
    await Promise.resolve();
    await Promise.resolve();
    expect(exporter.running).toBe(true);
    emit('job', { type: 'progress', jobId: 'j1', kind: 'export', fraction: 0.5, etaMs: 10, message: 'a.png' });
    expect(exporter.job?.fraction).toBe(0.5);
    emit('job', { type: 'result', jobId: 'j1', kind: 'export', value: report });
    expect(await done).toEqual(report);
    expect(exporter.outcome).toBe('done');
    expect(exporter.report?.skipped[0]).toMatchObject({ kind: 'refused', name: 'b.png' });
    expect(calls).toEqual([{ format: 'png', outDir: '/out', approvedOnly: true }]);
  });

  it('cancels the running job and reports the cancel without a report', async () => {
    const cancelled: string[] = [];
    const { api, emit } = fakeApi({ project: { startExport: () => ok({ jobId: 'j2' }) }, jobs: { cancel: (id: string) => (cancelled.push(id), ok(undefined)) } });
    installStores(api);
    const exporter = useExportStore();
    const done = exporter.start({ format: 'coco', outDir: '/out' });
    await Promise.resolve();
    await Promise.resolve();
    await exporter.cancel();
    expect(cancelled).toEqual(['j2']);
    emit('job', { type: 'cancelled', jobId: 'j2', kind: 'export' });
    expect(await done).toBeNull();
    expect(exporter.outcome).toBe('cancelled');
  });

  it('says when there is no folder dialog (serve mode) and returns null', async () => {
    const { api } = fakeApi();
    installStores(api);
    const exporter = useExportStore();
    expect(await exporter.chooseFolder('Destination')).toBeNull();
    expect(useMessagesStore().messages.at(-1)).toMatchObject({ key: 'errors.chooseFolder' });
  });
});
