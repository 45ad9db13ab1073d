import type { PredictionResult } from '../../../../src-shared/api/inference';
import { PleuraError } from '../../../../src-shared/api/result';
import { createAppContext } from '../../../services/create-context';
import { getInferenceService } from '../../../services/inference/service';
import { getSession } from '../../../services/project/session';
import { UsageError, type CliCommand } from '../../command';

export const projectPredictCommand: CliCommand = {
  name: 'predict',
  summary: 'Predict the lung masks of a project\'s images (stored as new revisions)',
  usage: [
    'pleura project predict DIR [--all] [--model ID] [--no-tta] [--json]',
    '',
    '  --all          every image (default: only images with no prediction yet)',
    '  --model ID     a model key (id@version) or id (default: the active model)',
    '  --no-tta       run each image once instead of also mirrored',
    '',
    'An approved image keeps its approved mask; the new prediction is kept beside it.',
  ].join('\n'),
  options: { all: { type: 'boolean' }, model: { type: 'string' }, 'no-tta': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('Give exactly one project DIR.');
    const ctx = createAppContext({ transport: 'cli' });
    const session = getSession(ctx);
    const store = await session.open(positionals[0]);
    const inference = getInferenceService(ctx);
    const results: { imageId: string; name: string; status: string; areas?: PredictionResult['areas']; uncertainty?: number; error?: string }[] = [];
    try {
      const images = store.listImages().filter((image) => values.all === true || (image.predictedBy === null && image.status === 'new'));
      for (const [index, image] of images.entries()) {
        try {
          const prediction = await inference.predictImage(image.id, { ...(typeof values.model === 'string' ? { modelId: values.model } : {}), tta: values['no-tta'] !== true });
          results.push({ imageId: image.id, name: image.name, status: store.getImage(image.id).status, areas: prediction.areas, uncertainty: prediction.uncertainty });
        } catch (error) {
          if (!(error instanceof PleuraError) || error.code === 'disk-full') throw error;
          results.push({ imageId: image.id, name: image.name, status: image.status, error: error.message });
        }
        io.progress((index + 1) / images.length, image.name);
      }
    } finally {
      await inference.close();
      await session.close();
    }
    const failed = results.filter((r) => r.error);
    if (io.json) io.result({ predicted: results.length - failed.length, failed: failed.length, images: results });
    else {
      io.out(`Predicted ${results.length - failed.length} image(s).`);
      for (const r of results) io.out(r.error ? `  ${r.name}: ${r.error}` : `  ${r.name}: total ${r.areas?.totalCm2 ?? '?'} cm2, uncertainty ${r.uncertainty?.toFixed(3)}`);
    }
    return failed.length ? 1 : 0;
  },
};
