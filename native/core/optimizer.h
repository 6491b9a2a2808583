// Optimizers over the whole parameter buffer at once: one state vector per
// moment or buffer, the same layout as the parameters.
//
// Every update is elementwise, run in fixed chunks (split across the pool
// when given), so results do not depend on the thread count. Each step first
// checks that no updated parameter or state would be NaN or infinite and
// writes nothing if one would: a diverging step never corrupts the model.
//
// Formulas, with g the gradient after clipping and t the 1-based step:
//   Adam, Keras form (default; the book's):
//     m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
//     p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
//   AdamW (torch.optim.AdamW; Adam in PyTorch form when weight_decay = 0):
//     p *= 1 - lr wd;  m, v as above
//     p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
//   SGD (torch.optim.SGD, dampening 0):
//     g += wd p;  buf = g (t = 1) or mu buf + g;  d = g + mu buf (Nesterov) or buf
//     p -= lr d   (no buffer when mu = 0: d = g)
//   RMSprop (torch.optim.RMSprop):
//     g += wd p;  s = a s + (1 - a) g^2;  centered: ga = a ga + (1 - a) g, s' = s - ga^2
//     avg = sqrt(s or s') + eps;  mu > 0: buf = mu buf + g / avg, p -= lr buf;  else p -= lr g / avg
// Clipping, before the update: clip_value clamps each g to [-c, c]; clip_norm
// scales all of g by c / (||g||_2 + 1e-6) when that is below 1
// (torch.nn.utils.clip_grad_norm_ over all parameters).
#ifndef FLOWCAST_CORE_OPTIMIZER_H
#define FLOWCAST_CORE_OPTIMIZER_H

#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/kernels.h"

namespace fc {

enum class OptimizerKind { kAdam, kAdamW, kSgd, kRmsprop };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kAdam;
  double learning_rate = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;  // Adam, AdamW (epsilon: RMSprop too)
  double momentum = 0.0;                               // SGD, RMSprop
  bool nesterov = false;                               // SGD
  double alpha = 0.99;                                 // RMSprop smoothing
  bool centered = false;                               // RMSprop
  double weight_decay = 0.0;                           // AdamW (decoupled), SGD and RMSprop (L2 in g)
  double clip_norm = 0.0;                              // 0: off
  double clip_value = 0.0;                             // 0: off
};

class Optimizer {
 public:
  OptimizerConfig config;
  int64_t step_count = 0;
  // State, by kind: Adam/AdamW m, v; SGD buf (in m); RMSprop s (in v), buf (in m), ga (in ga).
  std::vector<float> m, v, ga;

  // Sets the config and zeroes the state for n parameters.
  void reset(const OptimizerConfig& c, int64_t n);
  // One update of params from grads (grads may be clipped in place).
  // Returns false, writing nothing to params or state, if the step is not finite.
  bool step(const KernelTable<float>& k, float* params, float* grads, int64_t n, ThreadPool* pool);

 private:
  bool clip(float* grads, int64_t n, ThreadPool* pool);
};

}  // namespace fc

#endif  // FLOWCAST_CORE_OPTIMIZER_H
