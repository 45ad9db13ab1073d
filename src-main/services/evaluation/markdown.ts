import type { EvaluationReport } from './report';

function percent(value: number): string {
  return (value * 100).toFixed(2);
}

function groupLines(report: EvaluationReport): string[] {
  if (!report.groups) return [];
  const lines = ['| source | images | Dice | IoU | precision | recall | Dice 5th pct | min Dice |', '|---|---|---|---|---|---|---|---|'];
  for (const [name, s] of Object.entries(report.groups)) {
    lines.push(`| ${name} | ${s.count} | ${percent(s.mean.dice)} | ${percent(s.mean.iou)} | ${percent(s.mean.precision)} | ${percent(s.mean.recall)} | ${percent(s.dice5)} | ${percent(s.minDice)} |`);
  }
  return [...lines, ''];
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
    `Dice 5th percentile ${percent(report.summary.dice5)}, minimum ${percent(report.summary.minDice)}.` +
      (report.summary.heartOverlap !== undefined
        ? ` Heart overlap (share of predicted lung inside the reference heart label, mean over images): ${percent(report.summary.heartOverlap)} %.`
        : ''),
    '',
    ...groupLines(report),
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
  const heart = report.summary.heartOverlap !== undefined;
  lines.push('', '## Every image', '', `| image | size | Dice | IoU | precision | recall |${heart ? ' heart overlap |' : ''}`, `|---|---|---|---|---|---|${heart ? '---|' : ''}`);
  for (const e of report.images) {
    lines.push(`| ${e.name} | ${e.widthPx}x${e.heightPx} | ${percent(e.dice)} | ${percent(e.iou)} | ${percent(e.precision)} | ${percent(e.recall)} |${heart ? ` ${e.heartOverlap === undefined ? '-' : percent(e.heartOverlap)} |` : ''}`);
  }
  return lines.join('\n') + '\n';
}
