import type { Api } from '../../../src-shared/api';
import { say } from '../../../src-shared/api/text';
import { service, type AppContext } from '../context';
import { getSession } from '../project/session';
import { PacsConnectionStore } from './connections';
import { DicomWebClient, displayUrl } from './dicomweb';
import { retrieveStudy, pacsInstancesInProject } from './retrieve';
import { sendResults } from './send';
import { listStudySeries, searchStudies } from './study';

/** Key of the connection store in ctx.services; the desktop app puts a safeStorage-backed one there. */
export const PACS_CONNECTIONS_KEY = 'pacs.connections';

/** The PACS connections of this process: the 0600 file store unless the app set another. */
export function getPacsConnections(ctx: AppContext): PacsConnectionStore {
  return service(ctx, PACS_CONNECTIONS_KEY, () => new PacsConnectionStore());
}

/** Handlers of the `pacs` domain: connections, search, and retrieve / send as jobs. */
export function createPacsHandlers(ctx: AppContext): Api['pacs'] {
  const connections = () => getPacsConnections(ctx);
  const clientFor = async (connectionId: string) => {
    const connection = await connections().get(connectionId);
    return { client: new DicomWebClient(await connections().target(connectionId)), server: displayUrl(connection.baseUrl) };
  };
  return {
    connections: () => connections().list(),
    saveConnection: (input) => connections().save(input),
    removeConnection: (id) => connections().remove(id),
    async searchStudies(connectionId, query) {
      const { client } = await clientFor(connectionId);
      return searchStudies(client, query);
    },
    async listSeries(connectionId, studyInstanceUid) {
      const { client } = await clientFor(connectionId);
      const store = getSession(ctx).current();
      return listStudySeries(client, studyInstanceUid, store ? pacsInstancesInProject(store) : new Map());
    },
    async retrieve(connectionId, options) {
      const { client, server } = await clientFor(connectionId);
      const store = getSession(ctx).require();
      const { jobId } = ctx.jobs.start('import', say('pacs.retrieveTitle', { studyUid: options.studyInstanceUid }), (job) => retrieveStudy(client, server, store, options, job));
      return { jobId };
    },
    async send(connectionId, options) {
      const { client, server } = await clientFor(connectionId);
      const store = getSession(ctx).require();
      const count = options.imageIds?.length ?? store.listImages().filter((image) => image.status === 'approved').length;
      const { jobId } = ctx.jobs.start('export', say('pacs.sendTitle', { count }), (job) => sendResults(client, server, store, { imageIds: options.imageIds }, job));
      return { jobId };
    },
  };
}
