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
#include "kernels/kernels.h"

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

  // Applies one update with the kernel table's adam_check / adam_apply,
  // split across `pool` (may be null) in fixed chunks; elementwise, so the
  // result does not depend on the thread count. If any updated parameter or
  // moment would be NaN or infinite, nothing is written (parameters, moments
  // and the step count keep their values) and false is returned: a diverging
  // step never corrupts the model.
  bool step(const KernelTable<float>& k, float* params, const float* grads, long n, ThreadPool* pool = nullptr) {
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
    run([&](int c) {
      const long lo = c * kChunk, len = std::min(n, lo + kChunk) - lo;
      bad[c] = (char)k.adam_check(len, params + lo, grads + lo, m.data() + lo, v.data() + lo, alpha, b1, b2, eps);
    });
    for (char b : bad)
      if (b) return false;
    run([&](int c) {
      const long lo = c * kChunk, len = std::min(n, lo + kChunk) - lo;
      k.adam_apply(len, params + lo, grads + lo, m.data() + lo, v.data() + lo, alpha, b1, b2, eps);
    });
    step_count++;
    return true;
  }
};

}  // namespace fc

#endif  // FLOWCAST_CORE_OPTIMIZER_H
