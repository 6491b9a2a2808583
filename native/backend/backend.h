// The backend seam: what a compute backend gives one model. The binding
// (native/addon/model_wrap.cc) holds a Backend and talks to nothing else, so a
// second backend (wasm32, CUDA) is a second implementation of this class and
// one line in the registry (backend/registry.cc); the TypeScript side never
// knows which one runs.
//
// A backend owns, as contiguous buffers in its own memory, the parameters
// (PyTorch's layout, named by layout()), their gradients, the optimizer state
// and the recurrent state rows. What crosses is host float32 in that same
// layout: parameters, optimizer state and (h, c) rows read and write in host
// order whatever the device keeps, so a model saves, loads and resumes the
// same on every backend.
//
// Threads: the constructor and the configuration calls run on the JS thread;
// train_epoch, predict and loss_and_gradients run on a worker thread (never
// two at once for one backend: the binding marks the model busy) and report
// through status codes. No method lets a C++ exception out on purpose; the
// binding still catches any at its boundary.
#ifndef FLOWCAST_BACKEND_BACKEND_H
#define FLOWCAST_BACKEND_BACKEND_H

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/network.h"
#include "core/optimizer.h"
#include "core/spec.h"
#include "core/trainer.h"
#include "flowcast/flowcast.h"

namespace fc {

// Everything a checkpoint needs to resume training exactly. The vector
// lengths are the optimizer's (0 for a state it does not keep).
struct TrainingState {
  int64_t step = 0;                // optimizer steps taken
  std::vector<float> m, v, ga;     // optimizer state (see core/optimizer.h)
  uint32_t rng[8] = {};            // the shuffle generator
  uint64_t dropout_step = 0;       // which dropout masks come next
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Names for doctor() and the model's description: the backend ("cpu") and
  // the kernels it runs ("avx2", "scalar", ...).
  virtual const char* name() const = 0;
  virtual const char* kernels() const = 0;

  // Shapes. in/out_per_sample: floats per sample of x and of y or the output.
  virtual const NetworkSpec& spec() const = 0;
  virtual const std::vector<ParamEntry>& layout() const = 0;
  virtual int64_t num_params() const = 0;
  virtual int64_t in_per_sample() const = 0;
  virtual int64_t out_per_sample() const = 0;
  // Bytes this backend holds for the model (parameters, gradients), for the
  // JS garbage collector's accounting.
  virtual int64_t held_bytes() const = 0;

  // Parameters in host layout, num_params() floats.
  virtual void read_params(float* out) const = 0;
  virtual void write_params(const float* in) = 0;

  // Training configuration: compile() sets the optimizer and zeroes its
  // state; set_learning_rate keeps the state (schedules between epochs).
  virtual void compile(const OptimizerConfig& config) = 0;
  virtual bool compiled() const = 0;
  virtual void set_learning_rate(double learning_rate) = 0;
  virtual void set_loss(LossKind kind, double huber_delta) = 0;
  virtual TrainingState training_state() const = 0;
  // False, changing nothing, when the vector lengths are not the compiled
  // optimizer's.
  virtual bool set_training_state(const TrainingState& state) = 0;

  // One epoch of forward, loss, BPTT and an optimizer step per batch
  // (semantics: core/trainer.h train_epoch). Worker thread.
  virtual fc_status train_epoch(const float* x, const float* y, int64_t n, int batch_size, bool shuffle,
                                const std::atomic<bool>* cancel, const ProgressFn& progress,
                                EpochResult* result) = 0;
  // Forward only, batch by batch, carrying stateful layers' state; out is
  // (n, out_per_sample). Also the streaming step (n = the stream rows, on
  // the JS thread, cancel null).
  virtual fc_status predict(const float* x, int64_t n, int batch_size, float* out,
                            const std::atomic<bool>* cancel) = 0;
  // The loss and dL/dparams (host layout, num_params() floats) of all n
  // samples as one batch, changing neither parameters nor state. Worker thread.
  virtual fc_status loss_and_gradients(const float* x, const float* y, int64_t n, double* loss,
                                       float* gradients) = 0;

  // Recurrent state rows (stateful layers, streams): layer is the index of
  // a recurrent layer, h and c are (rows, units) in host layout (c unused
  // but written as zeros for GRU and RNN).
  virtual void reset_states() = 0;
  virtual int state_rows() const = 0;
  virtual void get_state(int layer, float* h, float* c, int rows) const = 0;
  virtual void set_state(int layer, const float* h, const float* c, int rows) = 0;
};

// The backends this build has, in order of preference ("cpu" always first
// today).
const std::vector<std::string>& backend_names();

// A new backend by name for spec (validated: validate_spec), its parameters
// initialized from seed as Keras would. kernels: a kernel table by name,
// or empty for the backend's own choice. Returns FC_STATUS_UNSUPPORTED with
// a detail naming what is missing when the backend or kernel table is not
// available here, FC_STATUS_OUT_OF_MEMORY when the buffers do not fit.
fc_status create_backend(const std::string& name, const NetworkSpec& spec, uint64_t seed, const std::string& kernels,
                         std::unique_ptr<Backend>* out, std::string* detail);

}  // namespace fc

#endif  // FLOWCAST_BACKEND_BACKEND_H
