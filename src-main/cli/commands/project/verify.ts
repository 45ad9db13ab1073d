import type { CliCommand } from '../../command';
import { UsageError } from '../../command';
import { verifyProject } from '../../../services/project/verify';

export const projectVerifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check a project folder for damage; changes nothing',
  usage: [
    'pleura project verify DIR [--json]',
    '',
    '  verify DIR   check every log record, the snapshot, every mask revision and copied image;',
    '               changes nothing. Exit 0 when intact, 1 with a report of what is damaged and how',
    '               to recover.',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    const [dir, ...rest] = positionals;
    if (!dir || rest.length) throw new UsageError('Give exactly one project DIR.');
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
