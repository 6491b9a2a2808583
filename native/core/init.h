// Keras initializers, in PyTorch's parameter layout.
#ifndef FLOWCAST_CORE_INIT_H
#define FLOWCAST_CORE_INIT_H

#include "core/network.h"
#include "core/rng.h"

namespace fc {

// Fills net.params() in buffer order, drawing from rng:
//  - LSTM weight_ih [4H, I]: glorot-uniform, U(-a, a), a = sqrt(6 / (I + 4H))
//    (Keras computes fans on its kernel (I, 4H); the transpose has the same fans).
//  - LSTM weight_hh [4H, H]: orthogonal. Keras draws its recurrent kernel
//    (H, 4H) as the transpose of Q from the QR of a (4H, H) standard-normal
//    matrix, signs fixed so diag(R) > 0; PyTorch's weight_hh is that Q.
//  - LSTM biases: zero, except bias_ih's forget block = 1 (unit_forget_bias,
//    Jozefowicz et al. 2015); bias_hh = 0 so b_ih + b_hh matches Keras's one bias.
//  - Dense weight [O, I]: glorot-uniform, a = sqrt(6 / (I + O)); bias zero.
template <typename T>
void keras_initialize(Network<T>& net, Rng& rng);

}  // namespace fc

#endif  // FLOWCAST_CORE_INIT_H
