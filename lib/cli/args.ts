/** Small helpers shared by the CLI commands. */
import { extname } from 'node:path';
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { readArrow } from '../data/arrow-io.js';
import { readCsv } from '../data/csv.js';

/** "START,END" -> [start, end] (ISO dates or datetimes, UTC). */
export function parseRange(name: string, value: string): [string, string] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new InvalidArgumentError(name, `Expected START,END (e.g. 2017-01-01,2017-05-31) for ${name} but received "${value}"`);
  }
  return [parts[0], parts[1]];
}

export function parseIntOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(name, `Expected positive integer for ${name} but received "${value}"`);
  return n;
}

export function parseSeedOption(name: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(name, `Expected non-negative integer for ${name} but received "${value}"`);
  return n;
}

export function parseNumberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(name, `Expected positive number for ${name} but received "${value}"`);
  return n;
}

/** Reads CSV (optionally .gz) or Arrow IPC (.arrow, .arrows, .feather, .ipc) by extension. */
export async function readTable(path: string): Promise<arrow.Table> {
  const ext = extname(path).toLowerCase();
  return ['.arrow', '.arrows', '.feather', '.ipc'].includes(ext) ? readArrow(path) : readCsv(path);
}

export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
