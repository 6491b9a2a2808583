/**
 * The network as ONNX nodes: one LSTM node per LSTM layer, Gemm or
 * MatMul + Add per Dense layer. Input: a batch-major window value
 * [batch, steps, features]; output: the network's batch-major output value.
 */
import type { Sequential } from '../model/sequential.js';
import { ONNX_BLOCKS_FROM_FLOWCAST, toOnnxGateOrder } from './gates.js';
import { attr } from './graph.js';
import { DataType } from './proto.js';
import type { Built } from './signature.js';

const DENSE_ACTIVATION_OPS = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu', linear: null } as const;

/** out (cols, rows) = in (rows, cols)^T */
function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/**
 * Adds the network reading `window` (float32 [batch, steps, features]).
 * With `withState`, every LSTM layer k gets inputs h_in.k, c_in.k and
 * produces h_out.k, c_out.k ([batch, units]); the caller declares the outputs.
 * @returns the name of the output value: [batch, units], or [batch, steps, units]
 *   when the last LSTM returns sequences
 */
export function addNetwork(
  { graph: g, signature }: Built,
  model: Sequential,
  weights: Record<string, Float32Array>,
  window: string,
  withState: boolean,
): string {
  const axis0 = g.int64s('axes.0', [0]);
  const axis1 = g.int64s('axes.1', [1]);
  // ONNX LSTM wants time-major X [steps, batch, width] (layout 0).
  let [x] = g.node('Transpose', [window], ['window.time_major'], [attr.ints('perm', [1, 0, 2])]);
  let sequence = true; // x is [steps, batch, width]; false: [batch, width]
  let width = model.inputShape[1];
  model.config.layers.forEach((layer, k) => {
    const p = `layers.${k}`;
    if (layer.type === 'dropout') return; // inference: the identity
    if (layer.type === 'lstm' || layer.type === 'gru' || layer.type === 'rnn') {
      const H = layer.units;
      const blocks = ONNX_BLOCKS_FROM_FLOWCAST[layer.type].length;
      const G = blocks * H;
      const order = (w: Float32Array, cols: number) => toOnnxGateOrder(w, H, cols, layer.type);
      const W = g.floats(`${p}.W`, [1, G, width], order(weights[`${p}.weight_ih`]!, width));
      const R = g.floats(`${p}.R`, [1, G, H], order(weights[`${p}.weight_hh`]!, H));
      const bias = new Float32Array(2 * G);
      bias.set(order(weights[`${p}.bias_ih`]!, 1), 0);
      bias.set(order(weights[`${p}.bias_hh`]!, 1), G);
      const B = g.floats(`${p}.B`, [1, 2 * G], bias);
      const hasCell = layer.type === 'lstm';
      let h0 = '';
      let c0 = '';
      if (withState) {
        const names = { hIn: `h_in.${k}`, cIn: hasCell ? `c_in.${k}` : '', hOut: `h_out.${k}`, cOut: hasCell ? `c_out.${k}` : '' };
        for (const name of [names.hIn, names.cIn].filter(Boolean)) {
          g.input(name, DataType.FLOAT, ['batch', H], `Layer ${k} initial state [batch, ${H}]; zeros to start`);
          signature.inputs.push({ name, type: 'float32', shape: ['batch', H] });
        }
        [h0] = g.node('Unsqueeze', [names.hIn, axis0], [`${p}.initial_h`]);
        if (hasCell) [c0] = g.node('Unsqueeze', [names.cIn, axis0], [`${p}.initial_c`]);
        signature.state.push({ layer: k, units: H, ...names });
      }
      const attributes = [attr.int('hidden_size', H)];
      if (layer.type === 'gru') attributes.push(attr.int('linear_before_reset', 1)); // torch.nn.GRU: r applies after W_hn h + b_hn
      if (layer.type === 'rnn' && layer.activation === 'relu') attributes.push(attr.strings('activations', ['Relu']));
      if (layer.type === 'lstm' && layer.recurrentActivation === 'hard_sigmoid') {
        // Keras 2's clip(0.2 z + 0.5, 0, 1): HardSigmoid with alpha 0.2, beta 0.5
        // (alpha/beta are consumed by the activations that take them, in order).
        attributes.push(attr.strings('activations', ['HardSigmoid', 'Tanh', 'Tanh']), attr.floats('activation_alpha', [0.2]), attr.floats('activation_beta', [0.5]));
      }
      // Outputs Y [steps, 1, batch, H], Y_h (and LSTM Y_c) [1, batch, H]; '' skips one.
      const op = layer.type === 'lstm' ? 'LSTM' : layer.type === 'gru' ? 'GRU' : 'RNN';
      const inputs = hasCell ? [x!, W, R, B, '', h0, c0] : [x!, W, R, B, '', h0];
      const outputs = [layer.returnSequences ? `${p}.Y` : '', `${p}.Y_h`];
      if (hasCell) outputs.push(withState ? `${p}.Y_c` : '');
      const [Y, Yh, Yc] = g.node(op, inputs, outputs, attributes);
      let last = '';
      if (withState) {
        [last] = g.node('Squeeze', [Yh!, axis0], [`h_out.${k}`]);
        if (hasCell) g.node('Squeeze', [Yc!, axis0], [`c_out.${k}`]);
      }
      if (layer.returnSequences) {
        [x] = g.node('Squeeze', [Y!, axis1], [`${p}.output`]);
      } else {
        x = last || g.node('Squeeze', [Yh!, axis0], [`${p}.output`])[0];
        sequence = false;
      }
      width = H;
    } else {
      const O = layer.units;
      const w = weights[`${p}.weight`]!; // [O, width]
      const b = g.floats(`${p}.bias`, [O], weights[`${p}.bias`]!);
      if (sequence) {
        // [steps, batch, width] x [width, O] + b, for every step at once.
        const [mm] = g.node('MatMul', [x!, g.floats(`${p}.weight_t`, [width, O], transposed(w, O, width))], [`${p}.matmul`]);
        [x] = g.node('Add', [mm!, b], [`${p}.linear`]);
      } else {
        [x] = g.node('Gemm', [x!, g.floats(`${p}.weight`, [O, width], w), b], [`${p}.linear`], [attr.int('transB', 1)]);
      }
      const op = DENSE_ACTIVATION_OPS[layer.activation];
      if (op) [x] = g.node(op, [x!], [`${p}.output`]);
      width = O;
    }
  });
  if (sequence) [x] = g.node('Transpose', [x!], ['output.batch_major'], [attr.ints('perm', [1, 0, 2])]);
  return x!;
}
