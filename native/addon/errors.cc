#include "addon/errors.h"

#include <exception>
#include <new>

namespace fc_addon {

Napi::Error StatusError(Napi::Env env, fc_status status, const std::string& detail) {
  std::string msg = fc_status_string(status);
  if (!detail.empty()) msg += ": " + detail;
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("code", Napi::String::New(env, "ERR_FLOWCAST_NATIVE"));
  err.Set("status", Napi::String::New(env, fc_status_name(status)));
  return err;
}

Napi::Error TypeError(Napi::Env env, const std::string& message) {
  Napi::Error err = Napi::TypeError::New(env, message);
  err.Set("code", Napi::String::New(env, "ERR_FLOWCAST_INVALID_ARG"));
  return err;
}

Napi::Error BusyError(Napi::Env env, const std::string& what) {
  Napi::Error err = Napi::Error::New(
      env, "The model is busy with " + what + "; wait for it to finish before using the model again");
  err.Set("code", Napi::String::New(env, "ERR_FLOWCAST_BUSY"));
  return err;
}

void ThrowCurrentException(Napi::Env env) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    StatusError(env, FC_STATUS_OUT_OF_MEMORY, "").ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    StatusError(env, FC_STATUS_INTERNAL, e.what()).ThrowAsJavaScriptException();
  } catch (...) {
    StatusError(env, FC_STATUS_INTERNAL, "an unknown C++ exception").ThrowAsJavaScriptException();
  }
}

}  // namespace fc_addon
