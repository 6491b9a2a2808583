// Optimizers over the whole parameter buffer at once: one state vector per
// moment, the same layout as the parameters.
#ifndef FLOWCAST_CORE_OPTIMIZER_H
#define FLOWCAST_CORE_OPTIMIZER_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/thread_pool.h"

namespace fc {

// Adam as Keras implements it (Kingma & Ba 2015, with Keras's epsilon
// placement; defaults lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7):
//   m = b1 m + (1 - b1) g          v = b2 v + (1 - b2) g^2
//   alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t)
//   p -= alpha_t m / (sqrt(v) + eps)
// torch.optim.Adam instead divides by sqrt(v_hat) + eps; the two differ
// where sqrt(v) is near eps.
struct Adam {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
  int64_t step_count = 0;
  std::vector<float> m, v;

  void reset(long n) {
    m.assign(n, 0.0f);
    v.assign(n, 0.0f);
    step_count = 0;
  }

  // Applies one update, split across `pool` (may be null) in fixed chunks;
  // elementwise, so the result does not depend on the thread count. If any
  // updated parameter or moment would be NaN or infinite, nothing is written
  // (parameters, moments and the step count keep their values) and false is
  // returned: a diverging step never corrupts the model.
  bool step(float* params, const float* grads, long n, ThreadPool* pool = nullptr) {
    const double t = (double)(step_count + 1);
    const float alpha = (float)(learning_rate * std::sqrt(1.0 - std::pow(beta2, t)) /
                                (1.0 - std::pow(beta1, t)));
    const float b1 = (float)beta1, b2 = (float)beta2, eps = (float)epsilon;
    constexpr long kChunk = 1 << 14;
    const int chunks = (int)((n + kChunk - 1) / kChunk);
    std::vector<char> bad(chunks, 0);
    auto run = [&](const std::function<void(int)>& fn) {
      if (pool)
        pool->parallel_for(chunks, fn);
      else
        for (int c = 0; c < chunks; c++) fn(c);
    };
    // Pass 1: check (x - x == 0 exactly when x is finite; no early exit, so
    // the loop vectorizes). Pass 2: write. Both compute the same expressions.
    run([&](int c) {
      const long lo = c * kChunk, hi = std::min(n, lo + kChunk);
      int b = 0;
      for (long i = lo; i < hi; i++) {
        const float g = grads[i];
        const float mi = b1 * m[i] + (1.0f - b1) * g;
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        const float p = params[i] - alpha * mi / (std::sqrt(vi) + eps);
        b |= !(p - p == 0.0f) | !(vi - vi == 0.0f);
      }
      bad[c] = (char)b;
    });
    for (char b : bad)
      if (b) return false;
    run([&](int c) {
      const long lo = c * kChunk, hi = std::min(n, lo + kChunk);
      for (long i = lo; i < hi; i++) {
        const float g = grads[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        params[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
      }
    });
    step_count++;
    return true;
  }
};

}  // namespace fc

#endif  // FLOWCAST_CORE_OPTIMIZER_H
