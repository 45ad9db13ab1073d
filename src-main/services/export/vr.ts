/**
 * Checks values copied from a source DICOM file against their value representation (PS3.5 6.2), so
 * an export never copies an invalid value (a 56-character AccessionNumber, a date like '1995.07.20', a
 * pixel spacing of 0\0). Each returns the value when valid, else undefined (the caller drops it, or
 * writes an empty Type 2 value).
 */

/** Maximum lengths in characters of the string VRs that exports copy. */
const maxLength: Record<string, number> = { AE: 16, CS: 16, DS: 16, IS: 12, LO: 64, SH: 16, UI: 64, PN: 64, LT: 10240, ST: 1024 };

/** One value of a string VR: within its length, no backslash (value separator), no control characters. */
function text(value: unknown, vr: keyof typeof maxLength): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = String(value).trim();
  // ESC (0x1b) is allowed for ISO 2022 code extensions; every other control character is invalid here.
  if (s.length > maxLength[vr] || s.includes('\\') || [...s].some((c) => (c < ' ' && c !== '\u001b') || c === '\u007f')) return undefined;
  return s;
}

/** SH (short string, 16 characters): AccessionNumber, StudyID. */
export const shortString = (value: unknown): string | undefined => text(value, 'SH');
/** LO (long string, 64 characters): PatientID, descriptions. */
export const longString = (value: unknown): string | undefined => text(value, 'LO');

/** CS: upper-case letters, digits, space and underscore, 16 characters. */
export function codeString(value: unknown): string | undefined {
  const s = text(value, 'CS');
  return s !== undefined && /^[A-Z0-9 _]*$/.test(s) ? s : undefined;
}

/** DA: YYYYMMDD with a real month and day. */
export function date(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{8}$/.test(value)) return undefined;
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? value : undefined;
}

/** TM: HH[MM[SS[.F{1,6}]]] with real hours, minutes and seconds. */
export function time(value: unknown): string | undefined {
  const s = typeof value === 'string' ? value.trim() : '';
  return /^([01]\d|2[0-3])([0-5]\d([0-5]\d(\.\d{1,6})?)?)?$/.test(s) ? s : undefined;
}

/** UI: dot-separated numbers without leading zeros, 64 characters. */
export function uid(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 64 && /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(value) ? value : undefined;
}

/** PN as dcmjs naturalizes it ([{ Alphabetic }] or a string): each component group 64 characters. */
export function personName(value: unknown): { Alphabetic: string }[] | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const alphabetic = typeof first === 'string' ? first : (first as { Alphabetic?: unknown } | undefined)?.Alphabetic;
  const s = text(typeof alphabetic === 'string' ? alphabetic.split('=')[0] : undefined, 'PN');
  return s === undefined ? undefined : [{ Alphabetic: s }];
}

/** PatientSex: M, F or O only. */
export function patientSex(value: unknown): string | undefined {
  const s = codeString(value);
  return s === 'M' || s === 'F' || s === 'O' ? s : undefined;
}

/** A DS value dcmjs can write within 16 characters: finite, and written with at most 16 characters. */
function decimal(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value.trim()) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n)) return undefined;
  return String(n).length <= 16 ? n : Number(n.toPrecision(10));
}

/** PixelSpacing / ImagerPixelSpacing: two positive decimals (row, column) in mm, else undefined. */
export function pixelSpacing(value: unknown): [number, number] | undefined {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split('\\') : [];
  if (values.length !== 2) return undefined;
  const [row, column] = values.map(decimal);
  return row !== undefined && column !== undefined && row > 0 && column > 0 && row < 100 && column < 100 ? [row, column] : undefined;
}

/** PatientOrientation: two CS values (row, column direction: letters A P R L H F), else undefined. */
export function patientOrientation(value: unknown): string[] | undefined {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split('\\') : [];
  return values.length === 2 && values.every((v) => typeof v === 'string' && /^[APRLHF]{1,3}$/.test(v)) ? (values as string[]) : undefined;
}

/** IS: an integer within 12 characters. */
export function integerString(value: unknown): string | undefined {
  const s = text(value, 'IS');
  return s !== undefined && /^[+-]?\d+$/.test(s) ? String(Number(s)) : undefined;
}
