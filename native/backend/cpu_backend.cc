#include "backend/cpu_backend.h"

#include <cstring>

#include "core/init.h"

namespace fc {

// The generator is seeded, then draws the Keras initialization; what it
// holds afterwards drives the shuffles, so the order of these steps is part
// of what "the same seed gives the same model" means.
CpuBackend::CpuBackend(const NetworkSpec& spec, uint64_t seed, const KernelTable<float>& kernels)
    : net_(spec, kernels, /*threaded=*/true) {
  rng_.reseed(seed);
  keras_initialize(net_, rng_);
  net_.seed_dropout(seed);
}

void CpuBackend::read_params(float* out) const {
  // Through the const view: reading must not mark the parameters changed.
  const Network<float>& net = net_;
  std::memcpy(out, net.params(), sizeof(float) * net.num_params());
}

void CpuBackend::write_params(const float* in) {
  std::memcpy(net_.params(), in, sizeof(float) * net_.num_params());
}

void CpuBackend::compile(const OptimizerConfig& config) {
  optimizer_.reset(config, net_.num_params());
  compiled_ = true;
}

TrainingState CpuBackend::training_state() const {
  TrainingState s;
  s.step = optimizer_.step_count;
  s.m = optimizer_.m;
  s.v = optimizer_.v;
  s.ga = optimizer_.ga;
  rng_.get_state(s.rng);
  s.dropout_step = net_.dropout_step();
  return s;
}

bool CpuBackend::set_training_state(const TrainingState& s) {
  if (!compiled_ || s.m.size() != optimizer_.m.size() || s.v.size() != optimizer_.v.size() ||
      s.ga.size() != optimizer_.ga.size())
    return false;
  optimizer_.step_count = s.step;
  optimizer_.m = s.m;
  optimizer_.v = s.v;
  optimizer_.ga = s.ga;
  rng_.set_state(s.rng);
  net_.set_dropout_step(s.dropout_step);
  return true;
}

fc_status CpuBackend::train_epoch(const float* x, const float* y, int64_t n, int batch_size, bool shuffle,
                                  const std::atomic<bool>* cancel, const ProgressFn& progress, EpochResult* result) {
  if (!compiled_) return FC_STATUS_NOT_COMPILED;
  return fc::train_epoch(net_, optimizer_, x, y, n, batch_size, shuffle, rng_, cancel, progress, result);
}

fc_status CpuBackend::predict(const float* x, int64_t n, int batch_size, float* out, const std::atomic<bool>* cancel) {
  return fc::predict(net_, x, n, batch_size, out, cancel);
}

fc_status CpuBackend::loss_and_gradients(const float* x, const float* y, int64_t n, double* loss, float* gradients) {
  const fc_status status = fc::loss_and_gradients(net_, x, y, n, loss);
  std::memcpy(gradients, net_.grads(), sizeof(float) * net_.num_params());
  return status;
}

}  // namespace fc
