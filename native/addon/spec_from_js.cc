#include "addon/spec_from_js.h"

#include <string>

#include "addon/errors.h"

namespace fc_addon {
namespace {

bool GetInt(Napi::Env env, Napi::Object o, const char* key, int* out) {
  Napi::Value v = o.Get(key);
  // An integer that fits int; validate_spec then checks the stated limits.
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.5;
  if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != (double)(int)d) {
    TypeError(env, std::string("spec.") + key + " must be an integer, received " +
                       (v.IsNumber() ? std::to_string(v.As<Napi::Number>().DoubleValue()) : std::string("a non-number")))
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = (int)d;
  return true;
}

bool GetBool(Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() && v.As<Napi::Boolean>().Value();
}

}  // namespace

bool SpecFromJs(Napi::Env env, Napi::Value value, fc::NetworkSpec* spec) {
  if (!value.IsObject()) {
    TypeError(env, "spec must be an object").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object o = value.As<Napi::Object>();
  if (!GetInt(env, o, "steps", &spec->steps) || !GetInt(env, o, "features", &spec->features)) return false;
  Napi::Value lv = o.Get("layers");
  if (!lv.IsArray()) {
    TypeError(env, "spec.layers must be an array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array layers = lv.As<Napi::Array>();
  spec->layers.clear();
  for (uint32_t i = 0; i < layers.Length(); i++) {
    Napi::Value e = layers.Get(i);
    if (!e.IsObject()) {
      TypeError(env, "spec.layers[" + std::to_string(i) + "] must be an object").ThrowAsJavaScriptException();
      return false;
    }
    Napi::Object lo = e.As<Napi::Object>();
    fc::LayerSpec l;
    int kind = 0, act = 0;
    if (!GetInt(env, lo, "kind", &kind) || !GetInt(env, lo, "units", &l.units) ||
        !GetInt(env, lo, "activation", &act))
      return false;
    if (kind < 0 || kind > 4 || act < 0 || act > 3) {
      TypeError(env, "spec.layers[" + std::to_string(i) + "] has an unknown kind or activation")
          .ThrowAsJavaScriptException();
      return false;
    }
    l.kind = static_cast<fc::LayerKind>(kind);
    l.activation = static_cast<fc::Activation>(act);
    l.return_sequences = GetBool(lo, "returnSequences");
    l.stateful = GetBool(lo, "stateful");
    l.hard_sigmoid = GetBool(lo, "hardSigmoid");
    if (lo.Get("rate").IsNumber()) l.rate = lo.Get("rate").As<Napi::Number>().DoubleValue();
    spec->layers.push_back(l);
  }
  std::string why;
  fc_status st = fc::validate_spec(*spec, &why);
  if (st != FC_STATUS_OK) {
    StatusError(env, st, why).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Array LayoutToJs(Napi::Env env, const std::vector<fc::ParamEntry>& layout) {
  Napi::Array arr = Napi::Array::New(env, layout.size());
  for (size_t i = 0; i < layout.size(); i++) {
    const fc::ParamEntry& e = layout[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("offset", Napi::Number::New(env, (double)e.offset));
    Napi::Array shape = Napi::Array::New(env, e.is_vector ? 1 : 2);
    shape.Set(0u, Napi::Number::New(env, e.rows));
    if (!e.is_vector) shape.Set(1u, Napi::Number::New(env, e.cols));
    o.Set("shape", shape);
    arr.Set(i, o);
  }
  return arr;
}

bool ParseLoss(Napi::Env env, Napi::Value name, Napi::Value delta, fc::LossKind* kind) {
  const std::string n = name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
  if (n == "mse") {
    *kind = fc::LossKind::kMse;
  } else if (n == "mae") {
    *kind = fc::LossKind::kMae;
  } else if (n == "huber") {
    *kind = fc::LossKind::kHuber;
  } else {
    Napi::TypeError::New(env, "loss must be 'mse', 'mae' or 'huber'").ThrowAsJavaScriptException();
    return false;
  }
  if (!delta.IsUndefined() && !(delta.IsNumber() && delta.As<Napi::Number>().DoubleValue() > 0)) {
    Napi::TypeError::New(env, "huberDelta must be a positive number").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

}  // namespace fc_addon
