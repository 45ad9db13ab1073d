import type { CliGroup } from '../../command';
import { pacsQueryCommand } from './query';
import { pacsRetrieveCommand } from './retrieve';

/** `pleura pacs ...`: a PACS over DICOMweb, headless. */
export const pacsCommand: CliGroup = {
  name: 'pacs',
  summary: 'Search a PACS and retrieve studies over DICOMweb (query, retrieve)',
  subcommands: [pacsQueryCommand, pacsRetrieveCommand],
};
