// A stack of recurrent layers (LSTM, GRU, simple RNN) followed by Dense
// layers, with Dropout anywhere between, with forward, BPTT and the loss
// (MSE, MAE or Huber) over one contiguous parameter buffer (and one gradient
// buffer of the same layout). Templated on the element type: float for
// training, double for the finite-difference oracle; both use a KernelTable<T>.
//
// Internally every activation is time-major, so each time step is one
// contiguous (B, .) block. For a recurrent layer with G = blocks * H gate rows
// (LSTM 4: i, f, g, o; GRU 3: r, z, n; RNN 1):
//   x_tm   (T, B, F)       the batch, transposed from the user's (B, T, F)
//   gates  (T, B, G)       LSTM/RNN: z = (b_ih + b_hh) + x W_ih^T + h_{t-1} W_hh^T;
//                          GRU: Zx = b_ih + x W_ih^T (and zh: Zh = b_hh + h_{t-1} W_hh^T);
//                          computed step by step per block of rows, activated in place
//   hs     (T+1, B, H)     slot 0 is the initial state, slot t+1 is after step t,
//                          so hs[0..T) is "h_prev" and hs[1..T] the output, both
//                          contiguous: the weight gradients are whole-sequence GEMMs
//   cs, tanh_c             LSTM only: the cell state (T+1, B, H) and tanh(c) (T, B, H)
// LSTM per step: c_t = f_t * c_{t-1} + i_t * g_t, h_t = o_t * tanh(c_t).
// BPTT per layer, t = T-1 .. 0 (pointwise parts: kernels.h, reference.h):
//   dZ_t = cell_backward(dh_t + dZh_{t+1} W_hh, ...)
//   dW_ih += dZx^T X,  dW_hh += dZh^T H_prev,  db_ih += sum_rows dZx, db_hh += sum_rows dZh
//   (dZx = dZh = dZ except in the GRU), dX_t = dZx_t W_ih (the layer below's dh,
//   per step with the recurrence).
// Stateful layers start from their saved (h, c) rows instead of zeros; the
// gradient is truncated at the batch boundary (Keras semantics).
#ifndef FLOWCAST_CORE_NETWORK_H
#define FLOWCAST_CORE_NETWORK_H

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/spec.h"
#include "kernels/kernels.h"

namespace fc {

class ThreadPool;

enum class LossKind { kMse, kMae, kHuber };

template <typename T>
class Network {
 public:
  // spec must have passed validate_spec. With threaded, the large GEMMs and
  // the recurrence (by blocks of batch rows) split across the global thread
  // pool, with the same results at any thread count (see thread_pool.h).
  Network(const NetworkSpec& spec, const KernelTable<T>& kernels, bool threaded = false);

  const NetworkSpec& spec() const { return spec_; }
  const KernelTable<T>& kernels() const { return kern_; }
  const std::vector<ParamEntry>& layout() const { return layout_; }
  int64_t num_params() const { return num_params_; }
  // Mutable access counts as a change: the packed copies of the recurrent
  // weights are rebuilt before the next forward (see packed_version).
  T* params() {
    params_version_++;
    return params_.data();
  }
  const T* params() const { return params_.data(); }
  T* grads() { return grads_.data(); }
  // The pool this network splits work across, or null when single-threaded.
  ThreadPool* pool() const;
  void zero_grads();

  // Per-sample output: out_steps() x out_units() (out_steps is T when the last
  // LSTM returns sequences, else 1).
  int out_steps() const { return seq_out_ ? spec_.steps : 1; }
  int out_units() const { return spec_.layers.back().units; }
  int64_t out_per_sample() const { return (int64_t)out_steps() * out_units(); }
  int64_t in_per_sample() const { return (int64_t)spec_.steps * spec_.features; }

  // Runs B samples. Sample s of the batch is x + row(s) * in_per_sample(),
  // with row(s) = rows[s] if rows is non-null, else start + s. With
  // update_state, stateful layers save their final (h, c) rows afterwards.
  void forward(const T* x, const int64_t* rows, int64_t start, int B, bool update_state);

  // Copies the last forward's output, batch-major (B, out_steps, out_units).
  void copy_output(T* out) const;

  // The loss, a mean over the N = B * out_per_sample() elements of a
  // function of e = y_hat - y (torch.nn's MSELoss, L1Loss, HuberLoss):
  //   mse:   e^2                                        dL/dy_hat = 2 e / N
  //   mae:   |e|                                        sign(e) / N
  //   huber: e^2 / 2 if |e| < d, else d (|e| - d / 2)   e / N, or d sign(e) / N
  // It also seeds the backward pass with dL/dy_hat. Targets are addressed
  // like x. Returns the loss in double precision.
  double loss(const T* y, const int64_t* rows, int64_t start, int B);
  void set_loss(LossKind kind, double huber_delta = 1.0) {
    loss_kind_ = kind;
    huber_delta_ = huber_delta;
  }

  // Accumulates dL/dparams into grads() (call zero_grads() first for a fresh
  // gradient), for the batch of the last forward and loss.
  void backward();

  // Training mode turns dropout on (masks from the seed and the training
  // step); off, dropout layers pass values through. advance_dropout() moves
  // to the next step's masks (once per training batch).
  void set_training(bool on) { training_ = on; }
  // Dropout masks come from the model seed through their own stream of it.
  void seed_dropout(uint64_t model_seed) { dropout_seed_ = model_seed ^ 0xd6e8feb86659fd93ULL; }
  void advance_dropout() { dropout_step_++; }
  uint64_t dropout_step() const { return dropout_step_; }
  void set_dropout_step(uint64_t step) { dropout_step_ = step; }

  // True if any LSTM layer carries state across batches.
  bool stateful() const;

  // Single-threaded copies of this network for batch-parallel inference: each
  // pool thread runs whole batches on its own replica, with no barrier per
  // layer or step. replica(i) has the current parameters and workspaces for
  // B rows (call prepare_replicas on the calling thread first: it allocates).
  void prepare_replicas(int count, int B);
  Network& replica(int i) { return *replicas_[i]; }

  // Stateful state: (h, c) rows per LSTM layer. reset_states zeros all rows.
  void reset_states();
  int state_rows() const { return state_rows_; }
  // Layer index k must be an LSTM layer; h and c are (rows, H).
  void set_state(int k, const T* h, const T* c, int rows);
  void get_state(int k, T* h, T* c, int rows) const;

 private:
  struct Layer {
    LayerSpec spec;
    int in = 0;  // input width
    int64_t w_off = 0, r_off = 0, bi_off = 0, bh_off = 0;  // LSTM: weight_ih, weight_hh, bias_ih, bias_hh
    // Dense: w_off = weight (O, I), bi_off = bias (O)
    int rows_per_sample = 1;  // output rows per sample: T (sequence) or 1
    std::vector<T> w_t, r_t;                        // LSTM: weight_ih^T (I, 4H), weight_hh^T (H, 4H)
    std::vector<T> bias_sum;                        // LSTM: b_ih + b_hh (4H)
    std::vector<T> w_t_packed, r_t_packed;          // W_ih^T, W_hh^T packed for the kernels (pack_b): forward
    std::vector<T> w_packed, r_packed;              // W_ih, W_hh packed: BPTT (dX and dh products)
    uint64_t packed_version = ~uint64_t(0);         // params_version_ w_t / r_t_packed were built from
    std::vector<T> gates, hs, cs, tanh_c, dgates;  // recurrent workspaces (cs, tanh_c: LSTM only)
    std::vector<T> zh, dzh;                         // GRU: hidden projection Zh_t and its gradient
    std::vector<T> out;                             // Dense output (rows, O), activated; Dropout output
    std::vector<T> mask;                            // Dropout: 0 or 1 / (1 - rate) per element, training
    std::vector<T> dy;                              // dL/d(output) (rows, units)
    std::vector<T> state_h, state_c;                // LSTM stateful rows (state_rows_, H)
  };

  void ensure_capacity(int B);
  void gemm(bool ta, bool tb, int M, int N, int K, const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc);
  void for_row_blocks(int B, double work, const std::function<void(int, int)>& fn);
  void recurrent_forward(int k, const T* x, bool update_state);   // LSTM, GRU, RNN
  void recurrent_backward(int k, const T* x, T* dx);
  void dense_forward(int k, const T* x);
  void dense_backward(int k, const T* x, T* dx);
  void dropout_forward(int k, const T* x);
  void dropout_backward(int k, T* dx);
  const T* layer_input(int k) const;   // (rows, in) input of layer k, time-major rows
  const T* layer_output(int k) const;  // (rows, units) output of layer k, time-major rows

  NetworkSpec spec_;
  const KernelTable<T>& kern_;
  bool threaded_ = false;
  ThreadPool* pool_ = nullptr;  // set per forward/backward when threaded_
  std::vector<ParamEntry> layout_;
  int64_t num_params_ = 0;
  std::vector<T> params_, grads_;
  uint64_t params_version_ = 0;
  std::vector<Layer> layers_;
  int last_lstm_ = 0;
  bool seq_out_ = false;
  int capacity_ = 0;  // batch rows the workspaces hold
  int batch_ = 0;     // B of the last forward
  int state_rows_ = 0;
  std::vector<T> x_tm_;   // (T, B, F)
  std::vector<T> ones_;   // (T*B) ones: bias terms as rank-1 GEMMs
  std::vector<T> dh_, dh_next_, dc_;  // (B, H_max) scratch for BPTT
  std::vector<T> dW_ih_t_;             // (I, 4H) scratch: dW_ih^T of a narrow-input layer
  std::vector<T> col_sums_;            // (4H_max) scratch: column sums of dZ (the bias gradient)
  std::vector<double> loss_scratch_;
  bool training_ = false;
  uint64_t dropout_seed_ = 0, dropout_step_ = 0;
  LossKind loss_kind_ = LossKind::kMse;
  double huber_delta_ = 1.0;
  std::vector<std::unique_ptr<Network>> replicas_;
  uint64_t replicas_version_ = ~uint64_t(0);  // params_version_ the replicas copied
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace fc

#endif  // FLOWCAST_CORE_NETWORK_H
