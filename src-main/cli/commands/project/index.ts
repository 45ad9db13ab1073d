import type { CliGroup } from '../../command';
import { projectImportCommand } from './import';
import { projectPredictCommand } from './predict';
import { projectStatusCommand } from './status';
import { projectVerifyCommand } from './verify';

/**
 * `pleura project ...`: work on a project folder headless. Each subcommand lives in its own file in
 * this folder; add one by adding its file and one entry to this list.
 */
export const projectCommand: CliGroup = {
  name: 'project',
  summary: 'Work on a project folder (import, predict, status, verify)',
  subcommands: [projectImportCommand, projectPredictCommand, projectStatusCommand, projectVerifyCommand],
};
