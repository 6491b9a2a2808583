/**
 * Internal helpers for building Arrow tables column by column.
 *
 * `makeTable({ a, b })` and `new Table({ ... })` take a plain object, whose
 * key order JavaScript rewrites for integer-like names ("2017" sorts before
 * "Close") and which cannot hold two columns of one name. Building the schema
 * and the single record batch by hand keeps the caller's column order exactly.
 */
import * as arrow from 'apache-arrow';

/**
 * One Arrow table from parallel lists of column names and vectors, in that
 * order, as a single record batch (so every column is one chunk).
 * Float64Array columns are wrapped without copying.
 *
 * @param names column names, in output order
 * @param columns one vector (or Float64Array) per name, all of one length
 * @param length the row count (needed when there are no columns)
 */
export function buildTable(
  names: readonly string[],
  columns: readonly (arrow.Vector | Float64Array)[],
  length: number,
): arrow.Table {
  const datas: arrow.Data[] = [];
  const fields: arrow.Field[] = [];
  for (let i = 0; i < names.length; i++) {
    const col = columns[i]!;
    const vector = col instanceof Float64Array ? arrow.makeVector(col) : col;
    // Callers build each vector in one go, so it has exactly one chunk.
    if (vector.data.length !== 1) throw new Error(`internal: column ${names[i]} has ${vector.data.length} chunks`);
    const data = vector.data[0]!;
    datas.push(data);
    fields.push(new arrow.Field(names[i]!, data.type, true));
  }
  const schema = new arrow.Schema(fields);
  for (let i = 0; i < datas.length; i++) {
    if (datas[i]!.length !== length) throw new Error(`internal: column ${names[i]} has ${datas[i]!.length} rows, not ${length}`);
  }
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: datas });
  return new arrow.Table([recordBatch(schema, struct)]);
}

/**
 * `new RecordBatch(schema, data)` without its quadratic step. The
 * constructor (apache-arrow 21) passes every batch through
 * `ensureSameLengthData`, which ends in `schema.assign(schema.fields)`: a
 * `findIndex` by name for each field, O(columns^2) string comparisons, over
 * 30 s for a 100,000-column CSV. When every child already has the batch's
 * length, as buildTable checks above, that assign only clones each field as
 * it is, so the batch is built here with the fields that the constructor
 * sets (schema, data, metadata) and the same prototype.
 */
function recordBatch(schema: arrow.Schema, data: arrow.Data<arrow.Struct>): arrow.RecordBatch {
  const batch = Object.create(arrow.RecordBatch.prototype) as arrow.RecordBatch;
  return Object.assign(batch, { schema, data, _metadata: new Map<string, string>() });
}
