// Module entry: NativeModel, CPU/ISA introspection, and the float64
// reference used by the gradient tests.
//
// TS signatures (lib/native/binding.ts mirrors these):
//   buildInfo(): { compiler, flags, buildType, link, target, system, napiVersion }
//                                          how this binary was made (doctor())
//   isa(): string                          the kernel table chosen at load
//   availableIsas(): string[]              tables this CPU and build can run
//   backends(): string[]                   compute backends this build has, the default first
//   threads(): number                      threads the kernels use (FLOWCAST_THREADS or all cores)
//   setThreads(n: number): void            resize the pool; refused while a model is busy
//   peakGflops(isa: string, threads: number, iterations: number): number
//       multiply-add throughput of a table's register-only FMA loop on `threads` threads
//   kernelActivationError(isa: string): { sigmoid: number, tanh: number, points: number }
//       max |kernel - exact| of the table's gate activations over z in [-20, 20]
//   referenceLossAndGradients(spec, params: Float64Array, x: Float64Array,
//       y: Float64Array, n: number, states: ({h: Float64Array, c: Float64Array} | null)[],
//       options?: { loss?: 'mse' | 'mae' | 'huber', huberDelta?: number, seed?: number }):
//       { loss: number, gradients: Float64Array, output: Float64Array }
#include <napi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "addon/build_info.h"
#include "addon/errors.h"
#include "addon/model_wrap.h"
#include "addon/spec_from_js.h"
#include "backend/backend.h"
#include "core/thread_pool.h"
#include "core/trainer.h"
#include "kernels/kernels.h"

namespace fc_addon {
namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), fc::active_kernels().isa);
}

Napi::Value AvailableIsas(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (const char* isa : {"scalar", "avx2", "avx512", "neon"})
    if (fc::kernels_for_isa(isa)) out.Set(i++, Napi::String::New(env, isa));
  return out;
}

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (const std::string& name : fc::backend_names()) out.Set(i++, Napi::String::New(env, name));
  return out;
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), fc::get_threads());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(n >= 1 && n <= fc::kMaxThreads) || n != (double)(int)n) {
    TypeError(env, "threads must be an integer from 1 to " + std::to_string(fc::kMaxThreads) + ", received " +
                       (info[0].IsNumber() ? std::to_string(n) : std::string("a non-number")))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (ModelWrap::running() > 0) {
    Napi::Error err = Napi::Error::New(env, "The thread count can change only while no model is training or predicting");
    err.Set("code", Napi::String::New(env, "ERR_FLOWCAST_BUSY"));
    err.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string detail;
  const fc_status status = fc::set_threads((int)n, &detail);
  if (status != FC_STATUS_OK) StatusError(env, status, detail).ThrowAsJavaScriptException();
  return env.Undefined();
}

// The stated size limits of native/core/spec.h and core/thread_pool.h, for
// lib/core/limits.ts to check against.
Napi::Value Limits(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("units", (double)fc::kMaxUnits);
  o.Set("features", (double)fc::kMaxFeatures);
  o.Set("steps", (double)fc::kMaxSteps);
  o.Set("parameters", (double)fc::kMaxParams);
  o.Set("rows", (double)fc::kMaxRows);
  o.Set("threads", (double)fc::kMaxThreads);
  return o;
}

Napi::Value PeakGflops(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const fc::KernelTable<float>* k =
      info[0].IsString() ? fc::kernels_for_isa(info[0].As<Napi::String>().Utf8Value().c_str()) : nullptr;
  if (k == nullptr || !info[1].IsNumber() || !info[2].IsNumber()) {
    TypeError(env, "peakGflops(isa, threads, iterations) needs an available isa and two numbers")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int threads = std::max(1, info[1].As<Napi::Number>().Int32Value());
  const int64_t iterations = (int64_t)info[2].As<Napi::Number>().Int64Value();
  // One plain thread per loop (not the pool, whose dynamic task claiming
  // could let one thread run several loops).
  std::vector<double> sink(threads);
  std::vector<std::thread> workers;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i < threads; i++) workers.emplace_back([&, i] { sink[i] = k->fma_loop(iterations); });
  sink[0] = k->fma_loop(iterations);
  for (std::thread& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double checksum = 0;
  for (double v : sink) checksum += v;
  if (!(checksum == checksum)) return Napi::Number::New(env, 0);  // keep the work observable
  return Napi::Number::New(env, (double)iterations * k->fma_flops_per_iteration * threads / seconds / 1e9);
}

// Runs the table's lstm_cell_forward on a dense grid of pre-activations and
// compares the activated gates with sigmoid / tanh in double precision.
Napi::Value KernelActivationError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    TypeError(env, "isa must be a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string isa = info[0].As<Napi::String>().Utf8Value();
  const fc::KernelTable<float>* k = fc::kernels_for_isa(isa.c_str());
  if (k == nullptr) {
    StatusError(env, FC_STATUS_UNSUPPORTED, "kernel table '" + isa + "' is not available").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int H = 1000, rows = 400;  // 400,000 points, step 1e-4
  std::vector<float> gates(4 * H), c_prev(H, 0.0f), c(H), tc(H), h(H);
  double worst_sig = 0.0, worst_tanh = 0.0;
  for (int r = 0; r < rows; r++) {
    for (int j = 0; j < H; j++) {
      const float z = -20.0f + 40.0f * (float)(r * H + j) / (float)(rows * H);
      for (int g = 0; g < 4; g++) gates[g * H + j] = z;
    }
    k->lstm_cell_forward(1, H, gates.data(), c_prev.data(), c.data(), tc.data(), h.data());
    for (int j = 0; j < H; j++) {
      const float zf = -20.0f + 40.0f * (float)(r * H + j) / (float)(rows * H);
      const double sig = 1.0 / (1.0 + std::exp(-(double)zf));
      const double th = std::tanh((double)zf);
      worst_sig = std::max(worst_sig, std::fabs((double)gates[j] - sig));
      worst_sig = std::max(worst_sig, std::fabs((double)gates[H + j] - sig));
      worst_sig = std::max(worst_sig, std::fabs((double)gates[3 * H + j] - sig));
      worst_tanh = std::max(worst_tanh, std::fabs((double)gates[2 * H + j] - th));
    }
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("sigmoid", worst_sig);
  out.Set("tanh", worst_tanh);
  out.Set("points", rows * H);
  return out;
}

bool F64(Napi::Env env, Napi::Value v, const char* name, size_t n, const double** out) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      v.As<Napi::Float64Array>().ElementLength() != n) {
    TypeError(env, std::string(name) + " must be a Float64Array of " + std::to_string(n) + " elements")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = v.As<Napi::Float64Array>().Data();
  return true;
}

// Synchronous and float64: for tests on small networks only.
Napi::Value ReferenceLossAndGradients(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  fc::NetworkSpec spec;
  if (!SpecFromJs(env, info[0], &spec)) return env.Undefined();
  if (!info[4].IsNumber() || info[4].As<Napi::Number>().Int64Value() < 1) {
    TypeError(env, "n must be a positive integer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = info[4].As<Napi::Number>().Int64Value();
  try {
    fc::Network<double> net(spec, fc::scalar_kernels_f64());
    const double *params, *x, *y;
    if (!F64(env, info[1], "params", net.num_params(), &params) ||
        !F64(env, info[2], "x", n * net.in_per_sample(), &x) || !F64(env, info[3], "y", n * net.out_per_sample(), &y))
      return env.Undefined();
    std::memcpy(net.params(), params, sizeof(double) * net.num_params());
    if (info[6].IsObject()) {
      // Optional { loss, huberDelta, seed } (default MSE; seed: the model seed, for its dropout masks).
      const Napi::Object o = info[6].As<Napi::Object>();
      if (o.Get("seed").IsNumber()) net.seed_dropout((uint64_t)o.Get("seed").As<Napi::Number>().Int64Value());
      if (!o.Get("loss").IsUndefined()) {
        fc::LossKind kind;
        if (!ParseLoss(env, o.Get("loss"), o.Get("huberDelta"), &kind)) return env.Undefined();
        net.set_loss(kind, o.Get("huberDelta").IsNumber() ? o.Get("huberDelta").As<Napi::Number>().DoubleValue() : 1.0);
      }
    }
    if (info[5].IsArray()) {
      Napi::Array states = info[5].As<Napi::Array>();
      for (uint32_t k = 0; k < states.Length() && k < spec.layers.size(); k++) {
        Napi::Value s = states.Get(k);
        if (!s.IsObject() || !fc::is_recurrent(spec.layers[k].kind)) continue;
        const size_t len = n * spec.layers[k].units;
        const double *h, *c;
        if (!F64(env, s.As<Napi::Object>().Get("h"), "states[k].h", len, &h) ||
            !F64(env, s.As<Napi::Object>().Get("c"), "states[k].c", len, &c))
          return env.Undefined();
        net.set_state(k, h, c, (int)n);
      }
    }
    double loss = 0.0;
    fc_status st = fc::loss_and_gradients(net, x, y, n, &loss);
    if (st != FC_STATUS_OK) {
      StatusError(env, st, "").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Float64Array grads = Napi::Float64Array::New(env, net.num_params());
    std::memcpy(grads.Data(), net.grads(), sizeof(double) * net.num_params());
    Napi::Float64Array output = Napi::Float64Array::New(env, n * net.out_per_sample());
    net.copy_output(output.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("loss", loss);
    out.Set("gradients", grads);
    out.Set("output", output);
    return out;
  } catch (const std::bad_alloc&) {
    StatusError(env, FC_STATUS_OUT_OF_MEMORY, "").ThrowAsJavaScriptException();
    return env.Undefined();
  }
}

}  // namespace
}  // namespace fc_addon

static Napi::Object InitFlowcast(Napi::Env env, Napi::Object exports) {
  using namespace fc_addon;
  exports.Set("NativeModel", ModelWrap::Init(env));
  exports.Set("buildInfo", Napi::Function::New(env, Guarded<BuildInfo>));
  exports.Set("limits", Napi::Function::New(env, Guarded<Limits>));
  exports.Set("isa", Napi::Function::New(env, Guarded<Isa>));
  exports.Set("availableIsas", Napi::Function::New(env, Guarded<AvailableIsas>));
  exports.Set("backends", Napi::Function::New(env, Guarded<Backends>));
  exports.Set("threads", Napi::Function::New(env, Guarded<Threads>));
  exports.Set("setThreads", Napi::Function::New(env, Guarded<SetThreads>));
  exports.Set("peakGflops", Napi::Function::New(env, Guarded<PeakGflops>));
  exports.Set("kernelActivationError", Napi::Function::New(env, Guarded<KernelActivationError>));
  exports.Set("referenceLossAndGradients", Napi::Function::New(env, Guarded<ReferenceLossAndGradients>));
  return exports;
}

NODE_API_MODULE(flowcast, InitFlowcast)
