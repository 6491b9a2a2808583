// Epoch-level loops over a data set: training (forward, loss, BPTT, an optimizer
// step per batch) and batched prediction. They run on worker threads; they never
// touch JS, report progress through a callback and stop at a batch boundary
// when *cancel becomes true.
#ifndef FLOWCAST_CORE_TRAINER_H
#define FLOWCAST_CORE_TRAINER_H

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/network.h"
#include "core/optimizer.h"
#include "core/rng.h"
#include "flowcast/flowcast.h"

namespace fc {

struct BatchProgress {
  int64_t batch = 0;    // 1-based index of the batch just finished
  int64_t batches = 0;  // batches in this epoch
  int64_t samples = 0;  // samples processed so far in this epoch
  double loss = 0.0;    // running mean loss over the epoch so far
};

using ProgressFn = std::function<void(const BatchProgress&)>;

struct EpochResult {
  double loss = 0.0;     // sample-weighted mean of the batch losses (Keras's epoch loss)
  int64_t batches = 0;   // batches completed
  int64_t failed_batch = -1;  // 0-based batch whose loss was not finite, or -1
};

// One epoch over n samples: x is (n, T, F), y is (n, out_per_sample). Batches
// of batch_size (the last may be smaller); with shuffle, sample order is a
// Fisher-Yates permutation drawn from rng. A batch whose loss or update is
// not finite stops the epoch with FC_STATUS_NON_FINITE before anything is
// written, so a failure leaves the last good weights and optimizer state.
fc_status train_epoch(Network<float>& net, Optimizer& opt, const float* x, const float* y, int64_t n,
                      int batch_size, bool shuffle, Rng& rng, const std::atomic<bool>* cancel,
                      const ProgressFn& progress, EpochResult* result);

// Forward only, in order, batch by batch; out is (n, out_per_sample).
// Stateful layers carry their state across batches (Keras predict semantics).
fc_status predict(Network<float>& net, const float* x, int64_t n, int batch_size, float* out,
                  const std::atomic<bool>* cancel);

// One forward + backward over all n samples as one batch, without updating
// parameters or stored state. grads() holds the gradient afterwards.
template <typename T>
fc_status loss_and_gradients(Network<T>& net, const T* x, const T* y, int64_t n, double* loss);

}  // namespace fc

#endif  // FLOWCAST_CORE_TRAINER_H
