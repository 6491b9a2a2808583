// The gate-order contract, defined once.
//
// flowcast stores LSTM gates in PyTorch's order i, f, g, o: for a layer with
// H units, rows [0,H) of weight_ih / weight_hh / bias_* belong to the input
// gate, [H,2H) to the forget gate, [2H,3H) to the cell candidate g, [3H,4H)
// to the output gate. ONNX uses i, o, f, c; that remapping lives in exactly
// one exporter function (lib/onnx), never here.
#ifndef FLOWCAST_CORE_LAYOUT_H
#define FLOWCAST_CORE_LAYOUT_H

namespace fc {

enum Gate : int { kGateI = 0, kGateF = 1, kGateG = 2, kGateO = 3 };
constexpr int kLstmGates = 4;

static_assert(kGateI == 0 && kGateF == 1 && kGateG == 2 && kGateO == 3,
              "gate order is i, f, g, o (torch.nn.LSTM); the ONNX exporter depends on it");

}  // namespace fc

#endif  // FLOWCAST_CORE_LAYOUT_H
