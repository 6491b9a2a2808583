/**
 * Arrow IPC files on disk: read either IPC flavour, write either.
 *
 * The IPC *file* format (`.arrow`, Feather v2) starts and ends with the magic
 * `ARROW1` and has a footer for random access; the *stream* format (`.arrows`)
 * is a plain sequence of messages, each starting with the continuation marker
 * 0xFFFFFFFF (or, in the pre-1.0 format, directly with a positive int32
 * metadata length). apache-arrow's `tableFromIPC` reads both.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { FormatError } from '../core/errors.js';
import { ArrowMetadataError, checkArrowMetadata, checkTableData } from './arrow-check.js';
import { invalid, oneOf, optional, plainObject } from '../core/validate.js';

/** Options for {@link writeArrow}. */
export interface WriteArrowOptions {
  /** `'file'` (random-access, with footer; default) or `'stream'`. */
  format?: 'file' | 'stream';
}

const MAGIC = Buffer.from('ARROW1');

/** True when the bytes start like an Arrow IPC file or stream. */
function looksLikeArrow(buf: Buffer): boolean {
  if (buf.length >= 6 && buf.subarray(0, 6).equals(MAGIC)) return true;
  if (buf.length < 8) return false;
  const first = buf.readInt32LE(0);
  // Stream: continuation marker then metadata length; legacy: length directly.
  if (first === -1) return buf.readInt32LE(4) > 0;
  return first > 0 && first <= buf.length;
}

/**
 * The table of IPC bytes. The metadata is bounds-checked first (arrow-check.ts:
 * a corrupt vector length would make apache-arrow exhaust the heap), and the
 * file format is read block by block from its footer: apache-arrow's own loop
 * (tableFromIPC) re-reads a footer block that does not hold a record batch
 * forever, so a corrupt footer would hang the process; here such a block is a
 * FormatError.
 */
function tableFromBytes(buf: Buffer): arrow.Table {
  try {
    checkArrowMetadata(buf, buf.subarray(0, 6).equals(MAGIC));
  } catch (err) {
    if (err instanceof ArrowMetadataError) throw new FormatError(err.message);
    throw err;
  }
  const reader = arrow.RecordBatchReader.from(buf);
  if (!reader.isFile()) return checkData(new arrow.Table(reader.readAll()));
  reader.open();
  const count = reader.numRecordBatches;
  // Every block is at least a message length and an 8-byte-aligned metadata record.
  if (count > buf.length / 16) throw new FormatError(`its footer lists ${count} record batches, more than its ${buf.length} bytes can hold`);
  const batches: arrow.RecordBatch[] = [];
  for (let i = 0; i < count; i++) {
    const batch = reader.readRecordBatch(i);
    if (batch === null) throw new FormatError(`block ${i} of its footer does not hold a record batch`);
    batches.push(batch);
  }
  return checkData(new arrow.Table(reader.schema, batches));
}

/** The table, if its columns' buffers hold the rows they claim (arrow-check.ts). */
function checkData(table: arrow.Table): arrow.Table {
  try {
    checkTableData(table);
  } catch (err) {
    if (err instanceof ArrowMetadataError) throw new FormatError(err.message);
    throw err;
  }
  return table;
}

/**
 * Read an Arrow IPC file (`.arrow` / Feather v2) or stream (`.arrows`) into a
 * table. The format is detected from the bytes, not from the file name.
 *
 * @param path file path
 * @returns the table (all record batches of the file)
 * @throws {FormatError} the file cannot be read (names the path), is empty,
 *   or is not valid Arrow IPC (corrupt or truncated)
 * @throws {InvalidArgumentError} `path` is not a non-empty string
 * @example
 * const table = await readArrow('prices.arrow');
 * table.getChild('Close')!.toArray(); // Float64Array
 */
export async function readArrow(path: string): Promise<arrow.Table> {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'non-empty string', path);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new FormatError(`Cannot read Arrow file ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
  }
  if (!looksLikeArrow(buf)) {
    throw new FormatError(
      `Arrow file ${JSON.stringify(path)} is not Arrow IPC: ` +
        (buf.length === 0 ? 'the file is empty' : 'it starts with neither the ARROW1 magic nor an IPC stream message'),
    );
  }
  let table: arrow.Table;
  try {
    table = tableFromBytes(buf);
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(`Arrow file ${JSON.stringify(path)} is corrupt or truncated: ${err.message}`);
    throw new FormatError(`Arrow file ${JSON.stringify(path)} is corrupt or truncated: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return table;
}

/**
 * Write a table as an Arrow IPC file or stream.
 *
 * Use `'file'` for files read back whole or memory-mapped (pyarrow
 * `pa.ipc.open_file`, `pd.read_feather`); `'stream'` for pipes and for
 * readers that consume batch by batch (`pa.ipc.open_stream`).
 *
 * @param table the table to write
 * @param path destination; overwritten if it exists
 * @param options `format`: `'file'` (default) or `'stream'`
 * @throws {InvalidArgumentError} `table` is not an Arrow Table, bad path or format
 * @throws {Error} Node's file-system error (`ENOENT`, `EACCES`, ...) when the file cannot be written
 * @example
 * await writeArrow(table, 'prices.arrows', { format: 'stream' });
 */
export async function writeArrow(table: arrow.Table, path: string, options?: WriteArrowOptions): Promise<void> {
  if (!(table instanceof arrow.Table)) throw invalid('table', 'apache-arrow Table', table);
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'non-empty string', path);
  const o = optional(options, {} as Record<string, unknown>, (v) => plainObject('options', v));
  const format = optional(o.format, 'file' as const, (v) => oneOf('options.format', v, ['file', 'stream'] as const));
  // File-system failures (missing directory, permissions) surface as Node's
  // own errors, which carry `code` and the path.
  await writeFile(path, arrow.tableToIPC(table, format));
}
