#include "core/network.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/layout.h"
#include "core/thread_pool.h"
#include "kernels/reference.h"

namespace fc {

// Input widths up to this get dW_ih through its transpose X^T dZ (see lstm_backward).
constexpr int kNarrowInput = 16;

template <typename T>
Network<T>::Network(const NetworkSpec& spec, const KernelTable<T>& kernels, bool threaded)
    : spec_(spec), kern_(kernels), threaded_(threaded) {
  layout_ = param_layout(spec_, &num_params_);
  params_.assign(num_params_, T(0));
  grads_.assign(num_params_, T(0));
  layers_.resize(spec_.layers.size());
  int in = spec_.features;
  size_t p = 0;
  for (size_t k = 0; k < spec_.layers.size(); k++) {
    Layer& L = layers_[k];
    L.spec = spec_.layers[k];
    L.in = in;
    if (is_recurrent(L.spec.kind)) {
      const int G = gate_blocks(L.spec.kind) * L.spec.units;
      L.w_t.assign((int64_t)in * G, T(0));
      L.bias_sum.assign(G, T(0));
      L.r_t.assign((int64_t)L.spec.units * G, T(0));
      L.w_t_packed.assign(kern_.packed_b_size(in, G), T(0));
      L.r_t_packed.assign(kern_.packed_b_size(L.spec.units, G), T(0));
      L.r_packed.assign(kern_.packed_b_size(G, L.spec.units), T(0));
      L.w_packed.assign(kern_.packed_b_size(G, in), T(0));
      L.w_off = layout_[p++].offset;
      L.r_off = layout_[p++].offset;
      L.bi_off = layout_[p++].offset;
      L.bh_off = layout_[p++].offset;
      last_lstm_ = (int)k;
    } else if (L.spec.kind == LayerKind::kDense) {
      L.w_off = layout_[p++].offset;
      L.bi_off = layout_[p++].offset;
    }
    in = L.spec.units;
  }
  seq_out_ = spec_.layers[last_lstm_].return_sequences;
  int64_t narrow = 0;
  for (const Layer& L : layers_)
    if (is_recurrent(L.spec.kind) && L.in <= kNarrowInput) narrow = std::max(narrow, (int64_t)L.in * gate_blocks(L.spec.kind) * L.spec.units);
  dW_ih_t_.assign(narrow, T(0));
  int64_t gates_max = 0;
  for (const Layer& L : layers_)
    gates_max = std::max(gates_max, (int64_t)gate_blocks(L.spec.kind) * L.spec.units);
  col_sums_.assign(gates_max, T(0));
  for (size_t k = 0; k < layers_.size(); k++) {
    Layer& L = layers_[k];
    if (L.spec.kind == LayerKind::kDropout) {
      L.rows_per_sample = layers_[k - 1].rows_per_sample;  // passes its input on, masked
      continue;
    }
    const bool seq = is_recurrent(L.spec.kind) ? L.spec.return_sequences : seq_out_;
    L.rows_per_sample = seq ? spec_.steps : 1;
  }
}

// Below this many multiply-adds a GEMM runs on the calling thread: waking
// the pool costs more than it saves.
constexpr double kParallelGemmWork = 1 << 17;

// C = beta*C + op(A)·op(B), split across the pool by blocks of C. Each
// element is still computed by one kernel call with the same k order, so the
// result does not depend on the thread count.
//  - Large M (the weight gradients dZ^T X with K = T*B, Dense layers over
//    many rows; the kernels pack op(B) and a transposed op(A)): one row block
//    per thread, so op(A) is packed once in all and op(B) once per thread.
//  - Small M (the bias gradient, narrow-input dW_ih^T): column blocks of 32,
//    about 4 per thread, claimed dynamically so uneven blocks balance out.
template <typename T>
void Network<T>::gemm(bool ta, bool tb, int M, int N, int K, const T* A, int lda, const T* B, int ldb, T beta,
                      T* C, int ldc) {
  const int tasks = pool_ ? pool_->size() : 1;
  if (tasks == 1 || (double)M * N * K < kParallelGemmWork) {
    kern_.gemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (M >= 128 || N < 64) {
    const int blocks = (M + 7) / 8;
    const int chunk = 8 * ((blocks + tasks - 1) / tasks);
    pool_->parallel_for((M + chunk - 1) / chunk, [&](int p) {
      const int m0 = p * chunk, m = std::min(chunk, M - m0);
      kern_.gemm(ta, tb, m, N, K, ta ? A + m0 : A + (int64_t)m0 * lda, lda, B, ldb, beta, C + (int64_t)m0 * ldc, ldc);
    });
  } else {
    const int panels = (N + 31) / 32;
    const int chunk = 32 * ((panels + 4 * tasks - 1) / (4 * tasks));
    pool_->parallel_for((N + chunk - 1) / chunk, [&](int p) {
      const int n0 = p * chunk, n = std::min(chunk, N - n0);
      kern_.gemm(ta, tb, M, n, K, A, lda, tb ? B + (int64_t)n0 * ldb : B + n0, ldb, beta, C + n0, ldc);
    });
  }
}

// Runs fn(b0, nb) over blocks of batch rows: one block per thread, as even
// as possible (the micro-kernels handle any row count without padding, so
// 50 + 50 rows beat 56 + 44), or all rows at once when single-threaded or
// when `work` (multiply-adds per row) is too small to share.
template <typename T>
void Network<T>::for_row_blocks(int B, double work, const std::function<void(int, int)>& fn) {
  const int tasks = pool_ ? pool_->size() : 1;
  if (tasks == 1 || B < 16 || work * B < kParallelGemmWork) {
    fn(0, B);
    return;
  }
  const int blocks = std::min(tasks, B);
  pool_->parallel_for(blocks, [&](int p) {
    const int b0 = (int)((int64_t)B * p / blocks);
    fn(b0, (int)((int64_t)B * (p + 1) / blocks) - b0);
  });
}

// out (cols, rows) = in (rows, cols)^T, in 32 x 32 tiles so both sides stay
// in cache (a 1024 x 256 weight every batch: the naive loop's strided writes
// cost more than the packing that follows).
template <typename T>
static void transpose(const T* in, int rows, int cols, T* out) {
  constexpr int kTile = 32;
  for (int r0 = 0; r0 < rows; r0 += kTile)
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (int c = c0; c < c1; c++)
        for (int r = r0; r < r1; r++) out[(int64_t)c * rows + r] = in[(int64_t)r * cols + c];
    }
}

template <typename T>
ThreadPool* Network<T>::pool() const {
  return threaded_ ? &global_pool() : nullptr;
}

template <typename T>
void Network<T>::zero_grads() {
  std::fill(grads_.begin(), grads_.end(), T(0));
}

template <typename T>
void Network<T>::ensure_capacity(int B) {
  if (B <= capacity_) return;
  const int64_t TT = spec_.steps;
  int hmax = 1;
  for (Layer& L : layers_) {
    const int H = L.spec.units;
    const int64_t rows = (int64_t)L.rows_per_sample * B;
    if (is_recurrent(L.spec.kind)) {
      const int64_t G = (int64_t)gate_blocks(L.spec.kind) * H;
      hmax = std::max(hmax, H);
      L.gates.assign(TT * B * G, T(0));
      L.dgates.assign(TT * B * G, T(0));
      L.hs.assign((TT + 1) * B * H, T(0));
      if (L.spec.kind == LayerKind::kLstm) {
        L.cs.assign((TT + 1) * B * H, T(0));
        L.tanh_c.assign(TT * B * H, T(0));
      }
      if (L.spec.kind == LayerKind::kGru) {
        L.zh.assign(TT * B * G, T(0));
        L.dzh.assign(TT * B * G, T(0));
      }
    } else {
      L.out.assign(rows * H, T(0));
      if (L.spec.kind == LayerKind::kDropout) L.mask.assign(rows * H, T(0));
    }
    L.dy.assign(rows * H, T(0));
  }
  x_tm_.assign(TT * B * spec_.features, T(0));
  ones_.assign(TT * B, T(1));
  dh_.assign((int64_t)B * hmax, T(0));
  dh_next_.assign((int64_t)B * hmax, T(0));
  dc_.assign((int64_t)B * hmax, T(0));
  capacity_ = B;
}

template <typename T>
const T* Network<T>::layer_input(int k) const {
  return k == 0 ? x_tm_.data() : layer_output(k - 1);
}

template <typename T>
const T* Network<T>::layer_output(int k) const {
  const Layer& L = layers_[k];
  if (!is_recurrent(L.spec.kind)) return L.out.data();
  const int64_t BH = (int64_t)batch_ * L.spec.units;
  // hs slot t+1 holds h after step t: the whole sequence is hs[1..T], the
  // last step alone is hs[T].
  return L.spec.return_sequences ? L.hs.data() + BH : L.hs.data() + (int64_t)spec_.steps * BH;
}

template <typename T>
void Network<T>::forward(const T* x, const int64_t* rows, int64_t start, int B, bool update_state) {
  ensure_capacity(B);
  batch_ = B;
  pool_ = pool();
  const int TT = spec_.steps, F = spec_.features;
  // Gather the batch into time-major order: x_tm[t][b][:] = x[row(b)][t][:].
  for (int b = 0; b < B; b++) {
    const int64_t r = rows ? rows[b] : start + b;
    const T* src = x + r * in_per_sample();
    for (int t = 0; t < TT; t++)
      std::memcpy(&x_tm_[((int64_t)t * B + b) * F], src + (int64_t)t * F, sizeof(T) * F);
  }
  for (size_t k = 0; k < layers_.size(); k++) {
    if (is_recurrent(layers_[k].spec.kind))
      recurrent_forward((int)k, layer_input((int)k), update_state);
    else if (layers_[k].spec.kind == LayerKind::kDense)
      dense_forward((int)k, layer_input((int)k));
    else
      dropout_forward((int)k, layer_input((int)k));
  }
}

template <typename T>
void Network<T>::recurrent_forward(int k, const T* x, bool update_state) {
  Layer& L = layers_[k];
  const LayerKind kind = L.spec.kind;
  const bool lstm = kind == LayerKind::kLstm;
  const int B = batch_, TT = spec_.steps, H = L.spec.units, I = L.in, G = gate_blocks(kind) * H;
  const int64_t BH = (int64_t)B * H;
  const T* W = params_.data() + L.w_off;   // (G, I)
  const T* R = params_.data() + L.r_off;   // (G, H)
  const T* bi = params_.data() + L.bi_off;  // (G)
  const T* bh = params_.data() + L.bh_off;  // (G)

  // Initial state: saved rows for a stateful layer, zeros otherwise (c: LSTM only).
  if (L.spec.stateful && state_rows_ > 0) {
    const int n = std::min(B, state_rows_);
    std::memcpy(L.hs.data(), L.state_h.data(), sizeof(T) * n * H);
    std::fill(L.hs.begin() + (int64_t)n * H, L.hs.begin() + BH, T(0));
    if (lstm) {
      std::memcpy(L.cs.data(), L.state_c.data(), sizeof(T) * n * H);
      std::fill(L.cs.begin() + (int64_t)n * H, L.cs.begin() + BH, T(0));
    }
  } else {
    std::fill(L.hs.begin(), L.hs.begin() + BH, T(0));
    if (lstm) std::fill(L.cs.begin(), L.cs.begin() + BH, T(0));
  }

  // The weights as (K, 4H) row-major, and W_hh^T packed for the kernels:
  // built once per parameter change and reused by every time step and batch
  // (a streaming step of one sample would otherwise spend its time packing).
  if (L.packed_version != params_version_) {
    transpose(W, G, I, L.w_t.data());
    transpose(R, G, H, L.r_t.data());
    kern_.pack_b(I, G, L.w_t.data(), G, L.w_t_packed.data());
    kern_.pack_b(H, G, L.r_t.data(), G, L.r_t_packed.data());
    L.packed_version = params_version_;
  }

  for (int j = 0; j < G; j++) L.bias_sum[j] = bi[j] + bh[j];
  // The recurrence. Batch rows are independent, so each thread takes a block
  // of rows through every time step: one parallel region per layer, with no
  // barrier inside. Per step, for the block's rows (weights pre-packed):
  //   LSTM, RNN: Z_t = (b_ih + b_hh) + x_t W_ih^T + h_{t-1} W_hh^T, then the cell
  //   GRU: Zx_t = b_ih + x_t W_ih^T and Zh_t = b_hh + h_{t-1} W_hh^T apart,
  //        since n = tanh(Zx_n + r * Zh_n) needs Zh_n alone (reset after, as torch.nn.GRU)
  T* Z = L.gates.data();
  for_row_blocks(B, (double)G * (H + I) * TT, [&](int b0, int nb) {
    const int64_t o = (int64_t)b0 * H;
    for (int t = 0; t < TT; t++) {
      T* Zt = Z + (int64_t)t * B * G + (int64_t)b0 * G;
      T* Zh = kind == LayerKind::kGru ? L.zh.data() + (int64_t)t * B * G + (int64_t)b0 * G : Zt;
      const T* h_prev = L.hs.data() + t * BH + o;
      T* h = L.hs.data() + (t + 1) * BH + o;
      for (int r = 0; r < nb; r++) {
        if (kind == LayerKind::kGru) {
          std::memcpy(Zt + (int64_t)r * G, bi, sizeof(T) * G);
          std::memcpy(Zh + (int64_t)r * G, bh, sizeof(T) * G);
        } else {
          std::memcpy(Zt + (int64_t)r * G, L.bias_sum.data(), sizeof(T) * G);
        }
      }
      kern_.gemm_packed_b(nb, 0, G, G, I, x + ((int64_t)t * B + b0) * I, I, L.w_t_packed.data(), T(1), Zt, G);
      kern_.gemm_packed_b(nb, 0, G, G, H, h_prev, H, L.r_t_packed.data(), T(1), Zh, G);
      if (kind == LayerKind::kLstm) {
        // Hard-sigmoid gates (Keras 2) take the scalar cell: no SIMD twin for a rare option.
        (L.spec.hard_sigmoid ? &ref::lstm_cell_forward<T, true> : kern_.lstm_cell_forward)(
            nb, H, Zt, L.cs.data() + t * BH + o, L.cs.data() + (t + 1) * BH + o, L.tanh_c.data() + t * BH + o, h);
      } else if (kind == LayerKind::kGru) {
        ref::gru_cell_forward(nb, H, Zt, Zh, h_prev, h);
      } else {
        ref::rnn_cell_forward(nb, H, Zt, h, L.spec.activation == Activation::kRelu);
      }
    }
  });

  if (update_state && L.spec.stateful) {
    if (state_rows_ < B) {
      // Grow every stateful layer's state to B rows; new rows start at zero.
      for (Layer& S : layers_) {
        if (!is_recurrent(S.spec.kind)) continue;
        S.state_h.resize((int64_t)B * S.spec.units, T(0));
        S.state_c.resize((int64_t)B * S.spec.units, T(0));
      }
      state_rows_ = B;
    }
    std::memcpy(L.state_h.data(), L.hs.data() + TT * BH, sizeof(T) * BH);
    if (lstm) std::memcpy(L.state_c.data(), L.cs.data() + TT * BH, sizeof(T) * BH);
  }
}

template <typename T>
static T activate(Activation a, T z) {
  switch (a) {
    case Activation::kTanh: return std::tanh(z);
    case Activation::kSigmoid: return T(1) / (T(1) + std::exp(-z));
    case Activation::kRelu: return z > T(0) ? z : T(0);
    case Activation::kLinear: break;
  }
  return z;
}

// d activation / dz, written in terms of the activation's output y.
template <typename T>
static T activation_grad(Activation a, T y) {
  switch (a) {
    case Activation::kTanh: return T(1) - y * y;
    case Activation::kSigmoid: return y * (T(1) - y);
    case Activation::kRelu: return y > T(0) ? T(1) : T(0);
    case Activation::kLinear: break;
  }
  return T(1);
}

template <typename T>
void Network<T>::dense_forward(int k, const T* x) {
  Layer& L = layers_[k];
  const int64_t rows = (int64_t)L.rows_per_sample * batch_;
  const int O = L.spec.units, I = L.in;
  const T* W = params_.data() + L.w_off;  // (O, I)
  const T* b = params_.data() + L.bi_off;
  T* y = L.out.data();
  // y = act(x W^T + b)
  gemm(false, true, (int)rows, O, I, x, I, W, I, T(0), y, O);
  for (int64_t r = 0; r < rows; r++)
    for (int o = 0; o < O; o++) y[r * O + o] = activate(L.spec.activation, y[r * O + o] + b[o]);
}

// Inverted dropout: in training, y = x * m with m = 1 / (1 - rate) for a kept
// element and 0 for a dropped one (so inference is the identity, as Keras and
// torch.nn.Dropout do). Element e of layer k at training step s is dropped
// when a hash of (seed, s, k, e) falls below rate: the masks depend on the
// seed and the step only, not on threads or batch composition, and a
// gradient check (lossAndGradients) sees the same masks on every call.
static inline double dropout_uniform(uint64_t seed, uint64_t step, uint64_t layer, uint64_t e) {
  uint64_t z = seed ^ (step * 0x9e3779b97f4a7c15ULL) ^ (layer * 0xd1b54a32d192ed03ULL) ^ (e * 0x94d049bb133111ebULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;  // splitmix64 finalizer
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * (1.0 / 9007199254740992.0);  // [0, 1) from 53 bits
}

template <typename T>
void Network<T>::dropout_forward(int k, const T* x) {
  Layer& L = layers_[k];
  const int64_t n = (int64_t)L.rows_per_sample * batch_ * L.spec.units;
  if (!training_ || L.spec.rate == 0.0) {
    std::memcpy(L.out.data(), x, sizeof(T) * n);
    return;
  }
  const T keep_scale = T(1.0 / (1.0 - L.spec.rate));
  for (int64_t e = 0; e < n; e++) {
    const bool keep = dropout_uniform(dropout_seed_, dropout_step_, (uint64_t)k, (uint64_t)e) >= L.spec.rate;
    L.mask[e] = keep ? keep_scale : T(0);
    L.out[e] = x[e] * L.mask[e];
  }
}

// dL/dx = dL/dy * m (the identity outside training).
template <typename T>
void Network<T>::dropout_backward(int k, T* dx) {
  const Layer& L = layers_[k];
  const int64_t n = (int64_t)L.rows_per_sample * batch_ * L.spec.units;
  if (!training_ || L.spec.rate == 0.0) {
    std::memcpy(dx, L.dy.data(), sizeof(T) * n);
    return;
  }
  for (int64_t e = 0; e < n; e++) dx[e] = L.dy[e] * L.mask[e];
}

template <typename T>
void Network<T>::copy_output(T* out) const {
  const int B = batch_, S = out_steps(), O = out_units();
  const T* y = layer_output((int)layers_.size() - 1);  // (S*B, O), time-major
  for (int b = 0; b < B; b++)
    for (int t = 0; t < S; t++)
      std::memcpy(out + ((int64_t)b * S + t) * O, y + ((int64_t)t * B + b) * O, sizeof(T) * O);
}

template <typename T>
double Network<T>::loss(const T* y, const int64_t* rows, int64_t start, int B) {
  const int S = out_steps(), O = out_units();
  const T* yhat = layer_output((int)layers_.size() - 1);
  T* dy = layers_.back().dy.data();
  const double N = (double)B * S * O;
  double sum = 0.0;
  for (int b = 0; b < B; b++) {
    const int64_t r = rows ? rows[b] : start + b;
    const T* target = y + r * out_per_sample();
    for (int t = 0; t < S; t++)
      for (int o = 0; o < O; o++) {
        const int64_t i = ((int64_t)t * B + b) * O + o;
        const double e = (double)yhat[i] - (double)target[(int64_t)t * O + o];
        const double a = std::fabs(e), sign = (e > 0) - (e < 0);
        switch (loss_kind_) {
          case LossKind::kMse:
            sum += e * e;
            dy[i] = T(2.0 * e / N);
            break;
          case LossKind::kMae:
            sum += a;
            dy[i] = T(sign / N);
            break;
          case LossKind::kHuber:
            if (a < huber_delta_) {
              sum += 0.5 * e * e;
              dy[i] = T(e / N);
            } else {
              sum += huber_delta_ * (a - 0.5 * huber_delta_);
              dy[i] = T(huber_delta_ * sign / N);
            }
            break;
        }
      }
  }
  return sum / N;
}

template <typename T>
void Network<T>::backward() {
  pool_ = pool();
  for (int k = (int)layers_.size() - 1; k >= 0; k--) {
    T* dx = k > 0 ? layers_[k - 1].dy.data() : nullptr;
    if (is_recurrent(layers_[k].spec.kind))
      recurrent_backward(k, layer_input(k), dx);
    else if (layers_[k].spec.kind == LayerKind::kDense)
      dense_backward(k, layer_input(k), dx);
    else if (dx)
      dropout_backward(k, dx);
  }
}

template <typename T>
void Network<T>::dense_backward(int k, const T* x, T* dx) {
  Layer& L = layers_[k];
  const int64_t rows = (int64_t)L.rows_per_sample * batch_;
  const int O = L.spec.units, I = L.in;
  const T* W = params_.data() + L.w_off;
  T* dW = grads_.data() + L.w_off;
  T* db = grads_.data() + L.bi_off;
  T* dz = L.dy.data();  // dL/dy, turned into dL/dz in place
  for (int64_t r = 0; r < rows; r++)
    for (int o = 0; o < O; o++) {
      dz[r * O + o] *= activation_grad(L.spec.activation, L.out[r * O + o]);
      db[o] += dz[r * O + o];
    }
  gemm(true, false, O, I, (int)rows, dz, O, x, I, T(1), dW, I);  // dW += dZ^T X
  if (dx) gemm(false, false, (int)rows, I, O, dz, O, W, I, T(0), dx, I);  // dX = dZ W
}

template <typename T>
void Network<T>::recurrent_backward(int k, const T* x, T* dx) {
  Layer& L = layers_[k];
  const LayerKind kind = L.spec.kind;
  const bool gru = kind == LayerKind::kGru;
  const int B = batch_, TT = spec_.steps, H = L.spec.units, I = L.in, G = gate_blocks(kind) * H;
  const int64_t BH = (int64_t)B * H;
  const T* W = params_.data() + L.w_off;
  const T* R = params_.data() + L.r_off;
  T* dW = grads_.data() + L.w_off;
  T* dR = grads_.data() + L.r_off;
  T* dbi = grads_.data() + L.bi_off;
  T* dbh = grads_.data() + L.bh_off;
  const T* dy = L.dy.data();  // (T*B, H) if sequences, else (B, H) for the last step
  T* dh = dh_.data();
  T* dh_next = dh_next_.data();  // dz_{t+1} W_hh: what h_t receives through step t+1
  T* dc = dc_.data();
  std::fill(dh_next, dh_next + BH, T(0));
  std::fill(dc, dc + BH, T(0));
  kern_.pack_b(G, H, R, H, L.r_packed.data());
  if (dx) kern_.pack_b(G, I, W, I, L.w_packed.data());

  // BPTT, t = T-1 .. 0, rows independent: one block of rows per thread, which
  // also passes dz_t down to the layer below (dX_t = dz_t W_ih) while dz_t is in cache.
  for_row_blocks(B, (double)G * (H + (dx ? I : 0)) * TT, [&](int b0, int nb) {
    const int64_t o = (int64_t)b0 * H, n = (int64_t)nb * H;
    for (int t = TT - 1; t >= 0; t--) {
      const T* dy_t = L.spec.return_sequences ? dy + t * BH : (t == TT - 1 ? dy : nullptr);
      for (int64_t s = o; s < o + n; s++) dh[s] = dh_next[s] + (dy_t ? dy_t[s] : T(0));
      T* dZt = L.dgates.data() + (int64_t)t * B * G + (int64_t)b0 * G;
      const T* At = L.gates.data() + (int64_t)t * B * G + (int64_t)b0 * G;
      // dZh_t: the gradient of the hidden projection (the same as dZ_t but for the GRU).
      T* dZh = gru ? L.dzh.data() + (int64_t)t * B * G + (int64_t)b0 * G : dZt;
      if (kind == LayerKind::kLstm) {
        (L.spec.hard_sigmoid ? &ref::lstm_cell_backward<T, true> : kern_.lstm_cell_backward)(
            nb, H, At, L.cs.data() + t * BH + o, L.tanh_c.data() + t * BH + o, dh + o, dc + o, dZt);
      } else if (gru) {
        // Writes dZx_t, dZh_t and, into dh_next, the direct part z * dh of dL/dh_{t-1}.
        ref::gru_cell_backward(nb, H, At, L.zh.data() + (int64_t)t * B * G + (int64_t)b0 * G, L.hs.data() + t * BH + o, dh + o,
                               dZt, dZh, dh_next + o);
      } else {
        ref::rnn_cell_backward(nb, H, At, dh + o, dZt, L.spec.activation == Activation::kRelu);
      }
      // h_{t-1} feeds step t through W_hh: dh_{t-1} (recurrent part) = dZh_t W_hh
      // (added to the GRU's direct part).
      if (t > 0) kern_.gemm_packed_b(nb, 0, H, H, G, dZh, G, L.r_packed.data(), gru ? T(1) : T(0), dh_next + o, H);
      if (dx) kern_.gemm_packed_b(nb, 0, I, I, G, dZt, G, L.w_packed.data(), T(0), dx + ((int64_t)t * B + b0) * I, I);
    }
  });
  const T* dZ = L.dgates.data();                          // dZ_x (T*B, G)
  const T* dZh = gru ? L.dzh.data() : L.dgates.data();    // dZ_h (T*B, G)
  const int rows = TT * B;
  if (I <= kNarrowInput) {
    // Few input features (the book: 1): dW_ih^T (I, 4H) = X^T dZ reads dZ once
    // as it is, where dZ^T X would pack all of dZ^T for a 1-column product.
    T* dWt = dW_ih_t_.data();
    gemm(true, false, I, G, rows, x, I, dZ, G, T(0), dWt, G);
    for (int g = 0; g < G; g++)
      for (int i = 0; i < I; i++) dW[(int64_t)g * I + i] += dWt[(int64_t)i * G + g];
  } else {
    gemm(true, false, G, I, rows, dZ, G, x, I, T(1), dW, I);  // dW_ih += dZ^T X
  }
  gemm(true, false, G, H, rows, dZh, G, L.hs.data(), H, T(1), dR, H);  // dW_hh += dZh^T H_prev
  // db_ih += column sums of dZ_x and db_hh of dZ_h, as ones (1, T*B) · dZ
  // (one sum for both when they are the same).
  T* col_sums = col_sums_.data();
  gemm(false, false, 1, G, rows, ones_.data(), rows, dZ, G, T(0), col_sums, G);
  for (int j = 0; j < G; j++) dbi[j] += col_sums[j];
  if (gru) gemm(false, false, 1, G, rows, ones_.data(), rows, dZh, G, T(0), col_sums, G);
  for (int j = 0; j < G; j++) dbh[j] += col_sums[j];
}

template <typename T>
bool Network<T>::stateful() const {
  for (const Layer& L : layers_)
    if (is_recurrent(L.spec.kind) && L.spec.stateful) return true;
  return false;
}

template <typename T>
void Network<T>::prepare_replicas(int count, int B) {
  if ((int)replicas_.size() != count) {
    replicas_.clear();
    for (int i = 0; i < count; i++) replicas_.push_back(std::make_unique<Network>(spec_, kern_, /*threaded=*/false));
    replicas_version_ = ~uint64_t(0);
  }
  for (auto& r : replicas_) {
    if (replicas_version_ != params_version_) std::copy(params_.begin(), params_.end(), r->params());
    r->ensure_capacity(B);
  }
  replicas_version_ = params_version_;
}

template <typename T>
void Network<T>::reset_states() {
  for (Layer& L : layers_) {
    std::fill(L.state_h.begin(), L.state_h.end(), T(0));
    std::fill(L.state_c.begin(), L.state_c.end(), T(0));
  }
}

template <typename T>
void Network<T>::set_state(int k, const T* h, const T* c, int rows) {
  if (rows > state_rows_) {
    for (Layer& S : layers_) {
      if (!is_recurrent(S.spec.kind)) continue;
      S.state_h.resize((int64_t)rows * S.spec.units, T(0));
      S.state_c.resize((int64_t)rows * S.spec.units, T(0));
    }
    state_rows_ = rows;
  }
  Layer& L = layers_[k];
  std::memcpy(L.state_h.data(), h, sizeof(T) * rows * L.spec.units);
  std::memcpy(L.state_c.data(), c, sizeof(T) * rows * L.spec.units);
}

template <typename T>
void Network<T>::get_state(int k, T* h, T* c, int rows) const {
  const Layer& L = layers_[k];
  const int64_t n = (int64_t)std::min(rows, state_rows_) * L.spec.units;
  std::fill(h, h + (int64_t)rows * L.spec.units, T(0));
  std::fill(c, c + (int64_t)rows * L.spec.units, T(0));
  if (n > 0) {
    std::memcpy(h, L.state_h.data(), sizeof(T) * n);
    std::memcpy(c, L.state_c.data(), sizeof(T) * n);
  }
}

template class Network<float>;
template class Network<double>;

}  // namespace fc
