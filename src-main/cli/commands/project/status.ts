import { reviewStatuses } from '../../../../src-shared/api/project';
import { ProjectStore } from '../../../services/project/store';
import { UsageError, type CliCommand } from '../../command';

export const projectStatusCommand: CliCommand = {
  name: 'status',
  summary: 'Show a project: images by review status, areas, PACS origin',
  usage: 'pleura project status DIR [--json]',
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('Give exactly one project DIR.');
    const store = await ProjectStore.open(positionals[0]);
    try {
      const images = store.listImages();
      const counts = Object.fromEntries(reviewStatuses.map((status) => [status, images.filter((image) => image.status === status).length]));
      const summary = { ...store.summary(), counts, images };
      if (io.json) {
        io.result(summary);
        return;
      }
      io.out(`${summary.name} (${summary.path}): ${images.length} image(s)`);
      io.out(`  ${reviewStatuses.map((status) => `${status} ${counts[status]}`).join(', ')}`);
      for (const image of images) {
        const area = image.areas?.totalCm2 != null ? `${image.areas.totalCm2} cm2` : image.areas ? `${image.areas.totalPx} px` : '-';
        io.out(`  ${image.id}  ${image.status.padEnd(10)} ${area.padStart(12)}  ${image.name}${image.pacs ? `  (PACS ${image.pacs.server})` : ''}`);
      }
    } finally {
      await store.close();
    }
  },
};
