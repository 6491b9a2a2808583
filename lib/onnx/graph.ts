/**
 * A small builder for ONNX graphs: named values, constant initializers and
 * nodes, emitted in the order they are added (which is topological, because
 * a node can only name values that exist).
 */
import { endianness } from 'node:os';
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type DataTypeCode,
  type Dim,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** Attribute constructors: ONNX distinguishes INT from FLOAT, so the caller says which. */
export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  floats: (name: string, floats: number[]): AttributeProto => ({ name, type: AttributeType.FLOATS, floats }),
  string: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) }),
  strings: (name: string, strings: string[]): AttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: strings.map((s) => new TextEncoder().encode(s)),
  }),
};

/** ONNX raw_data is little-endian; every platform Node ships for is too. */
function littleEndianBytes(a: Float32Array | Float64Array | BigInt64Array): Uint8Array {
  if (endianness() !== 'LE') throw new Error('ONNX export needs a little-endian machine');
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function valueInfo(name: string, elemType: DataTypeCode, dims: Dim[], doc?: string): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
    ...(doc ? { doc_string: doc } : {}),
  };
}

export class GraphBuilder {
  readonly #nodes: NodeProto[] = [];
  readonly #initializers: TensorProto[] = [];
  readonly #inputs: ValueInfoProto[] = [];
  readonly #outputs: ValueInfoProto[] = [];
  readonly #names = new Set<string>();

  input(name: string, elemType: DataTypeCode, dims: Dim[], doc?: string): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, elemType, dims, doc));
    return name;
  }

  /** Declares `value` (already produced by a node) as a graph output named `value`. */
  output(value: string, elemType: DataTypeCode, dims: Dim[], doc?: string): string {
    if (!this.#names.has(value)) throw new Error(`ONNX graph output '${value}' is not produced by any node`);
    this.#outputs.push(valueInfo(value, elemType, dims, doc));
    return value;
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    return this.#constant(name, dims, DataType.FLOAT, littleEndianBytes(data));
  }

  doubles(name: string, dims: number[], data: ArrayLike<number>): string {
    return this.#constant(name, dims, DataType.DOUBLE, littleEndianBytes(Float64Array.from(data)));
  }

  /** A 1-D int64 constant (axes, perms, slice bounds). */
  int64s(name: string, values: number[]): string {
    return this.#constant(name, [values.length], DataType.INT64, littleEndianBytes(BigInt64Array.from(values.map(BigInt))));
  }

  /**
   * Adds a node. `outputs` are the names of the values it produces; an empty
   * string skips an optional output (ONNX convention), as does '' in inputs.
   * @returns the output names
   */
  node(opType: string, inputs: string[], outputs: string[], attributes: AttributeProto[] = []): string[] {
    for (const i of inputs) if (i !== '' && !this.#names.has(i)) throw new Error(`ONNX node ${opType} reads '${i}' before it exists`);
    for (const o of outputs) if (o !== '') this.#claim(o);
    this.#nodes.push({ name: `${opType}_${this.#nodes.length}`, op_type: opType, input: inputs, output: outputs, attribute: attributes });
    return outputs;
  }

  build(name: string, doc?: string): GraphProto {
    return {
      name,
      node: this.#nodes,
      initializer: this.#initializers,
      input: this.#inputs,
      output: this.#outputs,
      ...(doc ? { doc_string: doc } : {}),
    };
  }

  #constant(name: string, dims: number[], dataType: DataTypeCode, raw: Uint8Array): string {
    this.#claim(name);
    this.#initializers.push({ name, dims, data_type: dataType, raw_data: raw });
    return name;
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`ONNX value name '${name}' is defined twice`);
    this.#names.add(name);
  }
}
