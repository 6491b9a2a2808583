// Reads a network spec from its plain JS description (numbers and booleans only):
//   { steps, features, layers: [{ kind: 0 LSTM | 1 Dense | 2 Dropout | 3 GRU | 4 RNN, units,
//     returnSequences, stateful, activation: 0 linear | 1 tanh | 2 sigmoid | 3 relu,
//     hardSigmoid (LSTM gates), rate (Dropout) }] }
#ifndef FLOWCAST_ADDON_SPEC_FROM_JS_H
#define FLOWCAST_ADDON_SPEC_FROM_JS_H

#include <napi.h>

#include "core/network.h"
#include "core/spec.h"

namespace fc_addon {

// On failure, throws (pending JS exception) and returns false.
bool SpecFromJs(Napi::Env env, Napi::Value value, fc::NetworkSpec* spec);

// Reads a loss name ('mse' | 'mae' | 'huber') and, for Huber, a positive
// delta (a number, or undefined for 1). On failure, throws and returns false.
bool ParseLoss(Napi::Env env, Napi::Value name, Napi::Value delta, fc::LossKind* kind);

// The parameter layout as [{ name, offset, shape }].
Napi::Array LayoutToJs(Napi::Env env, const std::vector<fc::ParamEntry>& layout);

}  // namespace fc_addon

#endif  // FLOWCAST_ADDON_SPEC_FROM_JS_H
