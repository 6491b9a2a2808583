#include "core/trainer.h"

#include "core/thread_pool.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fc {

fc_status train_epoch(Network<float>& net, Optimizer& opt, const float* x, const float* y, int64_t n,
                      int batch_size, bool shuffle, Rng& rng, const std::atomic<bool>* cancel,
                      const ProgressFn& progress, EpochResult* result) {
  if (n <= 0 || batch_size <= 0) return FC_STATUS_INVALID_ARGUMENT;
  if ((int64_t)opt.m.size() != net.num_params()) return FC_STATUS_NOT_COMPILED;
  std::vector<int64_t> order;
  if (shuffle) {
    order.resize(n);
    std::iota(order.begin(), order.end(), int64_t(0));
    for (int64_t i = n - 1; i > 0; i--) std::swap(order[i], order[(int64_t)rng.below(i + 1)]);
  }
  const int64_t batches = (n + batch_size - 1) / batch_size;
  double weighted = 0.0;
  int64_t seen = 0;
  *result = EpochResult{};
  result->batches = 0;
  for (int64_t b = 0; b < batches; b++) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      result->loss = seen ? weighted / seen : 0.0;
      return FC_STATUS_CANCELLED;
    }
    const int64_t start = b * batch_size;
    const int B = (int)std::min<int64_t>(batch_size, n - start);
    const int64_t* rows = shuffle ? order.data() + start : nullptr;
    // Training mode (dropout on) for this batch's forward and backward.
    net.set_training(true);
    net.forward(x, rows, start, B, /*update_state=*/true);
    const double loss = net.loss(y, rows, start, B);
    bool finite = std::isfinite(loss);
    if (finite) {
      net.zero_grads();
      net.backward();
    }
    net.set_training(false);
    net.advance_dropout();
    if (finite) finite = opt.step(net.kernels(), net.params(), net.grads(), net.num_params(), net.pool());
    if (!finite) {
      result->loss = seen ? weighted / seen : 0.0;
      result->failed_batch = b;
      return FC_STATUS_NON_FINITE;
    }
    weighted += loss * B;
    seen += B;
    result->batches = b + 1;
    if (progress) progress(BatchProgress{b + 1, batches, seen, weighted / seen});
  }
  result->loss = weighted / seen;
  return FC_STATUS_OK;
}

// Rows per forward when a stateless model predicts: the rows are independent,
// so a large batch is split into chunks whose activations stay in cache
// (throughput falls by half from 128 to 1,000 rows for the book model).
constexpr int kInferenceRows = 128;

fc_status predict(Network<float>& net, const float* x, int64_t n, int batch_size, float* out,
                  const std::atomic<bool>* cancel) {
  if (n <= 0 || batch_size <= 0) return FC_STATUS_INVALID_ARGUMENT;
  const int64_t per = net.out_per_sample();
  ThreadPool* pool = net.pool();
  if (pool && pool->size() > 1 && !net.stateful()) {
    // Chunks of at most kInferenceRows, the same number per thread.
    const int threads = pool->size();
    const int64_t per_thread = (n + threads - 1) / threads;
    const int64_t chunks = (per_thread + kInferenceRows - 1) / kInferenceRows;
    batch_size = (int)std::min<int64_t>(batch_size, (per_thread + chunks - 1) / chunks);
  }
  const int64_t batches = (n + batch_size - 1) / batch_size;
  const int tasks = pool ? std::min<int64_t>(pool->size(), batches) : 1;
  if (tasks > 1 && !net.stateful()) {
    // Stateless: batches are independent, so each thread takes a contiguous
    // share of them on its own replica. Every batch holds the same rows as in
    // the serial loop and each row's arithmetic does not depend on which
    // thread runs it, so the output is the same.
    net.prepare_replicas(tasks, (int)std::min<int64_t>(batch_size, n));
    std::atomic<bool> cancelled{false};
    pool->parallel_for(tasks, [&](int p) {
      Network<float>& r = net.replica(p);
      for (int64_t b = batches * p / tasks; b < batches * (p + 1) / tasks; b++) {
        if ((cancel && cancel->load(std::memory_order_relaxed)) || cancelled.load(std::memory_order_relaxed)) {
          cancelled.store(true);
          return;
        }
        const int64_t start = b * batch_size;
        const int B = (int)std::min<int64_t>(batch_size, n - start);
        r.forward(x, nullptr, start, B, /*update_state=*/false);
        r.copy_output(out + start * per);
      }
    });
    return cancelled.load() ? FC_STATUS_CANCELLED : FC_STATUS_OK;
  }
  for (int64_t start = 0; start < n; start += batch_size) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return FC_STATUS_CANCELLED;
    const int B = (int)std::min<int64_t>(batch_size, n - start);
    net.forward(x, nullptr, start, B, /*update_state=*/true);
    net.copy_output(out + start * per);
  }
  return FC_STATUS_OK;
}

template <typename T>
fc_status loss_and_gradients(Network<T>& net, const T* x, const T* y, int64_t n, double* loss) {
  if (n <= 0 || n > INT32_MAX) return FC_STATUS_INVALID_ARGUMENT;
  // Training mode: dropout masks of the current training step, the same on every call.
  net.set_training(true);
  net.forward(x, nullptr, 0, (int)n, /*update_state=*/false);
  *loss = net.loss(y, nullptr, 0, (int)n);
  net.zero_grads();
  net.backward();
  net.set_training(false);
  return std::isfinite(*loss) ? FC_STATUS_OK : FC_STATUS_NON_FINITE;
}

template fc_status loss_and_gradients<float>(Network<float>&, const float*, const float*, int64_t, double*);
template fc_status loss_and_gradients<double>(Network<double>&, const double*, const double*, int64_t, double*);

}  // namespace fc
