#include "core/optimizer.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace fc {

namespace {

constexpr int64_t kChunk = 1 << 14;

// Runs fn(lo, len) over fixed chunks of [0, n), on the pool when given.
void for_chunks(int64_t n, ThreadPool* pool, const std::function<void(int64_t, int64_t)>& fn) {
  const int chunks = (int)((n + kChunk - 1) / kChunk);
  auto body = [&](int c) {
    const int64_t lo = c * kChunk;
    fn(lo, std::min(n, lo + kChunk) - lo);
  };
  if (pool)
    pool->parallel_for(chunks, body);
  else
    for (int c = 0; c < chunks; c++) body(c);
}

// Checks (write = false) or applies (write = true) one non-Adam update to
// lanes [lo, lo + len). Returns true if any result is not finite. The same
// arithmetic runs in both passes, so a passing check means the applied
// values are finite.
struct Update {
  const OptimizerConfig& c;
  float lr, b1, b2, eps, mu, a, wd, bc1, bc2sqrt;
  bool first;

  bool operator()(bool write, int64_t lo, int64_t len, float* p, const float* g, float* m, float* v, float* ga) const {
    bool bad = false;
    for (int64_t i = lo; i < lo + len; i++) {
      float pi = p[i], gi = g[i], mi = m[i], vi = v[i], gai = ga ? ga[i] : 0.0f;
      switch (c.kind) {
        case OptimizerKind::kAdamW: {
          pi *= 1.0f - lr * wd;
          mi = b1 * mi + (1.0f - b1) * gi;
          vi = b2 * vi + (1.0f - b2) * gi * gi;
          pi -= (lr / bc1) * mi / (std::sqrt(vi) / bc2sqrt + eps);
          break;
        }
        case OptimizerKind::kSgd: {
          gi += wd * pi;
          float d = gi;
          if (mu != 0.0f) {
            mi = first ? gi : mu * mi + gi;
            d = c.nesterov ? gi + mu * mi : mi;
          }
          pi -= lr * d;
          break;
        }
        case OptimizerKind::kRmsprop: {
          gi += wd * pi;
          vi = a * vi + (1.0f - a) * gi * gi;
          float s = vi;
          if (c.centered) {
            gai = a * gai + (1.0f - a) * gi;
            s = vi - gai * gai;
          }
          const float avg = std::sqrt(s) + eps;
          if (mu > 0.0f) {
            mi = mu * mi + gi / avg;
            pi -= lr * mi;
          } else {
            pi -= lr * gi / avg;
          }
          break;
        }
        case OptimizerKind::kAdam:
          break;  // the kernel table's adam_check / adam_apply
      }
      if (!std::isfinite(pi) || !std::isfinite(mi) || !std::isfinite(vi) || !std::isfinite(gai)) bad = true;
      if (write) {
        p[i] = pi;
        m[i] = mi;
        v[i] = vi;
        if (ga) ga[i] = gai;
      }
    }
    return bad;
  }
};

}  // namespace

void Optimizer::reset(const OptimizerConfig& c, int64_t n) {
  config = c;
  m.assign(n, 0.0f);
  v.assign(n, 0.0f);
  ga.assign(c.kind == OptimizerKind::kRmsprop && c.centered ? n : 0, 0.0f);
  step_count = 0;
}

bool Optimizer::clip(float* grads, int64_t n, ThreadPool* pool) {
  if (config.clip_value > 0.0) {
    const float c = (float)config.clip_value;
    for_chunks(n, pool, [&](int64_t lo, int64_t len) {
      for (int64_t i = lo; i < lo + len; i++) grads[i] = std::min(c, std::max(-c, grads[i]));
    });
  }
  if (config.clip_norm > 0.0) {
    // ||g||_2 in double, chunk partial sums added in chunk order: the same at any thread count.
    const int chunks = (int)((n + kChunk - 1) / kChunk);
    std::vector<double> partial(chunks, 0.0);
    for_chunks(n, pool, [&](int64_t lo, int64_t len) {
      double s = 0.0;
      for (int64_t i = lo; i < lo + len; i++) s += (double)grads[i] * grads[i];
      partial[lo / kChunk] = s;
    });
    double total = 0.0;
    for (double s : partial) total += s;
    const double norm = std::sqrt(total);
    if (!std::isfinite(norm)) return false;
    const double coef = config.clip_norm / (norm + 1e-6);
    if (coef < 1.0) {
      const float f = (float)coef;
      for_chunks(n, pool, [&](int64_t lo, int64_t len) {
        for (int64_t i = lo; i < lo + len; i++) grads[i] *= f;
      });
    }
  }
  return true;
}

bool Optimizer::step(const KernelTable<float>& k, float* params, float* grads, int64_t n, ThreadPool* pool) {
  if (!clip(grads, n, pool)) return false;
  const double t = (double)(step_count + 1);
  const int chunks = (int)((n + kChunk - 1) / kChunk);
  std::vector<char> bad(chunks, 0);
  if (config.kind == OptimizerKind::kAdam) {
    const float alpha = (float)(config.learning_rate * std::sqrt(1.0 - std::pow(config.beta2, t)) /
                                (1.0 - std::pow(config.beta1, t)));
    const float b1 = (float)config.beta1, b2 = (float)config.beta2, eps = (float)config.epsilon;
    for_chunks(n, pool, [&](int64_t lo, int64_t len) {
      bad[lo / kChunk] = (char)k.adam_check(len, params + lo, grads + lo, m.data() + lo, v.data() + lo, alpha, b1, b2, eps);
    });
    for (char b : bad)
      if (b) return false;
    for_chunks(n, pool, [&](int64_t lo, int64_t len) {
      k.adam_apply(len, params + lo, grads + lo, m.data() + lo, v.data() + lo, alpha, b1, b2, eps);
    });
  } else {
    const Update u{config,
                   (float)config.learning_rate,
                   (float)config.beta1,
                   (float)config.beta2,
                   (float)config.epsilon,
                   (float)config.momentum,
                   (float)config.alpha,
                   (float)config.weight_decay,
                   (float)(1.0 - std::pow(config.beta1, t)),
                   (float)std::sqrt(1.0 - std::pow(config.beta2, t)),
                   step_count == 0};
    float* gav = ga.empty() ? nullptr : ga.data();
    for_chunks(n, pool, [&](int64_t lo, int64_t len) { bad[lo / kChunk] = (char)u(false, lo, len, params, grads, m.data(), v.data(), gav); });
    for (char b : bad)
      if (b) return false;
    for_chunks(n, pool, [&](int64_t lo, int64_t len) { u(true, lo, len, params, grads, m.data(), v.data(), gav); });
  }
  step_count++;
  return true;
}

}  // namespace fc
