/**
 * Bounds checks on Arrow IPC metadata before apache-arrow decodes it.
 *
 * apache-arrow trusts the flatbuffer metadata: a corrupt vector length (the
 * field nodes or buffers of a record batch, the fields of a schema, the
 * blocks of a file footer) makes it build that many objects, reading past
 * the end of the buffer as zeros, until the process runs out of memory and
 * aborts. So every vector apache-arrow decodes element by element is
 * checked here to lie inside its message, tables recurse at most
 * MAX_DEPTH levels deep, and every message and body lies inside the file.
 *
 * Layout (Arrow's format/Message.fbs, Schema.fbs, File.fbs; flatbuffers):
 * a table starts with an int32 offset back to its vtable; vtable slot i
 * (byte 4 + 2i) holds the field's offset in the table, 0 when absent; a
 * vector or table field holds a uint32 offset, relative to itself, to the
 * vector (uint32 length, then elements) or table.
 */
import * as arrow from 'apache-arrow';

/** Nested fields (struct / list children) deeper than any real schema. */
const MAX_DEPTH = 64;

/** Thrown on a violated bound; arrow-io turns it into a FormatError naming the file. */
export class ArrowMetadataError extends Error {}

class Flatbuffer {
  readonly #view: DataView;
  constructor(
    bytes: Uint8Array,
    readonly what: string,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.#view.byteLength;
  }

  fail(why: string): never {
    throw new ArrowMetadataError(`${this.what} ${why}`);
  }

  #u32(at: number): number {
    if (at < 0 || at + 4 > this.length) this.fail(`points outside itself (byte ${at} of ${this.length})`);
    return this.#view.getUint32(at, true);
  }

  /** The position of the root table. */
  root(): number {
    return this.table(0);
  }

  /** The table a uoffset at `at` points to, with its vtable in bounds. */
  table(at: number): number {
    const table = at + this.#u32(at);
    const vtable = table - this.#view.getInt32(this.#inBounds(table, 4), true);
    const size = this.#view.getUint16(this.#inBounds(vtable, 4), true);
    this.#inBounds(vtable, size);
    return table;
  }

  /** Where field `slot` (vtable byte 4 + 2 slot) of a table is, or 0 when absent. */
  field(table: number, slot: number): number {
    const vtable = table - this.#view.getInt32(table, true);
    const size = this.#view.getUint16(vtable, true);
    const entry = 4 + 2 * slot;
    if (entry + 2 > size) return 0;
    const offset = this.#view.getUint16(vtable + entry, true);
    return offset === 0 ? 0 : this.#inBounds(table + offset, 4);
  }

  /** The element count of the vector field `slot`, checked to fit in the buffer, and where its elements start. */
  vector(table: number, slot: number, elementBytes: number, name: string): { count: number; start: number } {
    const at = this.field(table, slot);
    if (at === 0) return { count: 0, start: 0 };
    const vector = at + this.#u32(at);
    const count = this.#u32(vector);
    if (vector + 4 + count * elementBytes > this.length) this.fail(`claims ${count} ${name}, more than its ${this.length} bytes can hold`);
    return { count, start: vector + 4 };
  }

  /** The union or table field `slot` as a table position, or 0 when absent. */
  child(table: number, slot: number): number {
    const at = this.field(table, slot);
    return at === 0 ? 0 : this.table(at);
  }

  int64(table: number, slot: number): number {
    const at = this.field(table, slot);
    if (at === 0) return 0;
    this.#inBounds(at, 8);
    return Number(this.#view.getBigInt64(at, true));
  }

  uint8(table: number, slot: number): number {
    const at = this.field(table, slot);
    return at === 0 ? 0 : this.#view.getUint8(at);
  }

  #inBounds(at: number, size: number): number {
    if (!(at >= 0 && at + size <= this.length)) this.fail(`points outside itself (byte ${at} of ${this.length})`);
    return at;
  }
}

// vtable slots, from the .fbs files.
const MESSAGE = { headerType: 1, header: 2, bodyLength: 3, customMetadata: 4 };
const HEADER = { schema: 1, dictionaryBatch: 2, recordBatch: 3 };
const SCHEMA = { fields: 1, customMetadata: 2, features: 3 };
const FIELD = { children: 5, customMetadata: 6 };
const RECORD_BATCH = { nodes: 1, buffers: 2, variadicBufferCounts: 4 };
const DICTIONARY_BATCH = { data: 1 };
const FOOTER = { schema: 1, dictionaries: 2, recordBatches: 3, customMetadata: 4 };
const FIELD_NODE_BYTES = 16;
const BUFFER_BYTES = 16;
const BLOCK_BYTES = 24;

function checkFields(fb: Flatbuffer, table: number, slot: number, depth: number): void {
  if (depth > MAX_DEPTH) fb.fail(`nests fields more than ${MAX_DEPTH} levels deep`);
  const { count, start } = fb.vector(table, slot, 4, 'fields');
  for (let i = 0; i < count; i++) {
    const field = fb.table(start + 4 * i);
    fb.vector(field, FIELD.customMetadata, 4, 'metadata entries');
    checkFields(fb, field, FIELD.children, depth + 1);
  }
}

function checkSchema(fb: Flatbuffer, schema: number): void {
  checkFields(fb, schema, SCHEMA.fields, 0);
  fb.vector(schema, SCHEMA.customMetadata, 4, 'metadata entries');
  fb.vector(schema, SCHEMA.features, 8, 'features');
}

function checkRecordBatch(fb: Flatbuffer, batch: number): void {
  fb.vector(batch, RECORD_BATCH.nodes, FIELD_NODE_BYTES, 'field nodes');
  fb.vector(batch, RECORD_BATCH.buffers, BUFFER_BYTES, 'buffers');
  fb.vector(batch, RECORD_BATCH.variadicBufferCounts, 8, 'variadic buffer counts');
}

/** Checks one message's metadata; returns its body length. */
function checkMessage(metadata: Uint8Array, what: string): number {
  const fb = new Flatbuffer(metadata, what);
  const message = fb.root();
  fb.vector(message, MESSAGE.customMetadata, 4, 'metadata entries');
  const header = fb.child(message, MESSAGE.header);
  if (header !== 0) {
    const type = fb.uint8(message, MESSAGE.headerType);
    if (type === HEADER.schema) checkSchema(fb, header);
    else if (type === HEADER.recordBatch) checkRecordBatch(fb, header);
    else if (type === HEADER.dictionaryBatch) {
      const data = fb.child(header, DICTIONARY_BATCH.data);
      if (data !== 0) checkRecordBatch(fb, data);
    }
  }
  const body = fb.int64(message, MESSAGE.bodyLength);
  if (body < 0) fb.fail(`has a negative body length ${body}`);
  return body;
}

/**
 * The message at `at`: continuation marker 0xFFFFFFFF and int32 metadata
 * length (or, before Arrow 1.0, the length alone), metadata, body.
 * @returns the position after the message, or null at the end-of-stream marker
 */
function checkMessageAt(bytes: Buffer, at: number, what: string): number | null {
  if (at + 4 > bytes.length) throw new ArrowMetadataError(`${what} is cut off at byte ${at}`);
  let length = bytes.readInt32LE(at);
  let start = at + 4;
  if (length === -1) {
    if (start + 4 > bytes.length) throw new ArrowMetadataError(`${what} is cut off at byte ${start}`);
    length = bytes.readInt32LE(start);
    start += 4;
  }
  if (length === 0) return null;
  if (length < 0 || start + length > bytes.length) throw new ArrowMetadataError(`${what} (byte ${at}) claims ${length} metadata bytes, past the end of the file`);
  const body = checkMessage(bytes.subarray(start, start + length), what);
  const end = start + length + body;
  if (end > bytes.length) throw new ArrowMetadataError(`${what} (byte ${at}) claims a ${body}-byte body, past the end of the file`);
  return end;
}

/**
 * Checks the metadata apache-arrow will decode from IPC bytes: for the file
 * format the footer and every block it lists, for the stream format every
 * message up to the end-of-stream marker or the end of the bytes.
 * @throws ArrowMetadataError naming the violated bound
 */
export function checkArrowMetadata(bytes: Buffer, isFile: boolean): void {
  if (!isFile) {
    for (let at: number | null = 0; at !== null && at < bytes.length; ) at = checkMessageAt(bytes, at, `its message at byte ${at}`);
    return;
  }
  // File: "ARROW1" + 2 padding bytes, messages, footer, int32 footer length, "ARROW1".
  if (bytes.length < 18) throw new ArrowMetadataError(`it is ${bytes.length} bytes, too short for an IPC file`);
  const footerLength = bytes.readInt32LE(bytes.length - 10);
  const footerStart = bytes.length - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8) throw new ArrowMetadataError(`its footer length ${footerLength} does not fit in the file`);
  const fb = new Flatbuffer(bytes.subarray(footerStart, bytes.length - 10), 'its footer');
  const footer = fb.root();
  const schema = fb.child(footer, FOOTER.schema);
  if (schema !== 0) checkSchema(fb, schema);
  fb.vector(footer, FOOTER.customMetadata, 4, 'metadata entries');
  for (const [slot, name] of [[FOOTER.dictionaries, 'dictionary block'], [FOOTER.recordBatches, 'record batch block']] as const) {
    const { count, start } = fb.vector(footer, slot, BLOCK_BYTES, `${name}s`);
    const view = bytes.subarray(footerStart, bytes.length - 10);
    for (let i = 0; i < count; i++) {
      const offset = Number(view.readBigInt64LE(start + BLOCK_BYTES * i));
      if (!(offset >= 8 && offset < footerStart)) throw new ArrowMetadataError(`its footer's ${name} ${i} starts at byte ${offset}, outside the messages`);
      checkMessageAt(bytes, offset, `the message of its footer's ${name} ${i}`);
    }
  }
}

/**
 * Checks that every column's buffers hold the rows its field node claims
 * (apache-arrow takes a node's length on trust, so a corrupt one gives a
 * column of billions of rows over a few bytes): validity bitmaps, fixed-width
 * values, offsets inside their data, children and dictionaries.
 * @throws ArrowMetadataError naming the column and record batch
 */
export function checkTableData(table: arrow.Table): void {
  table.batches.forEach((batch, b) => {
    batch.schema.fields.forEach((field, c) => {
      const what = `column '${field.name}' of record batch ${b}`;
      const data = batch.data.children[c];
      if (!data) throw new ArrowMetadataError(`${what} is missing`);
      if (data.length !== batch.numRows) throw new ArrowMetadataError(`${what} has ${data.length} rows, its batch ${batch.numRows}`);
      checkData(data, what, 0);
    });
  });
}

function checkData(d: arrow.Data, what: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ArrowMetadataError(`${what} nests more than ${MAX_DEPTH} levels deep`);
  const end = d.offset + d.length;
  const fail = (why: string): never => {
    throw new ArrowMetadataError(`${what} claims ${d.length} rows but ${why}`);
  };
  const t = d.type;
  if (arrow.DataType.isNull(t)) return;
  if (d.nullBitmap && d.nullBitmap.length > 0 && d.nullBitmap.length * 8 < end) fail(`its validity bitmap holds ${d.nullBitmap.length * 8}`);
  if (arrow.DataType.isUnion(t)) {
    if (!d.typeIds || d.typeIds.length < end) fail('its type ids hold fewer');
  } else if (d.valueOffsets && !arrow.DataType.isUnion(t)) {
    const offsets = d.valueOffsets;
    if (offsets.length < end + 1) fail(`its offsets hold ${Math.max(0, offsets.length - 1)}`);
    let previous = Number(offsets[d.offset]);
    if (previous < 0) fail(`its offsets start at ${previous}`);
    for (let i = d.offset + 1; i <= end; i++) {
      const next = Number(offsets[i]);
      if (next < previous) fail(`its offsets decrease at row ${i - d.offset}`);
      previous = next;
    }
    const target = d.children.length > 0 ? d.children[0]!.length : (d.values?.length ?? 0);
    if (previous > target) fail(`its offsets reach ${previous}, past its ${target} values`);
  } else if (d.values && !arrow.DataType.isStruct(t) && !arrow.DataType.isFixedSizeList(t)) {
    const held = arrow.DataType.isBool(t) ? d.values.length * 8 : Math.floor(d.values.length / d.stride);
    if (held < end) fail(`its values hold ${held}`);
  }
  const perRow = arrow.DataType.isFixedSizeList(t) ? (t as arrow.FixedSizeList).listSize : 1;
  if (arrow.DataType.isStruct(t) || arrow.DataType.isFixedSizeList(t)) {
    for (const child of d.children) if (child.length < end * perRow) fail(`a child holds ${child.length} values`);
  }
  d.children.forEach((child, i) => checkData(child, `${what}, child ${i}`, depth + 1));
  if (d.dictionary) {
    const size = d.dictionary.length;
    for (const part of d.dictionary.data) checkData(part, `${what}, dictionary`, depth + 1);
    const indices = d.values;
    for (let i = d.offset; i < end; i++) {
      const k = Number(indices[i]);
      if (!(k >= 0 && k < size) && d.getValid(i - d.offset)) fail(`row ${i - d.offset} names dictionary entry ${k} of ${size}`);
    }
  }
}
