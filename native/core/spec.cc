#include "core/spec.h"

#include "core/layout.h"

namespace fc {

fc_status validate_spec(const NetworkSpec& spec, std::string* why) {
  auto fail = [&](const std::string& msg) {
    if (why) *why = msg;
    return FC_STATUS_INVALID_ARGUMENT;
  };
  if (spec.steps <= 0 || spec.steps > kMaxSteps)
    return fail("steps must be from 1 to " + std::to_string(kMaxSteps) + ", got " + std::to_string(spec.steps));
  if (spec.features <= 0 || spec.features > kMaxFeatures)
    return fail("features must be from 1 to " + std::to_string(kMaxFeatures) + ", got " + std::to_string(spec.features));
  if (spec.layers.empty()) return fail("a network needs at least one layer");
  if (!is_recurrent(spec.layers[0].kind)) return fail("the first layer must be recurrent (LSTM, GRU or RNN)");
  bool seen_dense = false;
  int last_lstm = -1;
  int width = spec.features;
  for (size_t k = 0; k < spec.layers.size(); k++) {
    const LayerSpec& l = spec.layers[k];
    if (l.units <= 0 || l.units > kMaxUnits)
      return fail("layer " + std::to_string(k) + " needs units from 1 to " + std::to_string(kMaxUnits) + ", got " +
                  std::to_string(l.units));
    if (is_recurrent(l.kind)) {
      if (seen_dense) return fail("a recurrent layer cannot follow a Dense layer");
      last_lstm = (int)k;
    } else if (l.kind == LayerKind::kDense) {
      seen_dense = true;
    } else {
      if (!(l.rate >= 0.0 && l.rate < 1.0)) return fail("dropout layer " + std::to_string(k) + " needs a rate in [0, 1)");
      if (l.units != width) return fail("dropout layer " + std::to_string(k) + " must have units equal to its input width");
      if (k + 1 == spec.layers.size()) return fail("a dropout layer cannot be the last layer");
    }
    width = l.units;
  }
  // Parameters in 64-bit arithmetic (each layer's count fits easily: units
  // and widths are at most 2^16, gate blocks at most 4).
  int64_t params = 0;
  width = spec.features;
  for (const LayerSpec& l : spec.layers) {
    const int64_t G = (int64_t)gate_blocks(l.kind) * l.units;
    if (is_recurrent(l.kind)) params += G * width + G * l.units + 2 * G;
    else if (l.kind == LayerKind::kDense) params += (int64_t)l.units * width + l.units;
    width = l.units;
    if (params > kMaxParams)
      return fail("the network has more than " + std::to_string(kMaxParams) + " parameters, the most flowcast allocates");
  }
  for (int k = 0; k < last_lstm; k++) {
    if (is_recurrent(spec.layers[k].kind) && !spec.layers[k].return_sequences)
      return fail("recurrent layer " + std::to_string(k) +
                  " feeds another recurrent layer and must have returnSequences: true");
  }
  return FC_STATUS_OK;
}

std::vector<ParamEntry> param_layout(const NetworkSpec& spec, int64_t* total) {
  std::vector<ParamEntry> out;
  int64_t off = 0;
  int in = spec.features;
  auto add = [&](const std::string& name, int rows, int cols, bool vec) {
    out.push_back(ParamEntry{name, off, rows, cols, vec});
    off += (int64_t)rows * cols;
  };
  for (size_t k = 0; k < spec.layers.size(); k++) {
    const LayerSpec& l = spec.layers[k];
    const std::string p = "layers." + std::to_string(k) + ".";
    if (is_recurrent(l.kind)) {
      const int G = gate_blocks(l.kind) * l.units;
      add(p + "weight_ih", G, in, false);
      add(p + "weight_hh", G, l.units, false);
      add(p + "bias_ih", G, 1, true);
      add(p + "bias_hh", G, 1, true);
    } else if (l.kind == LayerKind::kDense) {
      add(p + "weight", l.units, in, false);
      add(p + "bias", l.units, 1, true);
    }
    in = l.units;
  }
  if (total) *total = off;
  return out;
}

}  // namespace fc
