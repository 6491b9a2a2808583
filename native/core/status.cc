#include "flowcast/flowcast.h"

extern "C" const char* fc_status_name(fc_status status) {
  switch (status) {
    case FC_STATUS_OK: return "FC_STATUS_OK";
    case FC_STATUS_INVALID_ARGUMENT: return "FC_STATUS_INVALID_ARGUMENT";
    case FC_STATUS_OUT_OF_MEMORY: return "FC_STATUS_OUT_OF_MEMORY";
    case FC_STATUS_NON_FINITE: return "FC_STATUS_NON_FINITE";
    case FC_STATUS_CANCELLED: return "FC_STATUS_CANCELLED";
    case FC_STATUS_NOT_COMPILED: return "FC_STATUS_NOT_COMPILED";
    case FC_STATUS_UNSUPPORTED: return "FC_STATUS_UNSUPPORTED";
    case FC_STATUS_INTERNAL: return "FC_STATUS_INTERNAL";
  }
  return "FC_STATUS_UNKNOWN";
}

extern "C" const char* fc_status_string(fc_status status) {
  switch (status) {
    case FC_STATUS_OK: return "success";
    case FC_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case FC_STATUS_OUT_OF_MEMORY: return "out of memory";
    case FC_STATUS_NON_FINITE: return "the loss or a gradient became NaN or infinite";
    case FC_STATUS_CANCELLED: return "cancelled";
    case FC_STATUS_NOT_COMPILED: return "the model has no optimizer; call compile() first";
    case FC_STATUS_UNSUPPORTED: return "not supported on this CPU or build";
    case FC_STATUS_INTERNAL: return "internal error";
  }
  return "unknown status";
}
