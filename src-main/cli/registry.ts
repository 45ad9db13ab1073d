import type { CliCommand, CliGroup } from './command';
import { versionCommand } from './commands/version';
import { serveCommand } from './commands/serve';
import { infoCommand } from './commands/info';
import { decodeCommand } from './commands/decode';
import { exportCommand } from './commands/export';
import { predictCommand } from './commands/predict';
import { paperCommand } from './commands/paper';
import { trainCommand } from './commands/train';
import { evalCommand } from './commands/eval';
import { pacsCommand } from './commands/pacs';
import { projectCommand } from './commands/project';

/**
 * Every `pleura` subcommand. Each lives in src-main/cli/commands/<name>.ts and is added here by the
 * part of Pleura that implements it.
 */
export const commands: (CliCommand | CliGroup)[] = [
  versionCommand,
  serveCommand,
  infoCommand,
  decodeCommand,
  exportCommand,
  predictCommand,
  paperCommand,
  trainCommand,
  evalCommand,
  projectCommand,
  pacsCommand,
];
