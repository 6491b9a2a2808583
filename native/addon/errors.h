// The one place where a core status becomes a JS error.
#ifndef FLOWCAST_ADDON_ERRORS_H
#define FLOWCAST_ADDON_ERRORS_H

#include <napi.h>

#include <string>

#include "flowcast/flowcast.h"

namespace fc_addon {

// An Error with .code = 'ERR_FLOWCAST_NATIVE' and .status = 'FC_STATUS_...';
// lib/native.ts turns it into a typed NativeError.
Napi::Error StatusError(Napi::Env env, fc_status status, const std::string& detail);

// Argument backstops (TypeScript validates first, with better messages).
Napi::Error TypeError(Napi::Env env, const std::string& message);
Napi::Error BusyError(Napi::Env env, const std::string& what);

}  // namespace fc_addon

#endif  // FLOWCAST_ADDON_ERRORS_H
