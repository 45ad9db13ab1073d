import { TextDecoder } from 'node:util';
import type { DataSet } from 'dicom-parser';

/**
 * Specific Character Set (0008,0005) terms to WHATWG encoding labels (PS3.3 C.12.1.1.2). ISO 2022 code
 * extensions are decoded with the single-byte set of their first term, which covers the Latin, Cyrillic,
 * Greek, Arabic, Hebrew and Thai sets seen in practice.
 */
const ENCODINGS: Record<string, string> = {
  'ISO_IR 6': 'utf-8',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
  'ISO 2022 IR 6': 'utf-8',
  'ISO 2022 IR 100': 'latin1',
  'ISO 2022 IR 101': 'iso-8859-2',
  'ISO 2022 IR 109': 'iso-8859-3',
  'ISO 2022 IR 110': 'iso-8859-4',
  'ISO 2022 IR 144': 'iso-8859-5',
  'ISO 2022 IR 127': 'iso-8859-6',
  'ISO 2022 IR 126': 'iso-8859-7',
  'ISO 2022 IR 138': 'iso-8859-8',
  'ISO 2022 IR 148': 'iso-8859-9',
  'ISO 2022 IR 203': 'iso-8859-15',
  'ISO 2022 IR 13': 'shift_jis',
  'ISO 2022 IR 166': 'windows-874',
  'ISO 2022 IR 87': 'iso-2022-jp',
  'ISO 2022 IR 149': 'euc-kr',
  'ISO 2022 IR 58': 'gb18030',
};

/** Decodes text elements of one dataset with its declared character set. */
export class TextReader {
  private readonly decoder: TextDecoder;

  constructor(private readonly dataSet: DataSet) {
    const declared = (dataSet.string('x00080005') ?? '').split('\\').map((term) => term.trim()).find((term) => term.length > 0);
    // With no character set declared the default repertoire is ASCII; bytes above 127 (undeclared
    // CP1251, Latin-1...) are shown as Latin-1 rather than replacement marks.
    const label = (declared && ENCODINGS[declared]) || 'latin1';
    this.decoder = new TextDecoder(label, { fatal: false });
  }

  /** The element's value as text (all values, `\` separated), trailing spaces and NULs removed. */
  raw(tag: string): string | undefined {
    const element = this.dataSet.elements[tag];
    if (!element || element.length <= 0 || element.length === 0xffffffff) return undefined;
    const bytes = this.dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    const text = this.decoder.decode(bytes).replace(/[\0 ]+$/, '').trim();
    return text.length > 0 ? text : undefined;
  }

  /** First value of a multi-valued text element. */
  first(tag: string): string | undefined {
    return this.raw(tag)?.split('\\')[0]?.trim() || undefined;
  }

  /** A person name: alphabetic group only, components joined with spaces ("DOE^JOHN" → "DOE JOHN"). */
  personName(tag: string): string | undefined {
    const alphabetic = this.raw(tag)?.split('=')[0] ?? '';
    const name = alphabetic.split('^').map((part) => part.trim()).filter(Boolean).join(' ');
    return name || undefined;
  }

  /** A DA value as ISO 8601 (YYYY-MM-DD); other forms are returned as they are. */
  date(tag: string): string | undefined {
    const value = this.first(tag);
    const match = value?.match(/^(\d{4})\.?(\d{2})\.?(\d{2})$/);
    return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
  }
}

/** All numeric values of a DS/IS element (`\` separated), skipping unparsable ones. */
export function decimalValues(dataSet: DataSet, tag: string): number[] {
  const element = dataSet.elements[tag];
  if (!element || element.length <= 0) return [];
  const text = dicomString(dataSet, tag) ?? '';
  return text.split('\\').map((value) => Number.parseFloat(value)).filter((value) => Number.isFinite(value));
}

/** ASCII value of an element (all values, trailing padding removed). */
export function dicomString(dataSet: DataSet, tag: string): string | undefined {
  const element = dataSet.elements[tag];
  if (!element || element.length <= 0 || element.length === 0xffffffff) return undefined;
  let text = '';
  const end = Math.min(dataSet.byteArray.length, element.dataOffset + element.length);
  for (let i = element.dataOffset; i < end; i++) text += String.fromCharCode(dataSet.byteArray[i]);
  text = text.replace(/[\0 ]+$/, '').trim();
  return text.length > 0 ? text : undefined;
}
