// The FC_BUILD_* strings come from CMakeLists.txt (compile definitions of this
// file only, so changing them rebuilds one file).
#include "addon/build_info.h"

#ifndef FC_BUILD_COMPILER
#define FC_BUILD_COMPILER "unknown"
#endif
#ifndef FC_BUILD_FLAGS
#define FC_BUILD_FLAGS ""
#endif
#ifndef FC_BUILD_TYPE
#define FC_BUILD_TYPE ""
#endif
#ifndef FC_BUILD_LINK
#define FC_BUILD_LINK ""
#endif
#ifndef FC_BUILD_TARGET
#define FC_BUILD_TARGET ""
#endif
#ifndef FC_BUILD_SYSTEM
#define FC_BUILD_SYSTEM ""
#endif

namespace fc_addon {

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("compiler", FC_BUILD_COMPILER);
  out.Set("flags", FC_BUILD_FLAGS);
  out.Set("buildType", FC_BUILD_TYPE);
  out.Set("link", FC_BUILD_LINK);
  out.Set("target", FC_BUILD_TARGET);
  out.Set("system", FC_BUILD_SYSTEM);
  out.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return out;
}

}  // namespace fc_addon
