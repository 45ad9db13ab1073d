import type { CliCommand } from '../command';
import { appVersion, dependencyVersions } from '../../services/system/versions';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'Print the version of Pleura and of its runtimes',
  usage: 'pleura version [--json]',
  options: {},
  allowPositionals: false,
  async run(_args, io) {
    const versions = { pleura: appVersion(), ...dependencyVersions() };
    if (io.json) io.result(versions);
    else io.out(Object.entries(versions).map(([k, v]) => `${k} ${v}`).join('\n'));
  },
};
