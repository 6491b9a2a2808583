/**
 * What an exported graph takes and returns, shared by the exporter's parts
 * and by OnnxForecaster (which reads it back from the model's metadata).
 */
import type { GraphBuilder } from './graph.js';
import type { Dim } from './proto.js';

/** One graph input or output. */
export interface OnnxValueInfo {
  name: string;
  type: 'float32' | 'float64';
  /** Numbers are fixed sizes; strings name dynamic axes ('batch', 'steps'). */
  shape: Dim[];
}

/** What an exported graph takes and returns, also stored in its metadata (flowcast.signature). */
export interface OnnxSignature {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Recurrent layers with state I/O: layer index, units and the value names (cIn, cOut: '' for GRU and RNN). */
  state: { layer: number; units: number; hIn: string; cIn: string; hOut: string; cOut: string }[];
  /** True when the pipeline is in the graph (levels in, levels out). */
  pipeline: boolean;
}

/** A graph under construction and the signature it accumulates. */
export interface Built {
  graph: GraphBuilder;
  signature: OnnxSignature;
}

