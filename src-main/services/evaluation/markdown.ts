import type { EvaluationReport } from './report';

function percent(value: number): string {
  return (value * 100).toFixed(2);
}

/**
 * The report as Markdown: the mean per-image metrics, the worst images with their pictures, then every
 * image. Metrics are per image at its stored resolution, then averaged (each image weighs the same).
 */
export function formatEvaluationMarkdown(report: EvaluationReport): string {
  const m = report.mean;
  const lines = [
    `# Evaluation: ${report.title}`,
    '',
    `${report.count} images${report.modelId ? `, model \`${report.modelId}\`` : ''}, ${report.durationS.toFixed(1)} s.`,
    'Mean of per-image metrics at the stored resolution, after the app\'s post-processing:',
    '',
    '| Dice | IoU | F1 | precision | recall | accuracy |',
    '|---|---|---|---|---|---|',
    `| ${percent(m.dice)} | ${percent(m.iou)} | ${percent(m.f1)} | ${percent(m.precision)} | ${percent(m.recall)} | ${percent(m.accuracy)} |`,
    '',
    `## Worst ${report.worst.length} by Dice`,
    '',
    'Pictures: image | reference | prediction | difference (blue: lung missed, red: extra lung).',
    '',
  ];
  const byName = new Map(report.images.map((e) => [e.name, e]));
  for (const name of report.worst) {
    const entry = byName.get(name);
    if (!entry) continue;
    lines.push(`- \`${name}\`: Dice ${percent(entry.dice)}, IoU ${percent(entry.iou)}, lung ${percent(entry.referenceFraction)} % of the image (predicted ${percent(entry.predictedFraction)} %)`);
    if (entry.picture) lines.push('', `  ![${name}](${entry.picture})`, '');
  }
  lines.push('', '## Every image', '', '| image | size | Dice | IoU | precision | recall |', '|---|---|---|---|---|---|');
  for (const e of report.images) {
    lines.push(`| ${e.name} | ${e.widthPx}x${e.heightPx} | ${percent(e.dice)} | ${percent(e.iou)} | ${percent(e.precision)} | ${percent(e.recall)} |`);
  }
  return lines.join('\n') + '\n';
}
