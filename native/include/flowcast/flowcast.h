// flowcast's C ABI: status codes. Every core entry point returns an
// fc_status; nothing in native/ throws across this boundary, exits or aborts.
// native/addon/errors.cc is the only place a status becomes a JS error.
#ifndef FLOWCAST_FLOWCAST_H
#define FLOWCAST_FLOWCAST_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fc_status {
  FC_STATUS_OK = 0,
  FC_STATUS_INVALID_ARGUMENT = 1,  // a shape, size or option the core cannot accept
  FC_STATUS_OUT_OF_MEMORY = 2,     // an allocation failed
  FC_STATUS_NON_FINITE = 3,        // the loss or a gradient became NaN or infinite
  FC_STATUS_CANCELLED = 4,         // a cancel flag was seen between batches
  FC_STATUS_NOT_COMPILED = 5,      // training was asked for before an optimizer was set
  FC_STATUS_UNSUPPORTED = 6,       // e.g. a forced instruction set this CPU lacks
  FC_STATUS_INTERNAL = 7           // an unexpected C++ exception, caught at the boundary
} fc_status;

// Stable name, e.g. "FC_STATUS_NON_FINITE".
const char* fc_status_name(fc_status status);
// One-line human description.
const char* fc_status_string(fc_status status);

#ifdef __cplusplus
}
#endif

#endif  // FLOWCAST_FLOWCAST_H
