import { useI18n } from 'vue-i18n';
import type { PixelSpacing } from '../../../src-shared/api';
import type { Said } from '../../../src-shared/api/text';
import { spacingLabel } from '../../../src-shared/imaging/spacing';
import { showSaid } from '../i18n/server';

/** Units the UI shows; their symbols are translated (px → пкс, cm² → см²). */
export type Unit = 'px' | 'px2' | 'mm' | 'cm' | 'cm2' | 's' | 'min' | 'h';

/**
 * Numbers, quantities with units, durations and dates in the UI's language through Intl: a Russian user
 * reads "185,6 см²" and "02.12.2026, 01:05", an English one "185.6 cm²" and "Dec 2, 2026, 1:05 AM".
 * Reads the i18n locale on every call, so a template re-renders when the language changes.
 */
export function useFormat() {
  const { t, locale } = useI18n();

  /** A number with exactly `decimals` decimals, or an em dash for null/NaN. */
  function number(value: number | null | undefined, decimals = 1): string {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    return new Intl.NumberFormat(locale.value, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
  }

  /** A share in percent as the language writes it: "45%" in English, "45 %" in Russian. `value` is 0..100. */
  function percent(value: number | null | undefined): string {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    return new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
  }

  /** "185.6 cm²", "40 px"; an em dash alone when the value is unknown. */
  function quantity(value: number | null | undefined, unit: Unit, decimals = 1): string {
    const text = number(value, decimals);
    return text === '—' ? text : `${text} ${t(`units.${unit}`)}`;
  }

  /** "1 h 02 min", "3 min 05 s", "12 s"; an em dash when unknown. */
  function duration(ms: number | null | undefined): string {
    if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
    const totalSeconds = Math.round(ms / 1000);
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    const pad = (n: number) => String(n).padStart(2, '0');
    if (hours > 0) return `${hours} ${t('units.h')} ${pad(minutes)} ${t('units.min')}`;
    if (minutes > 0) return `${minutes} ${t('units.min')} ${pad(seconds)} ${t('units.s')}`;
    return `${seconds} ${t('units.s')}`;
  }

  /** Date and time of an ISO timestamp in the UI's conventions; the text itself when it does not parse. */
  function dateTime(iso: string): string {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  }

  /** A calendar date: DICOM's YYYYMMDD or an ISO date; the text itself when it is neither. */
  function date(value: string | null | undefined): string {
    if (!value) return '—';
    const dicom = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
    const parsed = dicom ? new Date(Date.UTC(+dicom[1], +dicom[2] - 1, +dicom[3])) : new Date(value);
    return Number.isNaN(parsed.getTime()) ? value : new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeZone: 'UTC' }).format(parsed);
  }

  /** Where a spacing comes from, translated; a detail main added (calibration type) stays as it is. */
  function spacingSource(spacing: Pick<PixelSpacing, 'source' | 'label'>): string {
    const base = spacingLabel(spacing.source);
    const detail = spacing.label.startsWith(base) ? spacing.label.slice(base.length) : '';
    return `${t(`metadata.spacingSources.${spacing.source}`)}${detail}`;
  }

  /** A sentence from main (a rejection, a warning, a job's line) in the UI's language when main gave its key. */
  function said(value: Said | string | null | undefined): string {
    return showSaid(value, locale.value);
  }

  return { number, percent, quantity, duration, dateTime, date, spacingSource, said };
}
