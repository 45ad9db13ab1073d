import { z } from 'zod';
import type { Said } from './text';

/** How Pleura authenticates to a DICOMweb server. */
export type PacsAuthKind = 'none' | 'basic' | 'bearer';
export const pacsAuthKinds = ['none', 'basic', 'bearer'] as const satisfies readonly PacsAuthKind[];

/**
 * A PACS connection as the renderer sees it: never the password or token, only whether one is kept
 * (in the OS keychain on the desktop, in a 0600 file in serve mode and on the command line).
 */
export interface PacsConnection {
  id: string;
  name: string;
  /** DICOMweb root, e.g. `https://pacs.example.org/dicom-web` (QIDO, WADO and STOW below it). */
  baseUrl: string;
  /** Override of the QIDO-RS root when a server splits its services (else `baseUrl`). */
  qidoUrl?: string;
  /** Override of the WADO-RS root (else `baseUrl`). */
  wadoUrl?: string;
  /** Override of the STOW-RS root (else `baseUrl`). */
  stowUrl?: string;
  auth: PacsAuthKind;
  /** User name for basic auth. */
  user?: string;
  /** True when a password (basic) or token (bearer) is stored for this connection. */
  hasSecret: boolean;
  /** Time-out of one request, in milliseconds. */
  timeoutMs: number;
}

/**
 * What a settings form saves: a connection without what the server decides (`hasSecret`), its id and
 * time-out optional; `secret` omitted keeps the stored one, an empty string removes it.
 */
export type PacsConnectionInput = Omit<PacsConnection, 'id' | 'hasSecret' | 'timeoutMs'> & {
  id?: string;
  secret?: string;
  timeoutMs?: number;
};

/** A study search (QIDO-RS). Dates are YYYYMMDD; `modalities` defaults to CR and DX. */
export interface PacsQuery {
  patientId?: string;
  /** Matched with DICOM wildcards (`*`, `?`); a plain name matches as a prefix. */
  patientName?: string;
  studyDateFrom?: string;
  studyDateTo?: string;
  modalities?: string[];
  accession?: string;
  /** Most studies to return (default 100). */
  limit?: number;
}

/** One study found by QIDO-RS. Counts are null when the server does not give them. */
export interface PacsStudy {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  /** YYYYMMDD or empty. */
  studyDate: string;
  description: string;
  accession: string;
  modalities: string[];
  seriesCount: number | null;
  instanceCount: number | null;
}

/** Why an instance of a study is listed but not imported as a film. */
export type PacsSkipKind = 'seg' | 'sr' | 'non-image' | 'lateral' | 'modality';

/** One instance of a study, classified from its WADO-RS metadata. */
export interface PacsInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  modality: string;
  /** View Position (0018,5101), e.g. PA, AP, LL. */
  viewPosition: string;
  /** Null when it will be imported as a film, else why not. */
  skip: PacsSkipKind | null;
  /** The project image already holding this instance (a retrieve skips it). */
  imageId: string | null;
}

/** One series of a study with its instances. */
export interface PacsSeries {
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  description: string;
  instances: PacsInstance[];
}

/** What a retrieve did, per SOP Instance UID. */
export interface PacsRetrieveReport {
  studyInstanceUid: string;
  imported: { sopInstanceUid: string; imageId: string }[];
  /** Already in the project (by SOP Instance UID or identical bytes): not fetched or not added again. */
  alreadyInProject: { sopInstanceUid: string; imageId: string }[];
  /** Listed but not films (SEG, SR, other non-image objects, lateral views, other modalities). */
  skipped: { sopInstanceUid: string; kind: PacsSkipKind }[];
  /** Could not be fetched or decoded; the reason is a sentence for the user. */
  failed: ({ sopInstanceUid: string; code: string } & Said)[];
}

/** What a send did: SEG and SR objects stored with STOW-RS, per image. */
export interface PacsSendReport {
  sent: { imageId: string; segSopInstanceUid: string; srSopInstanceUid: string }[];
  skipped: ({ imageId: string } & Said)[];
}

/** Where a project image came from when it was retrieved from a PACS (kept in the project and the log). */
export interface PacsProvenance {
  /** The DICOMweb root it was retrieved from (no credentials). */
  server: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

/** PACS over DICOMweb: connections, study search, retrieve into the open project, send results. */
export interface PacsApi {
  connections(): Promise<PacsConnection[]>;
  saveConnection(input: PacsConnectionInput): Promise<PacsConnection>;
  removeConnection(id: string): Promise<void>;
  /** QIDO-RS study search. */
  searchStudies(connectionId: string, query: PacsQuery): Promise<PacsStudy[]>;
  /** The study's series and instances, classified (films, SEG/SR, non-image, lateral). */
  listSeries(connectionId: string, studyInstanceUid: string): Promise<PacsSeries[]>;
  /** Starts a WADO-RS retrieve job into the open project; the job's result is a {@link PacsRetrieveReport}. */
  retrieve(connectionId: string, options: { studyInstanceUid: string; seriesInstanceUids?: string[] }): Promise<{ jobId: string }>;
  /** Starts a STOW-RS job sending SEG + SR of the given images (default: every approved one); result {@link PacsSendReport}. */
  send(connectionId: string, options: { imageIds?: string[] }): Promise<{ jobId: string }>;
}

const optionalText = z.string().max(256).optional();
const dicomDate = z.string().regex(/^\d{8}$/, 'expected YYYYMMDD').optional();
const uid = z.string().regex(/^[0-9.]{1,64}$/, 'expected a DICOM UID');
const httpUrl = z.string().url().max(2048).refine((value) => /^https?:\/\//i.test(value), 'expected an http(s) URL');

export const pacsSchemas = {
  connections: z.tuple([]),
  saveConnection: z.tuple([
    z.object({
      id: z.string().min(1).max(64).optional(),
      name: z.string().min(1).max(128),
      baseUrl: httpUrl,
      qidoUrl: httpUrl.optional(),
      wadoUrl: httpUrl.optional(),
      stowUrl: httpUrl.optional(),
      auth: z.enum(pacsAuthKinds),
      user: optionalText,
      secret: z.string().max(8192).optional(),
      timeoutMs: z.number().int().min(1000).max(600_000).optional(),
    }),
  ]),
  removeConnection: z.tuple([z.string().min(1)]),
  searchStudies: z.tuple([
    z.string().min(1),
    z.object({
      patientId: optionalText,
      patientName: optionalText,
      studyDateFrom: dicomDate,
      studyDateTo: dicomDate,
      modalities: z.array(z.string().regex(/^[A-Z]{1,16}$/)).max(16).optional(),
      accession: optionalText,
      limit: z.number().int().positive().max(1000).optional(),
    }),
  ]),
  listSeries: z.tuple([z.string().min(1), uid]),
  retrieve: z.tuple([z.string().min(1), z.object({ studyInstanceUid: uid, seriesInstanceUids: z.array(uid).optional() })]),
  send: z.tuple([z.string().min(1), z.object({ imageIds: z.array(z.string().min(1)).optional() })]),
};
