// The one place where a core status becomes a JS error.
#ifndef FLOWCAST_ADDON_ERRORS_H
#define FLOWCAST_ADDON_ERRORS_H

#include <napi.h>

#include <string>

#include "flowcast/flowcast.h"

namespace fc_addon {

// An Error with .code = 'ERR_FLOWCAST_NATIVE' and .status = 'FC_STATUS_...';
// lib/native/binding.ts turns it into a typed NativeError.
Napi::Error StatusError(Napi::Env env, fc_status status, const std::string& detail);

// Argument backstops (TypeScript validates first, with better messages).
Napi::Error TypeError(Napi::Env env, const std::string& message);
Napi::Error BusyError(Napi::Env env, const std::string& what);

// Throws the JS error for a C++ exception caught at the binding boundary:
// std::bad_alloc -> FC_STATUS_OUT_OF_MEMORY, anything else -> FC_STATUS_INTERNAL
// with its what(). Call only from inside a catch block.
void ThrowCurrentException(Napi::Env env);

// Runs a binding body so that no C++ exception can reach Node-API (which
// would std::terminate the process): every function the addon exports goes
// through this, and an exception becomes a typed JS error instead.
template <typename Fn>
Napi::Value CatchAll(Napi::Env env, Fn&& fn) {
  try {
    return fn();
  } catch (...) {
    ThrowCurrentException(env);
  }
  return env.Undefined();
}

// A module function wrapped in CatchAll: Napi::Function::New(env, Guarded<F>).
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  return CatchAll(info.Env(), [&] { return F(info); });
}

}  // namespace fc_addon

#endif  // FLOWCAST_ADDON_ERRORS_H
