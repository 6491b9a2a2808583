/**
 * The one place flowcast's LSTM gate order meets ONNX's.
 *
 * flowcast (like torch.nn.LSTM) stacks the four gate blocks of weight_ih,
 * weight_hh and the biases as i, f, g, o (native/core/layout.h). The ONNX
 * LSTM operator stacks them as i, o, f, c, where c is the cell candidate
 * flowcast calls g. Block b of ONNX's tensor is block ONNX_FROM_FLOWCAST[b]
 * of flowcast's.
 */

/** ONNX block index -> flowcast block index: i<-i, o<-o, f<-f, c<-g. */
export const ONNX_FROM_FLOWCAST: readonly number[] = [0, 3, 1, 2];

/** Text stored in the exported model's metadata. */
export const GATE_CONVENTION = 'ONNX LSTM gates i, o, f, c (remapped from flowcast/PyTorch i, f, g, o); B = [Wb; Rb]';

/**
 * Reorders the four gate blocks of a [4H, cols] row-major matrix (or a [4H]
 * vector, cols = 1) from flowcast's order to ONNX's.
 * @param weights [4 * units, cols] in gate order i, f, g, o
 * @returns a new array in gate order i, o, f, c
 */
export function toOnnxGateOrder(weights: Float32Array, units: number, cols: number): Float32Array {
  const block = units * cols;
  if (weights.length !== 4 * block) {
    throw new RangeError(`toOnnxGateOrder: expected 4 * ${units} * ${cols} = ${4 * block} values, received ${weights.length}`);
  }
  const out = new Float32Array(weights.length);
  ONNX_FROM_FLOWCAST.forEach((from, to) => out.set(weights.subarray(from * block, (from + 1) * block), to * block));
  return out;
}
