// buildInfo(): how this binary was made, for doctor() (lib/native/doctor.ts).
#pragma once
#include <napi.h>

namespace fc_addon {

// { compiler, flags, buildType, link, target, system, napiVersion }
Napi::Value BuildInfo(const Napi::CallbackInfo& info);

}  // namespace fc_addon
