/**
 * The safetensors container (https://github.com/huggingface/safetensors):
 * 8-byte little-endian header length N, N bytes of UTF-8 JSON header, then
 * the tensor bytes. The header maps each tensor name to { dtype, shape,
 * data_offsets: [begin, end) } within the tensor bytes, and "__metadata__"
 * to a string -> string map.
 *
 * Reading validates the container completely, so no entry can point a
 * tensor at bytes that are not its own: JSON without duplicate keys, every
 * entry exactly { dtype: 'F32', shape, data_offsets } with non-negative
 * integer sizes, offsets that are integers within the data, an extent equal
 * to the shape's element count, and entries that tile the data exactly (in
 * offset order each begins where the previous one ended, the first at 0 and
 * the last at the end: no overlaps, no holes, no trailing bytes), as the
 * format's specification requires. flowcast writes only F32.
 */
import { FormatError } from '../core/errors.js';
import { parseJsonStrict } from './strict-json.js';

/** The specification's limit on the header (100 MB), which also bounds the JSON parse. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  dtype: 'F32';
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsContents {
  /** The parsed header (entries and __metadata__), in file order. */
  header: Record<string, unknown>;
  metadata: Record<string, string>;
  /** Tensor entries by name, validated. */
  tensors: Map<string, TensorEntry>;
  /** The tensor bytes (after the header). */
  data: Uint8Array;
}

/** Encodes named F32 tensors (laid out in the given order) and string metadata. */
export function encodeSafetensors(tensors: { name: string; shape: number[]; values: Float32Array }[], metadata: Record<string, string>): Buffer {
  const { header, data } = layoutSafetensors(tensors);
  return encodeWithHeader({ ...header, __metadata__: metadata }, data);
}

/** The header entries and the tensor bytes for `tensors`, before any metadata is added. */
export function layoutSafetensors(tensors: { name: string; shape: number[]; values: Float32Array }[]): {
  header: Record<string, TensorEntry>;
  data: Buffer;
} {
  const header: Record<string, TensorEntry> = {};
  let end = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [end, end + t.values.byteLength] };
    end += t.values.byteLength;
  }
  const data = Buffer.concat(tensors.map((t) => new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength)));
  return { header, data };
}

/** The file bytes for a complete header object and the tensor bytes. */
export function encodeWithHeader(header: Record<string, unknown>, data: Uint8Array): Buffer {
  let json = JSON.stringify(header);
  // Pad the header with spaces so tensor data starts 8-byte aligned (the specification allows it).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([length, head, data]);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates a safetensors file.
 * @param what names the file in messages, e.g. "model file btc.safetensors"
 * @throws FormatError naming what is wrong
 */
export function decodeSafetensors(bytes: Uint8Array, what: string): SafetensorsContents {
  const fail = (why: string) => new FormatError(`Cannot load ${what}: ${why}`);
  if (bytes.length < 8) throw fail(`it is truncated (${bytes.length} bytes; a safetensors file has at least 8)`);
  const n = Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64LE(0);
  if (n > BigInt(bytes.length - 8)) {
    throw fail(`it is truncated or not a safetensors file (header length ${n} exceeds the ${bytes.length - 8} bytes after it)`);
  }
  if (n > BigInt(MAX_HEADER_BYTES)) throw fail(`its header length ${n} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(8, 8 + Number(n)));
  } catch {
    throw fail('its header is not valid UTF-8 (corrupt file)');
  }
  let header: unknown;
  try {
    header = parseJsonStrict(text);
  } catch (err) {
    throw fail(`its header is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(header)) throw fail(`its header is ${header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header}, not a JSON object`);
  const data = bytes.subarray(8 + Number(n));

  const metadata = header.__metadata__ ?? {};
  if (!isPlainObject(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    throw fail('its __metadata__ is not an object of string values');
  }
  const tensors = new Map<string, TensorEntry>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    tensors.set(name, checkEntry(name, entry, data.length, fail));
  }
  // The entries must tile the data: sorted by offset, each starts where the last ended.
  const ordered = [...tensors].sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  let end = 0;
  for (const [name, e] of ordered) {
    if (e.data_offsets[0] !== end) {
      throw fail(
        e.data_offsets[0] < end
          ? `tensor '${name}' at [${e.data_offsets}] overlaps the tensor before it, which ends at byte ${end}`
          : `bytes ${end}..${e.data_offsets[0]} before tensor '${name}' belong to no tensor`,
      );
    }
    end = e.data_offsets[1];
  }
  if (end !== data.length) throw fail(`its tensors cover ${end} of the ${data.length} data bytes (trailing bytes belong to no tensor)`);
  return { header, metadata: metadata as Record<string, string>, tensors, data };
}

function checkEntry(name: string, entry: unknown, dataLength: number, fail: (why: string) => FormatError): TensorEntry {
  const describe = `tensor '${name}'`;
  if (!isPlainObject(entry)) throw fail(`${describe} is not an object with dtype, shape and data_offsets`);
  const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
  if (extra.length > 0) throw fail(`${describe} has an unknown field '${extra[0]}'`);
  if (entry.dtype !== 'F32') throw fail(`${describe} has dtype ${JSON.stringify(entry.dtype)}, expected "F32"`);
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every(isSize)) throw fail(`${describe} has shape ${JSON.stringify(shape)}, expected an array of non-negative integers`);
  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    throw fail(`${describe} has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) throw fail(`${describe} has data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes`);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== elements * 4) {
    throw fail(`${describe} spans ${end - begin} bytes but its shape [${shape.join(', ')}] needs ${elements * 4} (F32)`);
  }
  return { dtype: 'F32', shape: shape as number[], data_offsets: [begin, end] };
}

/** A tensor's values as a fresh (aligned) Float32Array. */
export function readF32(contents: SafetensorsContents, entry: TensorEntry): Float32Array {
  const [begin, end] = entry.data_offsets;
  const copy = new Uint8Array(end - begin);
  copy.set(contents.data.subarray(begin, end));
  return new Float32Array(copy.buffer);
}
