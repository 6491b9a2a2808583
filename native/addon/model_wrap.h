// NativeModel: the JS handle on one compute backend (backend/backend.h),
// which owns the parameters, gradients, optimizer state and recurrent state
// as contiguous buffers. Only typed arrays, numbers and shapes cross; this
// file checks them and runs the backend's long calls in async workers; it
// knows no backend by its type.
//
// TS signatures (lib/native/binding.ts mirrors these):
//   new NativeModel(spec: NativeSpec, seed: number, isa?: string, backend?: string)
//                                             isa: a kernel table by name; backend: by name
//                                             (default: the first of backends())
//   backend(): string                         the backend this model runs on ('cpu')
//   isa(): string                             the kernel table it runs
//   paramCount(): number
//   layout(): { name: string, offset: number, shape: number[] }[]
//   getParams(): Float32Array                 setParams(p: Float32Array): void
//   compileAdam(lr, beta1, beta2, epsilon): void (Keras Adam)
//   compileOptimizer({ type, learningRate, beta1, beta2, epsilon, momentum, nesterov,
//                      alpha, centered, weightDecay, clipNorm, clipValue }): void
//   setLearningRate(lr): void (keeps the optimizer state)
//   setLoss('mse' | 'mae' | 'huber', huberDelta): void
//   getTrainingState(): { step, m, v, ga: Float32Array, rng: Uint32Array(8), dropoutStep }
//   setTrainingState(step, m, v, ga, rng, dropoutStep): void (checkpoint resume)
//   fitEpoch(x, y, n, batchSize, shuffle, onProgress(batch, batches, samples, loss)):
//       Promise<{ loss: number, batches: number }>
//   predict(x, n, batchSize): Promise<Float32Array>
//   predictSync(x, n, batchSize): Float32Array   on the calling thread; for tiny inputs (streaming)
//   lossAndGradients(x, y, n): Promise<{ loss: number, gradients: Float32Array }>
//   resetStates(): void   stateRows(): number
//   getState(layer, rows): { h: Float32Array, c: Float32Array }
//   setState(layer, h, c, rows): void
//   cancel(): void        busy(): boolean      dispose(): void
#ifndef FLOWCAST_ADDON_MODEL_WRAP_H
#define FLOWCAST_ADDON_MODEL_WRAP_H

#include <cstdint>
#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

#include "addon/errors.h"
#include "backend/backend.h"

namespace fc_addon {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit ModelWrap(const Napi::CallbackInfo& info);

  // Used by the workers (main thread only).
  fc::Backend& backend() { return *backend_; }
  std::atomic<bool>& cancel_flag() { return cancel_; }
  void set_busy(const char* what) {
    busy_ = what;
    running_++;
  }
  void clear_busy() {
    busy_ = nullptr;
    running_--;
  }
  // Models with work in flight, process-wide (main thread only).
  static int running() { return running_; }

 private:
  // An instance method wrapped in CatchAll (addon/errors.h), as registered.
  template <Napi::Value (ModelWrap::*Method)(const Napi::CallbackInfo&)>
  Napi::Value Guarded(const Napi::CallbackInfo& info) {
    return CatchAll(info.Env(), [&] { return (this->*Method)(info); });
  }
  // The largest batch whose rows (batch * steps) one GEMM can take.
  int64_t MaxBatch() const { return fc::kMaxRows / backend_->spec().steps; }
  void Construct(const Napi::CallbackInfo& info);
  // Throws and returns false if disposed or busy.
  bool Usable(Napi::Env env);
  // Reads (x, n, batchSize) of predict / predictSync; throws and returns false on bad input.
  bool PredictArgs(const Napi::CallbackInfo& info, int64_t* n, int64_t* batch);

  Napi::Value BackendName(const Napi::CallbackInfo& info);
  Napi::Value Isa(const Napi::CallbackInfo& info);
  Napi::Value ParamCount(const Napi::CallbackInfo& info);
  Napi::Value Layout(const Napi::CallbackInfo& info);
  Napi::Value GetParams(const Napi::CallbackInfo& info);
  Napi::Value SetParams(const Napi::CallbackInfo& info);
  Napi::Value CompileAdam(const Napi::CallbackInfo& info);
  Napi::Value CompileOptimizer(const Napi::CallbackInfo& info);
  Napi::Value SetLearningRate(const Napi::CallbackInfo& info);
  Napi::Value SetLoss(const Napi::CallbackInfo& info);
  Napi::Value GetTrainingState(const Napi::CallbackInfo& info);
  Napi::Value SetTrainingState(const Napi::CallbackInfo& info);
  Napi::Value FitEpoch(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  Napi::Value PredictSync(const Napi::CallbackInfo& info);
  Napi::Value LossAndGradients(const Napi::CallbackInfo& info);
  Napi::Value ResetStates(const Napi::CallbackInfo& info);
  Napi::Value StateRows(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value SetState(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Busy(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<fc::Backend> backend_;
  std::atomic<bool> cancel_{false};
  const char* busy_ = nullptr;  // what the model is busy with, or null
  static inline int running_ = 0;
  int64_t external_bytes_ = 0;
};

}  // namespace fc_addon

#endif  // FLOWCAST_ADDON_MODEL_WRAP_H
