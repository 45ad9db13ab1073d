import { englishOf, type Said, type ServerText, type TextParam } from './text';

/**
 * Expected failures travel as values: every contract call resolves to a {@link Result}.
 * Handlers throw {@link PleuraError} for failures a user can cause (bad file, missing image, disk full);
 * anything else is a bug and is reported with code `internal`.
 */

/** Stable, machine-readable failure kinds shown to users through their `reason`. */
export type ErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'unsupported'
  | 'corrupt'
  | 'conflict'
  | 'io'
  | 'disk-full'
  | 'cancelled'
  | 'forbidden'
  | 'no-project'
  /** An outside server (a PACS) could not be reached. */
  | 'unreachable'
  /** An outside server refused the credentials (HTTP 401/403). */
  | 'unauthorized'
  /** An outside server did not answer in time. */
  | 'timeout'
  | 'internal';

/**
 * A failure as it crosses a transport. `reason` is a sentence for the user in English; `text`, when
 * main gave one, is the same sentence by key, which the renderer shows in the user's language.
 */
export interface SerializedError {
  code: ErrorCode;
  reason: string;
  text?: ServerText;
  details?: Record<string, unknown>;
}

/** What every contract call resolves to on the renderer side. */
export type Result<T> = { ok: true; value: T } | ({ ok: false } & SerializedError);

/** An expected failure: thrown by services, turned into `{ ok: false }` by the transports. */
export class PleuraError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** The sentence by key (see ./text), when the thrower gave one; `message` is its English. */
  readonly text?: ServerText;

  constructor(code: ErrorCode, reason: string | ServerText, details?: Record<string, unknown>) {
    super(typeof reason === 'string' ? reason : englishOf(reason));
    this.name = 'PleuraError';
    this.code = code;
    this.details = details;
    if (typeof reason !== 'string') this.text = reason;
  }
}

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<T = never>(code: ErrorCode, reason: string | ServerText, details?: Record<string, unknown>): Result<T> {
  return { ok: false, ...serializeError(new PleuraError(code, reason, details)) };
}

/**
 * Turns anything thrown into a serialisable error. A {@link PleuraError} keeps its code and message;
 * anything else becomes `internal` (a bug), keeping its message so it can be reported.
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof PleuraError) {
    return { code: error.code, reason: error.message, ...(error.text ? { text: error.text } : {}), ...(error.details ? { details: error.details } : {}) };
  }
  if (isSerializedError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', reason: `Internal error: ${message}` };
}

function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value && !(value instanceof Error);
}

/** Unwraps a result, throwing a {@link PleuraError} for failures (handy in scripts and tests). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new PleuraError(result.code, result.text ?? result.reason, result.details);
}

/** What a failure says, as report items carry it: its sentence by key when it has one, else its message. */
export function saidOf(error: unknown): Said {
  if (error instanceof PleuraError) return error.text ? { reason: error.message, text: error.text } : { reason: error.message };
  return { reason: error instanceof Error ? error.message : String(error) };
}

/** What a failure says, as a parameter of a longer sentence. */
export function textOf(error: unknown): TextParam {
  if (error instanceof PleuraError) return error.text ?? error.message;
  return error instanceof Error ? error.message : String(error);
}
