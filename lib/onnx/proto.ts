/**
 * The part of the ONNX protobuf schema (onnx/onnx.proto3, IR version 8) that
 * flowcast writes and reads, encoded by protobufjs. Field numbers are ONNX's
 * own, so the bytes are a standard .onnx file; messages and fields flowcast
 * never uses are left out (protobuf skips unknown fields when decoding).
 */
import protobuf from 'protobufjs';

const ONNX_SCHEMA = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  string name = 1;
  string doc_string = 13;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
}

message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
  string doc_string = 12;
  bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  string denotation = 6;
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`;

/** TensorProto.DataType values flowcast uses. */
export const DataType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values flowcast uses. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: DataTypeCode;
  /** Little-endian element bytes (FLOAT, DOUBLE, INT64 alike). */
  raw_data: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  domain?: string;
  doc_string?: string;
}

/** A dimension is a fixed size or a symbolic name (dynamic axis). */
export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: DataTypeCode; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
  doc_string?: string;
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphProto;
  metadata_props: { key: string; value: string }[];
}

let modelType: protobuf.Type | null = null;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_SCHEMA, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serializes a model to .onnx bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const err = type.verify(model);
  // verify() guards against a builder bug (a field of the wrong type), not user input.
  if (err) throw new Error(`flowcast built an invalid ONNX model: ${err}`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Parses .onnx bytes (int64 fields as numbers, bytes as Uint8Array).
 * @throws Error from protobufjs when the bytes are not a protobuf message
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  const message = type.decode(bytes);
  // Without a `bytes` option, bytes fields stay Uint8Array.
  return type.toObject(message, { longs: Number, defaults: true, arrays: true }) as ModelProto;
}

/**
 * The model re-encoded from what this schema reads, without the metadata
 * properties named `dropKey`: unknown fields are dropped and fields come in
 * schema order, so equal content always gives equal bytes (lib/onnx/checksum.ts
 * hashes this).
 * @throws Error from protobufjs when the bytes are not a protobuf message
 */
export function canonicalEncoding(bytes: Uint8Array, dropKey: string): Uint8Array {
  const type = modelProtoType();
  const message = type.decode(bytes) as protobuf.Message & { metadata_props?: { key: string }[] };
  message.metadata_props = (message.metadata_props ?? []).filter((p) => p.key !== dropKey);
  return type.encode(message).finish();
}
