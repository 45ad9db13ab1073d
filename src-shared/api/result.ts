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

/** A failure as it crosses a transport. `reason` is a sentence for the user. */
export interface SerializedError {
  code: ErrorCode;
  reason: string;
  details?: Record<string, unknown>;
}

/** What every contract call resolves to on the renderer side. */
export type Result<T> = { ok: true; value: T } | ({ ok: false } & SerializedError);

/** An expected failure: thrown by services, turned into `{ ok: false }` by the transports. */
export class PleuraError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, reason: string, details?: Record<string, unknown>) {
    super(reason);
    this.name = 'PleuraError';
    this.code = code;
    this.details = details;
  }
}

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<T = never>(code: ErrorCode, reason: string, details?: Record<string, unknown>): Result<T> {
  return details ? { ok: false, code, reason, details } : { ok: false, code, reason };
}

/**
 * Turns anything thrown into a serialisable error. A {@link PleuraError} keeps its code and message;
 * anything else becomes `internal` (a bug), keeping its message so it can be reported.
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof PleuraError) {
    return error.details ? { code: error.code, reason: error.message, details: error.details } : { code: error.code, reason: error.message };
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
  throw new PleuraError(result.code, result.reason, result.details);
}
