#include "addon/model_wrap.h"

#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "addon/errors.h"
#include "addon/spec_from_js.h"

namespace fc_addon {
namespace {

// Typed-array backstops; lib/ has already validated with friendlier messages.
bool IsF32(Napi::Value v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

// v is a Float32Array of exactly count * per elements, compared by division
// so a huge count cannot overflow the product into a small array's length.
bool CheckF32(Napi::Env env, Napi::Value v, const char* name, int64_t count, int64_t per = 1) {
  if (!IsF32(v)) {
    TypeError(env, std::string(name) + " must be a Float32Array").ThrowAsJavaScriptException();
    return false;
  }
  const int64_t len = (int64_t)v.As<Napi::Float32Array>().ElementLength();
  if (per <= 0 || len % per != 0 || len / per != count) {
    TypeError(env, std::string(name) + " has " + std::to_string(len) + " elements, expected " + std::to_string(count) +
                       " x " + std::to_string(per))
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// A new Float32Array of count * per elements, or false with a JS error
// pending: the product is checked first, and with C++ exceptions disabled in
// node-addon-api a failed allocation returns an empty array and a pending
// exception rather than throwing, so it is checked after.
bool NewF32(Napi::Env env, int64_t count, int64_t per, Napi::Float32Array* out) {
  constexpr int64_t kMaxElements = int64_t(1) << 40;  // 4 TiB of float32: beyond any allocation
  if (count < 0 || per < 0 || (per > 0 && count > kMaxElements / per)) {
    StatusError(env, FC_STATUS_OUT_OF_MEMORY, std::to_string(count) + " x " + std::to_string(per) + " output values")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = Napi::Float32Array::New(env, (size_t)(count * per));
  return !env.IsExceptionPending();
}

// An integer count in [1, max]; max keeps products such as batch * steps
// (the rows of one GEMM, an int in the kernels) from overflowing.
bool GetCount(Napi::Env env, Napi::Value v, const char* name, int64_t max, int64_t* out) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0;
  if (!(d >= 1 && d <= (double)max) || d != (double)(int64_t)d) {
    TypeError(env, std::string(name) + " must be an integer from 1 to " + std::to_string(max) + ", received " +
                       (v.IsNumber() ? std::to_string(d) : std::string("a non-number")))
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = (int64_t)d;
  return true;
}

// Samples per call: any count a typed array can index.
constexpr int64_t kMaxSamples = int64_t(1) << 48;

// Runs a core status through to the promise. Called on the main thread.
void Settle(Napi::Promise::Deferred& deferred, Napi::Env env, fc_status status,
            const std::string& detail, Napi::Value value) {
  if (status == FC_STATUS_OK)
    deferred.Resolve(value);
  else
    deferred.Reject(StatusError(env, status, detail).Value());
}

// Base for the model's workers: keeps the model object and the input arrays
// alive while the work runs off the event loop, and clears the busy mark.
template <typename Base>
class ModelWorker : public Base {
 public:
  ModelWorker(Napi::Env env, ModelWrap* model, Napi::Object model_obj)
      : Base(env), deferred_(Napi::Promise::Deferred::New(env)), model_(model) {
    keep_.push_back(Napi::Persistent(Napi::Value(model_obj)));
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Keep(Napi::Value v) { keep_.push_back(Napi::Persistent(v)); }

 protected:
  void OnError(const Napi::Error& e) override {
    model_->clear_busy();
    deferred_.Reject(e.Value());
  }
  // Runs fn, turning C++ exceptions into statuses: nothing escapes a worker.
  template <typename Fn>
  void Guard(Fn&& fn) {
    try {
      status_ = fn();
    } catch (const std::bad_alloc&) {
      status_ = FC_STATUS_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
      status_ = FC_STATUS_INTERNAL;
      detail_ = e.what();
    } catch (...) {
      status_ = FC_STATUS_INTERNAL;
    }
  }

  Napi::Promise::Deferred deferred_;
  ModelWrap* model_;
  std::vector<Napi::Reference<Napi::Value>> keep_;
  fc_status status_ = FC_STATUS_OK;
  std::string detail_;
};

class FitEpochWorker : public ModelWorker<Napi::AsyncProgressQueueWorker<fc::BatchProgress>> {
 public:
  FitEpochWorker(Napi::Env env, ModelWrap* model, Napi::Object obj, const float* x, const float* y,
                 int64_t n, int batch, bool shuffle, Napi::Value on_progress)
      : ModelWorker(env, model, obj), x_(x), y_(y), n_(n), batch_(batch), shuffle_(shuffle) {
    if (on_progress.IsFunction()) progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
  }

  void Execute(const ExecutionProgress& progress) override {
    // Without a JS callback, nothing is queued per batch.
    fc::ProgressFn send;
    if (!progress_.IsEmpty()) send = [&](const fc::BatchProgress& p) { progress.Send(&p, 1); };
    Guard([&] {
      return model_->backend().train_epoch(x_, y_, n_, batch_, shuffle_, &model_->cancel_flag(), send, &result_);
    });
  }

  void OnProgress(const fc::BatchProgress* data, size_t count) override {
    if (progress_.IsEmpty() || !callback_error_.IsEmpty()) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; i++) {
      progress_.Call({Napi::Number::New(env, (double)data[i].batch), Napi::Number::New(env, (double)data[i].batches),
                      Napi::Number::New(env, (double)data[i].samples), Napi::Number::New(env, data[i].loss)});
      if (env.IsExceptionPending()) {
        // A throwing progress callback stops the epoch at the next batch and
        // becomes the promise's rejection.
        callback_error_ = Napi::Persistent(Napi::Value(env.GetAndClearPendingException().Value()));
        model_->cancel_flag().store(true);
        return;
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    model_->clear_busy();
    if (!callback_error_.IsEmpty()) {
      deferred_.Reject(callback_error_.Value());
      return;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("loss", result_.loss);
    out.Set("batches", Napi::Number::New(env, (double)result_.batches));
    if (status_ == FC_STATUS_OK) {
      deferred_.Resolve(out);
      return;
    }
    std::string detail = detail_;
    if (status_ == FC_STATUS_NON_FINITE)
      detail = "batch " + std::to_string(result_.failed_batch + 1) +
               " gave a non-finite loss or update; the parameters keep their values from before that batch";
    Napi::Error err = StatusError(env, status_, detail);
    err.Set("partial", out);
    deferred_.Reject(err.Value());
  }

 private:
  const float* x_;
  const float* y_;
  int64_t n_;
  int batch_;
  bool shuffle_;
  fc::EpochResult result_;
  Napi::FunctionReference progress_;
  Napi::Reference<Napi::Value> callback_error_;
};

class PredictWorker : public ModelWorker<Napi::AsyncWorker> {
 public:
  PredictWorker(Napi::Env env, ModelWrap* model, Napi::Object obj, const float* x, int64_t n, int batch,
                Napi::Float32Array out)
      : ModelWorker(env, model, obj), x_(x), n_(n), batch_(batch), out_(out.Data()) {
    Keep(out);
    out_index_ = keep_.size() - 1;
  }
  void Execute() override {
    Guard([&] { return model_->backend().predict(x_, n_, batch_, out_, &model_->cancel_flag()); });
  }
  void OnOK() override {
    model_->clear_busy();
    Settle(deferred_, Env(), status_, detail_, keep_[out_index_].Value());
  }

 private:
  const float* x_;
  int64_t n_;
  int batch_;
  float* out_;
  size_t out_index_ = 0;
};

class GradientWorker : public ModelWorker<Napi::AsyncWorker> {
 public:
  GradientWorker(Napi::Env env, ModelWrap* model, Napi::Object obj, const float* x, const float* y, int64_t n,
                 Napi::Float32Array grads)
      : ModelWorker(env, model, obj), x_(x), y_(y), n_(n), grads_(grads.Data()) {
    Keep(grads);
    grads_index_ = keep_.size() - 1;
  }
  void Execute() override {
    Guard([&] { return model_->backend().loss_and_gradients(x_, y_, n_, &loss_, grads_); });
  }
  void OnOK() override {
    Napi::Env env = Env();
    model_->clear_busy();
    Napi::Object out = Napi::Object::New(env);
    out.Set("loss", loss_);
    out.Set("gradients", keep_[grads_index_].Value());
    Settle(deferred_, env, status_, detail_, out);
  }

 private:
  const float* x_;
  const float* y_;
  int64_t n_;
  float* grads_;
  size_t grads_index_ = 0;
  double loss_ = 0.0;
};

}  // namespace

Napi::Function ModelWrap::Init(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::BackendName>>("backend"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Isa>>("isa"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::ParamCount>>("paramCount"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Layout>>("layout"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::GetParams>>("getParams"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::SetParams>>("setParams"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::CompileAdam>>("compileAdam"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::CompileOptimizer>>("compileOptimizer"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::SetLearningRate>>("setLearningRate"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::SetLoss>>("setLoss"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::GetTrainingState>>("getTrainingState"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::SetTrainingState>>("setTrainingState"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::FitEpoch>>("fitEpoch"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Predict>>("predict"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::PredictSync>>("predictSync"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::LossAndGradients>>("lossAndGradients"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::ResetStates>>("resetStates"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::StateRows>>("stateRows"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::GetState>>("getState"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::SetState>>("setState"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Cancel>>("cancel"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Busy>>("busy"),
                         InstanceMethod<&ModelWrap::Guarded<&ModelWrap::Dispose>>("dispose"),
                     });
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  CatchAll(info.Env(), [&] {
    Construct(info);
    return info.Env().Undefined();
  });
  if (info.Env().IsExceptionPending()) backend_.reset();
}

void ModelWrap::Construct(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  fc::NetworkSpec spec;
  if (!SpecFromJs(env, info[0], &spec)) return;
  if (!info[1].IsNumber()) {
    TypeError(env, "seed must be a number").ThrowAsJavaScriptException();
    return;
  }
  const uint64_t seed = (uint64_t)info[1].As<Napi::Number>().Int64Value();
  // Optional: a kernel table by name (tests and benchmarks) and a backend
  // by name (the per-backend test suites); undefined for the defaults.
  const std::string isa = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  const std::string name =
      info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : fc::backend_names().front();
  std::string detail;
  const fc_status status = fc::create_backend(name, spec, seed, isa, &backend_, &detail);
  if (status != FC_STATUS_OK) {
    backend_.reset();
    StatusError(env, status, detail).ThrowAsJavaScriptException();
    return;
  }
  external_bytes_ = backend_->held_bytes();
  Napi::MemoryManagement::AdjustExternalMemory(env, external_bytes_);
}

bool ModelWrap::Usable(Napi::Env env) {
  if (!backend_) {
    Napi::Error err = Napi::Error::New(env, "The model was disposed");
    err.Set("code", Napi::String::New(env, "ERR_FLOWCAST_DISPOSED"));
    err.ThrowAsJavaScriptException();
    return false;
  }
  if (busy_) {
    BusyError(env, busy_).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value ModelWrap::BackendName(const Napi::CallbackInfo& info) {
  if (!Usable(info.Env())) return info.Env().Undefined();
  return Napi::String::New(info.Env(), backend_->name());
}

Napi::Value ModelWrap::Isa(const Napi::CallbackInfo& info) {
  if (!Usable(info.Env())) return info.Env().Undefined();
  return Napi::String::New(info.Env(), backend_->kernels());
}

Napi::Value ModelWrap::ParamCount(const Napi::CallbackInfo& info) {
  if (!Usable(info.Env())) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), (double)backend_->num_params());
}

Napi::Value ModelWrap::Layout(const Napi::CallbackInfo& info) {
  if (!Usable(info.Env())) return info.Env().Undefined();
  return LayoutToJs(info.Env(), backend_->layout());
}

Napi::Value ModelWrap::GetParams(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  Napi::Float32Array out;
  if (!NewF32(env, backend_->num_params(), 1, &out)) return env.Undefined();
  backend_->read_params(out.Data());
  return out;
}

Napi::Value ModelWrap::SetParams(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env) || !CheckF32(env, info[0], "params", backend_->num_params())) return env.Undefined();
  backend_->write_params(info[0].As<Napi::Float32Array>().Data());
  return env.Undefined();
}

Napi::Value ModelWrap::CompileAdam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  for (int i = 0; i < 4; i++)
    if (!info[i].IsNumber()) {
      TypeError(env, "compileAdam expects 4 numbers").ThrowAsJavaScriptException();
      return env.Undefined();
    }
  fc::OptimizerConfig c;
  c.kind = fc::OptimizerKind::kAdam;
  c.learning_rate = info[0].As<Napi::Number>().DoubleValue();
  c.beta1 = info[1].As<Napi::Number>().DoubleValue();
  c.beta2 = info[2].As<Napi::Number>().DoubleValue();
  c.epsilon = info[3].As<Napi::Number>().DoubleValue();
  backend_->compile(c);
  return env.Undefined();
}

// The JS side (lib/model/optimizers.ts) validates every field; this only
// reads them, with the defaults of OptimizerConfig for absent ones.
Napi::Value ModelWrap::CompileOptimizer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  if (!info[0].IsObject()) {
    TypeError(env, "compileOptimizer expects a config object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const Napi::Object o = info[0].As<Napi::Object>();
  const std::string type = o.Get("type").IsString() ? o.Get("type").As<Napi::String>().Utf8Value() : "";
  fc::OptimizerConfig c;
  if (type == "adam") {
    c.kind = fc::OptimizerKind::kAdam;
  } else if (type == "adamw") {
    c.kind = fc::OptimizerKind::kAdamW;
  } else if (type == "sgd") {
    c.kind = fc::OptimizerKind::kSgd;
  } else if (type == "rmsprop") {
    c.kind = fc::OptimizerKind::kRmsprop;
  } else {
    TypeError(env, "unknown optimizer type '" + type + "'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto number = [&](const char* key, double* out) {
    if (o.Get(key).IsNumber()) *out = o.Get(key).As<Napi::Number>().DoubleValue();
  };
  auto flag = [&](const char* key, bool* out) {
    if (o.Get(key).IsBoolean()) *out = o.Get(key).As<Napi::Boolean>().Value();
  };
  number("learningRate", &c.learning_rate);
  number("beta1", &c.beta1);
  number("beta2", &c.beta2);
  number("epsilon", &c.epsilon);
  number("momentum", &c.momentum);
  flag("nesterov", &c.nesterov);
  number("alpha", &c.alpha);
  flag("centered", &c.centered);
  number("weightDecay", &c.weight_decay);
  number("clipNorm", &c.clip_norm);
  number("clipValue", &c.clip_value);
  backend_->compile(c);
  return env.Undefined();
}

// Changes the learning rate between epochs (schedules), keeping the optimizer state.
Napi::Value ModelWrap::SetLearningRate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  if (!info[0].IsNumber()) {
    TypeError(env, "setLearningRate expects a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  backend_->set_learning_rate(info[0].As<Napi::Number>().DoubleValue());
  return env.Undefined();
}

// setLoss(kind: 'mse' | 'mae' | 'huber', huberDelta): the training loss.
Napi::Value ModelWrap::SetLoss(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  fc::LossKind kind;
  if (!ParseLoss(env, info[0], info[1], &kind)) return env.Undefined();
  backend_->set_loss(kind, info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1.0);
  return env.Undefined();
}

// What a checkpoint needs to resume training exactly: the optimizer's step
// count and state vectors, and the shuffle generator's state.
Napi::Value ModelWrap::GetTrainingState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  auto copy = [&](const std::vector<float>& v) {
    Napi::Float32Array a;
    if (NewF32(env, (int64_t)v.size(), 1, &a) && !v.empty()) std::memcpy(a.Data(), v.data(), sizeof(float) * v.size());
    return a;
  };
  const fc::TrainingState s = backend_->training_state();
  Napi::Object o = Napi::Object::New(env);
  o.Set("step", Napi::Number::New(env, (double)s.step));
  o.Set("m", copy(s.m));
  o.Set("v", copy(s.v));
  o.Set("ga", copy(s.ga));
  o.Set("dropoutStep", Napi::Number::New(env, (double)s.dropout_step));
  Napi::Uint32Array rng = Napi::Uint32Array::New(env, 8);
  std::memcpy(rng.Data(), s.rng, sizeof s.rng);
  o.Set("rng", rng);
  return o;
}

// setTrainingState(step, m, v, ga, rng, dropoutStep): after compileOptimizer with the same
// config; the lengths must match the optimizer's state.
Napi::Value ModelWrap::SetTrainingState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  const auto is_type = [&](int i, napi_typedarray_type type) {
    return info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == type;
  };
  const auto floats = [&](int i) {
    const Napi::Float32Array a = info[i].As<Napi::Float32Array>();
    return std::vector<float>(a.Data(), a.Data() + a.ElementLength());
  };
  const bool typed = info[0].IsNumber() && is_type(1, napi_float32_array) && is_type(2, napi_float32_array) &&
                     is_type(3, napi_float32_array) && is_type(4, napi_uint32_array) &&
                     info[4].As<Napi::TypedArray>().ElementLength() == 8;
  // The backend refuses (changing nothing) vectors of the wrong lengths or
  // a state before compile; an absent dropoutStep keeps the current one.
  fc::TrainingState s;
  if (typed) {
    s.step = (int64_t)info[0].As<Napi::Number>().Int64Value();
    s.m = floats(1);
    s.v = floats(2);
    s.ga = floats(3);
    std::memcpy(s.rng, info[4].As<Napi::Uint32Array>().Data(), sizeof s.rng);
    s.dropout_step = info[5].IsNumber() ? (uint64_t)info[5].As<Napi::Number>().Int64Value()
                                        : backend_->training_state().dropout_step;
  }
  if (!typed || !backend_->set_training_state(s)) {
    StatusError(env, FC_STATUS_INVALID_ARGUMENT, "the training state does not match the compiled optimizer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return env.Undefined();
}

Napi::Value ModelWrap::FitEpoch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  if (!backend_->compiled()) {
    StatusError(env, FC_STATUS_NOT_COMPILED, "").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int64_t n = 0, batch = 0;
  if (!GetCount(env, info[2], "n", kMaxSamples, &n) || !GetCount(env, info[3], "batchSize", MaxBatch(), &batch))
    return env.Undefined();
  if (!CheckF32(env, info[0], "x", n, backend_->in_per_sample()) ||
      !CheckF32(env, info[1], "y", n, backend_->out_per_sample()))
    return env.Undefined();
  const bool shuffle = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  cancel_.store(false);
  auto* w = new FitEpochWorker(env, this, info.This().As<Napi::Object>(), info[0].As<Napi::Float32Array>().Data(),
                               info[1].As<Napi::Float32Array>().Data(), n, (int)batch, shuffle, info[5]);
  w->Keep(info[0]);
  w->Keep(info[1]);
  set_busy("fit()");
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

bool ModelWrap::PredictArgs(const Napi::CallbackInfo& info, int64_t* n, int64_t* batch) {
  Napi::Env env = info.Env();
  return Usable(env) && GetCount(env, info[1], "n", kMaxSamples, n) && GetCount(env, info[2], "batchSize", MaxBatch(), batch) &&
         CheckF32(env, info[0], "x", *n, backend_->in_per_sample());
}

Napi::Value ModelWrap::Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = 0, batch = 0;
  if (!PredictArgs(info, &n, &batch)) return env.Undefined();
  Napi::Float32Array out;
  if (!NewF32(env, n, backend_->out_per_sample(), &out)) return env.Undefined();
  cancel_.store(false);
  auto* w = new PredictWorker(env, this, info.This().As<Napi::Object>(), info[0].As<Napi::Float32Array>().Data(), n,
                              (int)batch, out);
  w->Keep(info[0]);
  set_busy("predict()");
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// Synchronous prediction for tiny inputs (a streaming step): no thread hop.
Napi::Value ModelWrap::PredictSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = 0, batch = 0;
  if (!PredictArgs(info, &n, &batch)) return env.Undefined();
  Napi::Float32Array out;
  if (!NewF32(env, n, backend_->out_per_sample(), &out)) return env.Undefined();
  fc_status st;
  try {
    st = backend_->predict(info[0].As<Napi::Float32Array>().Data(), n, (int)batch, out.Data(), nullptr);
  } catch (const std::bad_alloc&) {
    st = FC_STATUS_OUT_OF_MEMORY;
  }
  if (st != FC_STATUS_OK) {
    StatusError(env, st, "").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return out;
}

Napi::Value ModelWrap::LossAndGradients(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int64_t n = 0;
  if (!GetCount(env, info[2], "n", MaxBatch(), &n)) return env.Undefined();
  if (!CheckF32(env, info[0], "x", n, backend_->in_per_sample()) ||
      !CheckF32(env, info[1], "y", n, backend_->out_per_sample()))
    return env.Undefined();
  Napi::Float32Array grads;
  if (!NewF32(env, backend_->num_params(), 1, &grads)) return env.Undefined();
  auto* w = new GradientWorker(env, this, info.This().As<Napi::Object>(), info[0].As<Napi::Float32Array>().Data(),
                               info[1].As<Napi::Float32Array>().Data(), n, grads);
  w->Keep(info[0]);
  w->Keep(info[1]);
  set_busy("lossAndGradients()");
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value ModelWrap::ResetStates(const Napi::CallbackInfo& info) {
  if (Usable(info.Env())) backend_->reset_states();
  return info.Env().Undefined();
}

Napi::Value ModelWrap::StateRows(const Napi::CallbackInfo& info) {
  if (!Usable(info.Env())) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), backend_->state_rows());
}

static bool LstmLayerIndex(Napi::Env env, const fc::NetworkSpec& spec, Napi::Value v, int* k) {
  if (!v.IsNumber()) {
    TypeError(env, "layer must be a number").ThrowAsJavaScriptException();
    return false;
  }
  *k = v.As<Napi::Number>().Int32Value();
  if (*k < 0 || *k >= (int)spec.layers.size() || !fc::is_recurrent(spec.layers[*k].kind)) {
    TypeError(env, "layer " + std::to_string(*k) + " is not a recurrent layer").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value ModelWrap::GetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int k = 0;
  int64_t rows = 0;
  if (!Usable(env) || !LstmLayerIndex(env, backend_->spec(), info[0], &k) || !GetCount(env, info[1], "rows", MaxBatch(), &rows))
    return env.Undefined();
  const int64_t units = backend_->spec().layers[k].units;
  Napi::Float32Array h, c;
  if (!NewF32(env, rows, units, &h) || !NewF32(env, rows, units, &c)) return env.Undefined();
  backend_->get_state(k, h.Data(), c.Data(), (int)rows);
  Napi::Object out = Napi::Object::New(env);
  out.Set("h", h);
  out.Set("c", c);
  return out;
}

Napi::Value ModelWrap::SetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int k = 0;
  int64_t rows = 0;
  if (!Usable(env) || !LstmLayerIndex(env, backend_->spec(), info[0], &k) || !GetCount(env, info[3], "rows", MaxBatch(), &rows))
    return env.Undefined();
  const int64_t units = backend_->spec().layers[k].units;
  if (!CheckF32(env, info[1], "h", rows, units) || !CheckF32(env, info[2], "c", rows, units)) return env.Undefined();
  backend_->set_state(k, info[1].As<Napi::Float32Array>().Data(), info[2].As<Napi::Float32Array>().Data(), (int)rows);
  return env.Undefined();
}

Napi::Value ModelWrap::Cancel(const Napi::CallbackInfo& info) {
  cancel_.store(true);
  return info.Env().Undefined();
}

Napi::Value ModelWrap::Busy(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), busy_ != nullptr);
}

Napi::Value ModelWrap::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (busy_) {
    BusyError(env, busy_).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (backend_) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -external_bytes_);
    backend_.reset();
  }
  return env.Undefined();
}

}  // namespace fc_addon
