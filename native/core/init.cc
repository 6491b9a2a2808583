#include "core/init.h"

#include <cmath>
#include <vector>

#include "core/layout.h"

namespace fc {
namespace {

template <typename T>
void glorot_uniform(T* w, int64_t n, int fan_in, int fan_out, Rng& rng) {
  const double a = std::sqrt(6.0 / (fan_in + fan_out));
  for (int64_t i = 0; i < n; i++) w[i] = T(rng.uniform(-a, a));
}

// Q (rows x cols, rows >= cols, orthonormal columns) from a standard-normal
// matrix by modified Gram-Schmidt in double precision. MGS yields R with a
// positive diagonal, which is exactly QR followed by Keras's sign fix.
template <typename T>
void orthogonal_columns(T* out, int rows, int cols, Rng& rng) {
  std::vector<double> a((int64_t)rows * cols);
  for (double& v : a) v = rng.normal();  // row-major (rows, cols)
  for (int j = 0; j < cols; j++) {
    for (int p = 0; p < j; p++) {
      double dot = 0;
      for (int i = 0; i < rows; i++) dot += a[(int64_t)i * cols + p] * a[(int64_t)i * cols + j];
      for (int i = 0; i < rows; i++) a[(int64_t)i * cols + j] -= dot * a[(int64_t)i * cols + p];
    }
    double norm = 0;
    for (int i = 0; i < rows; i++) norm += a[(int64_t)i * cols + j] * a[(int64_t)i * cols + j];
    norm = std::sqrt(norm);
    for (int i = 0; i < rows; i++) a[(int64_t)i * cols + j] /= norm;
  }
  for (int64_t i = 0; i < (int64_t)rows * cols; i++) out[i] = T(a[i]);
}

}  // namespace

template <typename T>
void keras_initialize(Network<T>& net, Rng& rng) {
  T* p = net.params();
  for (int64_t i = 0; i < net.num_params(); i++) p[i] = T(0);
  for (const ParamEntry& e : net.layout()) {
    T* w = p + e.offset;
    const std::string& n = e.name;
    auto ends_with = [&](const char* s) {
      const std::string suf(s);
      return n.size() >= suf.size() && n.compare(n.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (ends_with("weight_ih") || ends_with(".weight")) {
      glorot_uniform(w, (int64_t)e.rows * e.cols, e.cols, e.rows, rng);
    } else if (ends_with("weight_hh")) {
      orthogonal_columns(w, e.rows, e.cols, rng);
    } else if (ends_with("bias_ih") && net.spec().layers[std::stoi(n.substr(7))].kind == LayerKind::kLstm) {
      // Keras's unit_forget_bias, LSTM only ("layers.<k>.bias_ih").
      const int H = e.rows / kLstmGates;
      for (int j = 0; j < H; j++) w[kGateF * H + j] = T(1);
    }
  }
}

template void keras_initialize<float>(Network<float>&, Rng&);
template void keras_initialize<double>(Network<double>&, Rng&);

}  // namespace fc
