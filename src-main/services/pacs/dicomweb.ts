import { randomBytes } from 'node:crypto';
import { PleuraError } from '../../../src-shared/api/result';
import { say, type ServerText } from '../../../src-shared/api/text';

/** Everything a request needs: service roots, credentials (held in memory only) and a time-out. */
export interface DicomWebTarget {
  qidoUrl: string;
  wadoUrl: string;
  stowUrl: string;
  auth: { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };
  timeoutMs: number;
}

/** A DICOM JSON dataset (PS3.18 F.2): tag "GGGGEEEE" to { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;

/**
 * A small typed DICOMweb client on Node's fetch. `dicomweb-client` (the OHIF one) is built on
 * XMLHttpRequest, which Node does not have; QIDO, WADO-RS and STOW-RS are plain HTTP, so fetch with
 * AbortSignal gives time-outs and cancel without a polyfill.
 */
export class DicomWebClient {
  constructor(private readonly target: DicomWebTarget) {}

  /** QIDO-RS search, e.g. `studies` or `studies/UID/series`; a 204 is an empty list. */
  async search(path: string, params: Record<string, string | undefined>, signal?: AbortSignal): Promise<DicomJson[]> {
    const url = new URL(joinUrl(this.target.qidoUrl, path));
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') url.searchParams.append(key, value);
    const answer = await this.request(url, { headers: { Accept: 'application/dicom+json' } }, signal, say('pacs.whatSearch'));
    return parseJsonList(await this.body(answer, url, signal));
  }

  /** WADO-RS metadata of a study (every instance, no pixel data). */
  async studyMetadata(studyUid: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const url = new URL(joinUrl(this.target.wadoUrl, `studies/${studyUid}/metadata`));
    const answer = await this.request(url, { headers: { Accept: 'application/dicom+json' } }, signal, say('pacs.whatStudy'));
    return parseJsonList(await this.body(answer, url, signal));
  }

  /** WADO-RS retrieve of one instance as a DICOM Part 10 file, in the transfer syntax it is stored in. */
  async retrieveInstance(studyUid: string, seriesUid: string, instanceUid: string, signal?: AbortSignal): Promise<Uint8Array> {
    const url = new URL(joinUrl(this.target.wadoUrl, `studies/${studyUid}/series/${seriesUid}/instances/${instanceUid}`));
    const answer = await this.request(url, { headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } }, signal, say('pacs.whatRetrieve'));
    const bytes = await this.body(answer, url, signal);
    const parts = parseMultipart(bytes, answer.headers.get('content-type') ?? '');
    if (parts.length !== 1 || parts[0].length === 0) throw new PleuraError('corrupt', say('pacs.parts', { count: parts.length, instanceUid }));
    return parts[0];
  }

  /** STOW-RS: stores DICOM files in a study; throws when the server refuses any of them. */
  async store(studyUid: string, files: Uint8Array[], signal?: AbortSignal): Promise<{ stored: string[] }> {
    const url = new URL(joinUrl(this.target.stowUrl, `studies/${studyUid}`));
    const boundary = `pleura-${randomBytes(12).toString('hex')}`;
    const chunks: Uint8Array[] = [];
    for (const file of files) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${file.length}\r\n\r\n`), file, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const answer = await this.request(url, {
      method: 'POST',
      body: Buffer.concat(chunks),
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
    }, signal, say('pacs.whatStore'));
    const text = new TextDecoder().decode(await this.body(answer, url, signal));
    const response = (text.trim() ? JSON.parse(text) : {}) as DicomJson;
    const failed = (response['00081198']?.Value ?? []) as DicomJson[];
    if (failed.length) {
      const reasons = failed.map((item) => `${stringOf(item, '00081155')}: ${String(item['00081197']?.Value?.[0] ?? '?')}`);
      throw new PleuraError('io', say('pacs.refused', { refused: failed.length, count: files.length, detail: reasons.join('; ') }));
    }
    const stored = ((response['00081199']?.Value ?? []) as DicomJson[]).map((item) => stringOf(item, '00081155'));
    return { stored };
  }

  private async request(url: URL, init: RequestInit, signal: AbortSignal | undefined, what: ServerText): Promise<Response> {
    const headers = new Headers(init.headers);
    const auth = this.target.auth;
    if (auth.kind === 'basic') headers.set('Authorization', `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`);
    if (auth.kind === 'bearer') headers.set('Authorization', `Bearer ${auth.token}`);
    const signals = [AbortSignal.timeout(this.target.timeoutMs), ...(signal ? [signal] : [])];
    let answer: Response;
    try {
      answer = await fetch(url, { ...init, headers, signal: AbortSignal.any(signals), redirect: 'error' });
    } catch (error) {
      throw networkFailure(error, url, this.target.timeoutMs, signal);
    }
    if (answer.status === 401 || answer.status === 403) {
      await answer.body?.cancel();
      throw new PleuraError('unauthorized', say('pacs.unauthorized', { url: displayUrl(url), status: answer.status }));
    }
    if (!answer.ok) {
      const detail = (await answer.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      const code = answer.status === 404 ? 'not-found' : 'io';
      const text = detail ? say('pacs.httpErrorDetail', { what, status: answer.status, url: displayUrl(url), detail }) : say('pacs.httpError', { what, status: answer.status, url: displayUrl(url) });
      throw new PleuraError(code, text, { status: answer.status });
    }
    return answer;
  }

  private async body(answer: Response, url: URL, signal: AbortSignal | undefined): Promise<Uint8Array> {
    try {
      return new Uint8Array(await answer.arrayBuffer());
    } catch (error) {
      throw networkFailure(error, url, this.target.timeoutMs, signal);
    }
  }
}

/** Turns a fetch failure into a PleuraError a user can act on (never with credentials in it). */
function networkFailure(error: unknown, url: URL, timeoutMs: number, signal: AbortSignal | undefined): PleuraError {
  if (signal?.aborted) return new PleuraError('cancelled', say('job.cancelled'));
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PleuraError('timeout', say('pacs.timeout', { url: displayUrl(url), seconds: Math.round(timeoutMs / 1000) }));
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'].includes(code) && !/terminated/i.test((error as Error)?.message ?? '')) {
    return new PleuraError('unreachable', say('pacs.unreachableCode', { url: displayUrl(url), code }));
  }
  if (/terminated|other side closed|socket/i.test(`${(error as Error)?.message} ${cause?.message ?? ''} ${code}`)) {
    return new PleuraError('unreachable', say('pacs.cutOff', { url: displayUrl(url) }));
  }
  return new PleuraError('unreachable', say('pacs.unreachable', { url: displayUrl(url), detail: cause?.message ?? (error as Error)?.message ?? String(error) }));
}

/** A URL as it may be shown: scheme, host and path, never user info or a query. */
export function displayUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function joinUrl(root: string, path: string): string {
  return `${root.replace(/\/+$/, '')}/${path}`;
}

function parseJsonList(bytes: Uint8Array): DicomJson[] {
  if (bytes.length === 0) return [];
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(parsed)) throw new PleuraError('corrupt', say('pacs.notJsonList'));
  return parsed as DicomJson[];
}

/** Splits a multipart/related body into its parts' bodies (RFC 2046). */
export function parseMultipart(bytes: Uint8Array, contentType: string): Uint8Array[] {
  const match = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!match) throw new PleuraError('corrupt', say('pacs.notMultipart'));
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const delimiter = Buffer.from(`--${match[1]}`);
  const parts: Uint8Array[] = [];
  const cutOff = () => new PleuraError('corrupt', say('pacs.partCutOff'));
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    // Only the closing delimiter proves the answer is complete.
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return parts;
    const headersEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    if (headersEnd < 0) throw cutOff();
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd + 4);
    if (next < 0) throw cutOff();
    parts.push(new Uint8Array(body.subarray(headersEnd + 4, next)));
    at = next + 2;
  }
  throw cutOff();
}

/** The first value of a tag as a string ('' when absent); person names give their alphabetic form. */
export function stringOf(dataset: DicomJson, tag: string): string {
  const value = dataset[tag]?.Value?.[0];
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as { Alphabetic?: string }).Alphabetic ?? '');
  return String(value);
}

/** Every value of a tag as strings. */
export function stringsOf(dataset: DicomJson, tag: string): string[] {
  return (dataset[tag]?.Value ?? []).map((value) => (typeof value === 'object' && value ? String((value as { Alphabetic?: string }).Alphabetic ?? '') : String(value)));
}

/** The first value of a tag as a number, or null. */
export function numberOf(dataset: DicomJson, tag: string): number | null {
  const value = Number(dataset[tag]?.Value?.[0]);
  return dataset[tag]?.Value?.length && Number.isFinite(value) ? value : null;
}
