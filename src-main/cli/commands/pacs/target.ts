import { PacsConnectionStore, normalizeUrl, targetFromUrl } from '../../../services/pacs/connections';
import { DicomWebClient, displayUrl } from '../../../services/pacs/dicomweb';
import { UsageError } from '../../command';

/** Options every PACS command takes besides --url. */
export const connectionOptions = {
  url: { type: 'string' },
  user: { type: 'string' },
  'timeout-s': { type: 'string' },
} as const;

export const connectionUsage = [
  '  --url URL          DICOMweb root (QIDO/WADO/STOW below it), e.g. http://pacs:8042/dicom-web',
  '  --user NAME        basic auth user; the password is read from PLEURA_PACS_PASSWORD',
  '                     (PLEURA_PACS_TOKEN instead gives a bearer token; never on the command line).',
  '                     A connection saved in ~/.config/pleura/pacs.json (0600; PLEURA_PACS_CONFIG)',
  '                     with the same URL supplies its own credentials and time-out.',
  '  --timeout-s N      time-out of one request (default 30)',
].join('\n');

/** A DICOMweb client for --url: a saved connection with that URL, else auth from the environment. */
export async function clientFromArgs(values: Record<string, unknown>, name = 'url'): Promise<{ client: DicomWebClient; server: string }> {
  const url = values[name];
  if (typeof url !== 'string' || !url) throw new UsageError(`--${name} URL is required.`);
  const base = normalizeUrl(url);
  const timeout = values['timeout-s'] === undefined ? undefined : Number(values['timeout-s']);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout-s must be a positive number of seconds.');
  const store = new PacsConnectionStore();
  const saved = process.env.PLEURA_PACS_PASSWORD || process.env.PLEURA_PACS_TOKEN || values.user ? null : await store.findByUrl(base);
  const target = saved ? await store.target(saved.id) : targetFromUrl(base, { user: typeof values.user === 'string' ? values.user : undefined });
  if (timeout !== undefined) target.timeoutMs = Math.round(timeout * 1000);
  return { client: new DicomWebClient(target), server: displayUrl(base) };
}
