import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { verifyProject } from '../../services/project/verify';

export const projectCommand: CliCommand = {
  name: 'project',
  summary: 'Check a project folder for damage (pleura project verify DIR)',
  usage: [
    'pleura project verify DIR',
    '',
    '  verify DIR   check every log record, the snapshot, every mask revision and copied image;',
    '               changes nothing. Exit 0 when intact, 1 with a report of what is damaged and how',
    '               to recover.',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    const [action, dir, ...rest] = positionals;
    if (action !== 'verify' || !dir || rest.length) throw new UsageError('Usage: pleura project verify DIR');
    const report = await verifyProject(dir);
    if (io.json) io.result(report);
    else {
      io.out(`${report.records} log records, ${report.images} images, ${report.revisions} mask revisions checked.`);
      for (const problem of report.problems) io.out(`  ${problem}`);
      io.out(report.ok ? 'The project is intact.' : 'The project is damaged (see above).');
    }
    return report.ok ? 0 : 1;
  },
};
