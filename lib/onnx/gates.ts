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

/**
 * The same for every recurrent kind: LSTM as above; GRU, whose blocks are
 * r, z, n in flowcast/PyTorch and z, r, h in ONNX (z<-z, r<-r, h<-n); the
 * simple RNN has one block.
 */
export const ONNX_BLOCKS_FROM_FLOWCAST: Readonly<Record<'lstm' | 'gru' | 'rnn', readonly number[]>> = {
  lstm: ONNX_FROM_FLOWCAST,
  gru: [1, 0, 2],
  rnn: [0],
};

/** Text stored in the exported model's metadata. */
export const GATE_CONVENTION = 'ONNX LSTM gates i, o, f, c (remapped from flowcast/PyTorch i, f, g, o); B = [Wb; Rb]';

/**
 * Reorders the gate blocks of a [blocks * H, cols] row-major matrix (or a
 * [blocks * H] vector, cols = 1) from flowcast's order to ONNX's.
 * @param weights LSTM [4H, cols] in gate order i, f, g, o (GRU: [3H, cols], r, z, n)
 * @param kind 'lstm' (default), 'gru' or 'rnn'
 * @returns a new array in ONNX's order (LSTM i, o, f, c; GRU z, r, h)
 */
export function toOnnxGateOrder(weights: Float32Array, units: number, cols: number, kind: 'lstm' | 'gru' | 'rnn' = 'lstm'): Float32Array {
  const map = ONNX_BLOCKS_FROM_FLOWCAST[kind];
  const block = units * cols;
  if (weights.length !== map.length * block) {
    throw new RangeError(`toOnnxGateOrder: expected ${map.length} * ${units} * ${cols} = ${map.length * block} values, received ${weights.length}`);
  }
  const out = new Float32Array(weights.length);
  map.forEach((from, to) => out.set(weights.subarray(from * block, (from + 1) * block), to * block));
  return out;
}
