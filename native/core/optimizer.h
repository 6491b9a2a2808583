// Optimizers over the whole parameter buffer at once: one state vector per
// moment, the same layout as the parameters.
#ifndef FLOWCAST_CORE_OPTIMIZER_H
#define FLOWCAST_CORE_OPTIMIZER_H

#include <cmath>
#include <cstdint>
#include <vector>

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

  // Applies one update. If any updated parameter or moment would be NaN or
  // infinite, nothing is written (parameters, moments and the step count keep
  // their values) and false is returned: a diverging step never corrupts the model.
  bool step(float* params, const float* grads, long n) {
    const double t = (double)(step_count + 1);
    const float alpha = (float)(learning_rate * std::sqrt(1.0 - std::pow(beta2, t)) /
                                (1.0 - std::pow(beta1, t)));
    const float b1 = (float)beta1, b2 = (float)beta2, eps = (float)epsilon;
    // Pass 1: check. Pass 2: write. Both compute the same float expressions.
    for (long i = 0; i < n; i++) {
      const float g = grads[i];
      const float mi = b1 * m[i] + (1.0f - b1) * g;
      const float vi = b2 * v[i] + (1.0f - b2) * g * g;
      const float p = params[i] - alpha * mi / (std::sqrt(vi) + eps);
      if (!std::isfinite(p) || !std::isfinite(vi)) return false;
    }
    for (long i = 0; i < n; i++) {
      const float g = grads[i];
      m[i] = b1 * m[i] + (1.0f - b1) * g;
      v[i] = b2 * v[i] + (1.0f - b2) * g * g;
      params[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
    }
    step_count++;
    return true;
  }
};

}  // namespace fc

#endif  // FLOWCAST_CORE_OPTIMIZER_H
