/**
 * Time parsing shared by the data layer. Everything is epoch milliseconds in
 * UTC: a date without a zone is read as UTC (not local time), so results do
 * not depend on the machine's TZ setting, and they match pandas, whose
 * `Timestamp("2017-01-02")` is naive and compares to UTC epoch-derived indexes.
 */
import { invalid } from '../core/validate.js';

// YYYY-MM[-DD][( |T)HH:MM[:SS[.fff]]][Z|±HH[:]MM]
const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse an ISO-8601 date or date-time as UTC epoch milliseconds, or NaN.
 *
 * Accepts `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (space or
 * `T`), with an optional `Z` or `±HH:MM` offset; without an offset the time
 * is UTC. Calendar fields are range-checked (`2017-02-30` is NaN).
 *
 * @param text the date string
 * @returns epoch milliseconds, or NaN when the text is not such a date
 * @example
 * parseIsoUtc('2017-01-02');          // 1483315200000
 * parseIsoUtc('2017-01-02 00:01:00'); // 1483315260000
 */
export function parseIsoUtc(text: string): number {
  const m = ISO.exec(text.trim());
  if (m === null) return NaN;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = m[3] === undefined ? 1 : +m[3];
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const ms = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return NaN;
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2017-02-30 over to March; reject instead.
  if (new Date(t).getUTCDate() !== day) return NaN;
  if (m[8] === undefined || m[8] === 'Z') return t;
  const sign = m[8][0] === '-' ? -1 : 1;
  const digits = m[8].slice(1).replace(':', '');
  return t - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
}

/**
 * Convert a time bound to epoch milliseconds: a `Date`, an ISO string read
 * as UTC (a date-only string is midnight UTC), or a number of epoch ms.
 *
 * @param value the bound
 * @param name the argument name for the error message
 * @returns epoch milliseconds
 * @throws {InvalidArgumentError} an invalid Date, an unparseable string, a
 *   non-finite number, or any other type
 * @example
 * toEpochMs('2017-06-01', 'start'); // 1496275200000
 */
export function toEpochMs(value: unknown, name: string): number {
  let t = NaN;
  if (value instanceof Date) t = value.getTime();
  else if (typeof value === 'number') t = value;
  else if (typeof value === 'string') t = parseIsoUtc(value);
  if (!Number.isFinite(t)) throw invalid(name, 'Date, ISO date string (UTC) or epoch milliseconds', value);
  return t;
}

/** The largest |epoch ms| a JavaScript Date can hold (ECMA-262: 10^8 days either side of 1970). */
export const MAX_DATE_MS = 8.64e15;

/** A timestamp for messages: ISO text when representable, else raw ms. */
export function showTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : String(ms);
}
