#include "core/trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fc {

fc_status train_epoch(Network<float>& net, Adam& opt, const float* x, const float* y, int64_t n,
                      int batch_size, bool shuffle, Rng& rng, const std::atomic<bool>* cancel,
                      const ProgressFn& progress, EpochResult* result) {
  if (n <= 0 || batch_size <= 0) return FC_STATUS_INVALID_ARGUMENT;
  if ((long)opt.m.size() != net.num_params()) return FC_STATUS_NOT_COMPILED;
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
    net.forward(x, rows, start, B, /*update_state=*/true);
    const double loss = net.mse_loss(y, rows, start, B);
    bool finite = std::isfinite(loss);
    if (finite) {
      net.zero_grads();
      net.backward();
      finite = opt.step(net.kernels(), net.params(), net.grads(), net.num_params(), net.pool());
    }
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

fc_status predict(Network<float>& net, const float* x, int64_t n, int batch_size, float* out,
                  const std::atomic<bool>* cancel) {
  if (n <= 0 || batch_size <= 0) return FC_STATUS_INVALID_ARGUMENT;
  const long per = net.out_per_sample();
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
  net.forward(x, nullptr, 0, (int)n, /*update_state=*/false);
  *loss = net.mse_loss(y, nullptr, 0, (int)n);
  net.zero_grads();
  net.backward();
  return std::isfinite(*loss) ? FC_STATUS_OK : FC_STATUS_NON_FINITE;
}

template fc_status loss_and_gradients<float>(Network<float>&, const float*, const float*, int64_t, double*);
template fc_status loss_and_gradients<double>(Network<double>&, const double*, const double*, int64_t, double*);

}  // namespace fc
