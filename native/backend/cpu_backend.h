// The CPU backend: one Network<float> on the kernel table chosen at load
// (kernels/dispatch.cc: AVX-512, AVX2, NEON or the scalar twin), its
// Optimizer and its shuffle generator, all in host memory; the large GEMMs
// and the recurrence split across the global thread pool with the same
// results at any thread count (core/thread_pool.h).
#ifndef FLOWCAST_BACKEND_CPU_BACKEND_H
#define FLOWCAST_BACKEND_CPU_BACKEND_H

#include <memory>

#include "backend/backend.h"
#include "core/rng.h"
#include "kernels/kernels.h"

namespace fc {

class CpuBackend final : public Backend {
 public:
  // Throws std::bad_alloc when the buffers do not fit (create_backend turns
  // it into a status).
  CpuBackend(const NetworkSpec& spec, uint64_t seed, const KernelTable<float>& kernels);

  const char* name() const override { return "cpu"; }
  const char* kernels() const override { return net_.kernels().isa; }
  const NetworkSpec& spec() const override { return net_.spec(); }
  const std::vector<ParamEntry>& layout() const override { return net_.layout(); }
  int64_t num_params() const override { return net_.num_params(); }
  int64_t in_per_sample() const override { return net_.in_per_sample(); }
  int64_t out_per_sample() const override { return net_.out_per_sample(); }
  int64_t held_bytes() const override { return net_.num_params() * 2 * (int64_t)sizeof(float); }

  void read_params(float* out) const override;
  void write_params(const float* in) override;

  void compile(const OptimizerConfig& config) override;
  bool compiled() const override { return compiled_; }
  void set_learning_rate(double learning_rate) override { optimizer_.config.learning_rate = learning_rate; }
  void set_loss(LossKind kind, double huber_delta) override { net_.set_loss(kind, huber_delta); }
  TrainingState training_state() const override;
  bool set_training_state(const TrainingState& state) override;

  fc_status train_epoch(const float* x, const float* y, int64_t n, int batch_size, bool shuffle,
                        const std::atomic<bool>* cancel, const ProgressFn& progress, EpochResult* result) override;
  fc_status predict(const float* x, int64_t n, int batch_size, float* out, const std::atomic<bool>* cancel) override;
  fc_status loss_and_gradients(const float* x, const float* y, int64_t n, double* loss, float* gradients) override;

  void reset_states() override { net_.reset_states(); }
  int state_rows() const override { return net_.state_rows(); }
  void get_state(int layer, float* h, float* c, int rows) const override { net_.get_state(layer, h, c, rows); }
  void set_state(int layer, const float* h, const float* c, int rows) override { net_.set_state(layer, h, c, rows); }

 private:
  Network<float> net_;
  Optimizer optimizer_;
  bool compiled_ = false;
  Rng rng_;
};

}  // namespace fc

#endif  // FLOWCAST_BACKEND_CPU_BACKEND_H
