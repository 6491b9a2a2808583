/**
 * The integrity record of an ONNX file flowcast exported: metadata property
 * `flowcast.checksum` = "sha256:" + the SHA-256 of the whole model as
 * flowcast's schema reads it (graph nodes and attributes, initializers,
 * inputs, outputs, opsets and every other metadata property) without that
 * property itself. OnnxForecaster.load verifies it before onnxruntime sees
 * the bytes, so an edited or corrupted weight, node or metadata value is
 * refused with a FormatError rather than run.
 */
import { createHash } from 'node:crypto';
import { canonicalEncoding } from './proto.js';

export const CHECKSUM_KEY = 'flowcast.checksum';

/**
 * The checksum of .onnx bytes (any `flowcast.checksum` property they hold is left out).
 * @throws Error from protobufjs when the bytes are not a protobuf message
 */
export function onnxChecksum(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(canonicalEncoding(bytes, CHECKSUM_KEY)).digest('hex')}`;
}
