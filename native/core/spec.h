// What a network is: its input shape and its layers. Plain data, validated
// once by validate_spec (TypeScript validates first, with friendlier messages;
// this is the backstop so the core never runs on a shape it cannot handle).
#ifndef FLOWCAST_CORE_SPEC_H
#define FLOWCAST_CORE_SPEC_H

#include <cstdint>
#include <string>
#include <vector>

#include "flowcast/flowcast.h"

namespace fc {

enum class LayerKind : int { kLstm = 0, kDense = 1, kDropout = 2, kGru = 3, kRnn = 4 };

// Recurrent layers (LSTM, GRU, simple RNN) and their gate blocks per unit:
// LSTM i, f, g, o (4); GRU r, z, n (3, torch.nn.GRU); RNN one tanh (1).
inline bool is_recurrent(LayerKind k) { return k == LayerKind::kLstm || k == LayerKind::kGru || k == LayerKind::kRnn; }
inline int gate_blocks(LayerKind k) { return k == LayerKind::kLstm ? 4 : k == LayerKind::kGru ? 3 : k == LayerKind::kRnn ? 1 : 0; }
enum class Activation : int { kLinear = 0, kTanh = 1, kSigmoid = 2, kRelu = 3 };

struct LayerSpec {
  LayerKind kind = LayerKind::kLstm;
  int units = 0;
  bool return_sequences = false;  // recurrent: emit h_t for every t, not only the last
  bool stateful = false;          // recurrent: carry the state from batch to batch
  bool hard_sigmoid = false;      // LSTM: gates i, f, o use clip(0.2 z + 0.5, 0, 1) (Keras 2)
  Activation activation = Activation::kLinear;  // Dense; simple RNN: kTanh or kRelu
  double rate = 0.0;  // Dropout: fraction of inputs zeroed in training (units = its input width)
};

struct NetworkSpec {
  int steps = 0;     // T, time steps per sample
  int features = 0;  // F, inputs per time step
  std::vector<LayerSpec> layers;
};

// Stated size limits, checked in 64-bit arithmetic by validate_spec (and by
// lib/core/limits.ts first). Every buffer index in the core is a int64_t and
// every kernel dimension an int: with these limits 4 * units, steps * batch
// rows (the binding caps batch at kMaxRows / steps) and each weight matrix
// stay far inside int, and the parameter count inside what a Float32Array
// can hold.
constexpr int64_t kMaxUnits = INT64_C(1) << 16;      // 65,536 units or outputs per layer
constexpr int64_t kMaxFeatures = INT64_C(1) << 16;   // 65,536 inputs per time step
constexpr int64_t kMaxSteps = INT64_C(1) << 20;      // 1,048,576 time steps per sample
constexpr int64_t kMaxParams = INT64_C(1) << 31;     // 2,147,483,648 parameters (8 GiB of float32)
constexpr int64_t kMaxRows = (INT64_C(1) << 31) - 1; // batch * steps, the rows of one GEMM

// Rules: at least one layer; LSTM layers first, then Dense layers, with
// Dropout layers anywhere between two layers (units = the width it passes
// on, rate in [0, 1)); every LSTM but the last returns sequences (the next
// LSTM needs one); sizes within the limits above. Writes a reason into *why on failure.
fc_status validate_spec(const NetworkSpec& spec, std::string* why);

// One named parameter tensor inside the single parameter buffer.
struct ParamEntry {
  std::string name;  // PyTorch-style: layers.{k}.weight_ih, layers.{k}.bias, ...
  int64_t offset = 0;   // in elements
  int rows = 0;      // shape [rows, cols]; cols == 1 for vectors (shape [rows])
  int cols = 1;
  bool is_vector = false;
};

// The parameter layout for a spec, in buffer order: per LSTM layer k
// weight_ih [4H, I], weight_hh [4H, H], bias_ih [4H], bias_hh [4H]; per Dense
// layer weight [O, I], bias [O]; Dropout has none. Exactly torch.nn.LSTM /
// nn.Linear layouts.
std::vector<ParamEntry> param_layout(const NetworkSpec& spec, int64_t* total);

}  // namespace fc

#endif  // FLOWCAST_CORE_SPEC_H
